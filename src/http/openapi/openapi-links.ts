import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';

/** Where a value of a creating response goes in a follow-up request (OpenAPI runtime expressions). */
type LinkParameters = Readonly<Record<string, string>>;

interface Link {
  readonly from: readonly [path: string, method: string, status: string];
  readonly name: string;
  readonly to: readonly [path: string, method: string];
  readonly parameters: LinkParameters;
  readonly description: string;
}

const IF_MATCH_FROM_ETAG = { 'header.If-Match': '$response.header.ETag' } as const;

/**
 * What a client does next with what it created: read it back (from its stream, so at once),
 * and change it with If-Match set to the ETag the creation answered. Clients and stateful
 * testers (schemathesis) follow these links.
 */
const LINKS: readonly Link[] = [
  { from: ['/vendors', 'post', '201'], name: 'GetVendor', to: ['/vendors/{vendorId}', 'get'], parameters: { vendorId: '$response.body#/vendorId' }, description: 'the vendor just registered' },
  { from: ['/vendors', 'post', '201'], name: 'UpdateVendor', to: ['/vendors/{vendorId}', 'patch'], parameters: { vendorId: '$response.body#/vendorId', ...IF_MATCH_FROM_ETAG }, description: 'change its profile' },
  { from: ['/vendors', 'post', '201'], name: 'VerifyVendor', to: ['/vendors/{vendorId}/verify', 'post'], parameters: { vendorId: '$response.body#/vendorId', ...IF_MATCH_FROM_ETAG }, description: 'verify it (admin)' },
  { from: ['/vendors', 'post', '201'], name: 'RejectVendor', to: ['/vendors/{vendorId}/reject', 'post'], parameters: { vendorId: '$response.body#/vendorId', ...IF_MATCH_FROM_ETAG }, description: 'reject it (admin)' },
  { from: ['/vendors/{vendorId}/listings', 'post', '201'], name: 'GetListing', to: ['/listings/{listingId}', 'get'], parameters: { listingId: '$response.body#/listingId' }, description: 'the listing just created' },
  { from: ['/vendors/{vendorId}/listings', 'post', '201'], name: 'RepriceListing', to: ['/listings/{listingId}/price', 'post'], parameters: { listingId: '$response.body#/listingId', ...IF_MATCH_FROM_ETAG }, description: 'change its price' },
  { from: ['/opds', 'post', '201'], name: 'GetOpd', to: ['/opds/{opdCode}', 'get'], parameters: { opdCode: '$response.body#/opdCode' }, description: 'the OPD just registered' },
  { from: ['/opds', 'post', '201'], name: 'RenameOpd', to: ['/opds/{opdCode}', 'patch'], parameters: { opdCode: '$response.body#/opdCode', ...IF_MATCH_FROM_ETAG }, description: 'rename it' },
  { from: ['/cards', 'post', '201'], name: 'GetCard', to: ['/cards/{cardId}', 'get'], parameters: { cardId: '$response.body#/cardId' }, description: 'the card just issued' },
  { from: ['/cards', 'post', '201'], name: 'ChangeCardLimit', to: ['/cards/{cardId}/limit', 'post'], parameters: { cardId: '$response.body#/cardId', ...IF_MATCH_FROM_ETAG }, description: 'change its limit' },
  { from: ['/cards', 'post', '201'], name: 'SuspendCard', to: ['/cards/{cardId}/suspend', 'post'], parameters: { cardId: '$response.body#/cardId', ...IF_MATCH_FROM_ETAG }, description: 'suspend it' },
  { from: ['/orders', 'post', '201'], name: 'GetOrder', to: ['/orders/{orderId}', 'get'], parameters: { orderId: '$response.body#/orderId' }, description: 'the order just placed' },
  { from: ['/orders', 'post', '201'], name: 'CancelOrder', to: ['/orders/{orderId}/cancel', 'post'], parameters: { orderId: '$response.body#/orderId' }, description: 'cancel it (its state moves on its own: no If-Match)' },
];

/** Adds LINKS to the document's responses; a link whose either end the document lacks is left out. */
export function addLinks(document: OpenAPIObject): OpenAPIObject {
  for (const link of LINKS) {
    const [fromPath, fromMethod, status] = link.from;
    const [toPath, toMethod] = link.to;
    const source = (document.paths[fromPath] as Record<string, OperationObject | undefined> | undefined)?.[fromMethod];
    const response = source?.responses?.[status] as ResponseObject | undefined;
    const target = (document.paths[toPath] as Record<string, OperationObject | undefined> | undefined)?.[toMethod];
    if (!response || !target) continue;
    response.links = {
      ...response.links,
      [link.name]: { operationRef: `#/paths/${pointerEscape(toPath)}/${toMethod}`, parameters: { ...link.parameters }, description: link.description },
    };
  }
  return document;
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
