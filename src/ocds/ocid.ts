import { UUID_PATTERN } from '../kernel/ids.js';

/** One contracting process per order: its ocid is the registered prefix and the order id. */
export function ocidOf(prefix: string, orderId: string): string {
  return `${prefix}-${orderId}`;
}

/** The order id an ocid names, or undefined when it is not one of this publisher's ocids. */
export function orderIdOfOcid(prefix: string, ocid: string): string | undefined {
  if (!ocid.startsWith(`${prefix}-`)) return undefined;
  const orderId = ocid.slice(prefix.length + 1);
  return UUID_PATTERN.test(orderId) ? orderId : undefined;
}

/** Stable across exports and stores: an order stream's revisions never change once written. */
export function releaseIdOf(ocid: string, orderRevision: bigint | number): string {
  return `${ocid}-${orderRevision.toString()}`;
}
