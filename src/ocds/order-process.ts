import { CATEGORIES, isCategory } from '../catalog/domain/categories.js';
import type { BuyerFacts } from './ocds-parties.js';
import type { OcdsContractStatus, OcdsReleaseTag, OcdsTenderStatus } from './ocds-release.types.js';
import type { PublicEvent } from './public-events.js';

/** An order line as the public view carries it. */
export interface PublicOrderLine {
  readonly listingId: string;
  readonly title: string;
  readonly category: string;
  readonly unit: string;
  readonly quantity: number;
  readonly unitPriceRupiah: number;
}

export interface PaymentFacts {
  readonly eventId: string;
  readonly amountRupiah: number;
  readonly recordedAt: string;
}

/**
 * A contracting process as the order's public events have built it so far. The mapping from
 * order states (docs/ocds.md):
 * placed -> tender active; authorised -> a financing milestone (the KKP hold);
 * accepted -> tender complete, award active, contract active (the vendor's acceptance signs it);
 * shipped, received -> delivery milestones; paid -> a transaction, contract terminated (completed);
 * declined, or cancelled / hold expired before acceptance -> tender cancelled;
 * rejected by the vendor -> tender unsuccessful; cancelled / hold expired after acceptance ->
 * contract terminated.
 */
export interface OrderProcess {
  readonly orderId: string;
  readonly buyer: BuyerFacts;
  readonly vendorId: string;
  readonly vendorScale: string;
  readonly lines: readonly PublicOrderLine[];
  readonly shippingRupiah: number;
  readonly totalRupiah: number;
  readonly placedAt: string;
  readonly tenderStatus: OcdsTenderStatus;
  readonly authorisedAt?: string;
  readonly acceptedAt?: string;
  readonly contractStatus?: OcdsContractStatus;
  readonly shippedAt?: string;
  /** The BAST's date (a WIB calendar date); its number is typed text and is not published. */
  readonly bastDate?: string;
  readonly payments: readonly PaymentFacts[];
}

export interface ProcessStep {
  readonly process: OrderProcess;
  readonly tags: readonly OcdsReleaseTag[];
}

/** The next state and the release tags of one order event; null when the event changes nothing public. */
export function stepProcess(process: OrderProcess | undefined, event: PublicEvent): ProcessStep | null {
  const view = event.view;
  if (event.type === 'OrderPlaced') {
    if (process !== undefined) return null;
    return { process: placedProcess(view, event.recordedAt), tags: ['tender'] };
  }
  if (process === undefined) return null;
  const at = event.recordedAt;
  const awarded = process.acceptedAt !== undefined;
  switch (event.type) {
    case 'OrderAuthorised':
      return { process: { ...process, authorisedAt: at }, tags: ['tenderUpdate'] };
    case 'OrderDeclined':
      return { process: { ...process, tenderStatus: 'cancelled' }, tags: ['tenderCancellation'] };
    case 'OrderRejected':
      return { process: { ...process, tenderStatus: 'unsuccessful' }, tags: ['tenderUpdate'] };
    case 'OrderAccepted':
      return { process: { ...process, tenderStatus: 'complete', acceptedAt: at, contractStatus: 'active' }, tags: ['award', 'contract'] };
    case 'OrderShipped':
      return awarded ? { process: { ...process, shippedAt: at }, tags: ['implementation'] } : null;
    case 'OrderReceived':
      return awarded ? { process: { ...process, bastDate: String(view.bastDate) }, tags: ['implementation'] } : null;
    case 'OrderPaid': {
      if (!awarded) return null;
      const payment = { eventId: event.id, amountRupiah: Number(view.amountRupiah), recordedAt: at };
      return {
        process: { ...process, contractStatus: 'terminated', payments: [...process.payments, payment] },
        tags: ['implementation', 'contractTermination'],
      };
    }
    case 'OrderCancelled':
    case 'OrderHoldExpired':
      return awarded
        ? { process: { ...process, contractStatus: 'terminated' }, tags: ['contractTermination'] }
        : { process: { ...process, tenderStatus: 'cancelled' }, tags: ['tenderCancellation'] };
    default:
      return null;
  }
}

function placedProcess(view: Readonly<Record<string, unknown>>, recordedAt: string): OrderProcess {
  const buyer = view.buyer as BuyerFacts;
  return {
    orderId: String(view.orderId),
    buyer: { opdCode: buyer.opdCode, opdName: buyer.opdName, kabupatenKotaCode: buyer.kabupatenKotaCode },
    vendorId: String(view.vendorId),
    vendorScale: String(view.vendorScale),
    lines: (view.lines as readonly PublicOrderLine[]).map(({ listingId, title, category, unit, quantity, unitPriceRupiah }) => ({
      listingId,
      title,
      category,
      unit,
      quantity,
      unitPriceRupiah,
    })),
    shippingRupiah: Number(view.shippingRupiah),
    totalRupiah: Number(view.totalRupiah),
    placedAt: recordedAt,
    tenderStatus: 'active',
    payments: [],
  };
}

/** Categories that buy a service rather than goods (OCDS mainProcurementCategory). */
const SERVICE_CATEGORIES: ReadonlySet<string> = new Set(['transportasi', 'jasa-kebersihan', 'percetakan', 'jasa-lainnya']);

export function mainCategoryOf(lines: readonly PublicOrderLine[]): 'goods' | 'services' {
  return lines.length > 0 && lines.every((line) => SERVICE_CATEGORIES.has(line.category)) ? 'services' : 'goods';
}

export function categoryLabel(code: string): string {
  return isCategory(code) ? CATEGORIES[code] : code;
}
