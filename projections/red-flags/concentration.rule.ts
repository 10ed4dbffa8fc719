import type { OrderEvent } from '../../src/orders/domain/order.events.js';
import { redFlagId } from '../../src/red-flags/red-flag-id.js';
import type { ProjectedEvent, ProjectionLookup, RowChange } from '../projection.js';
import { flagRow } from './flag-row.js';
import { OPD_VENDOR_YEARS, OPD_YEARS, ORDERS, policyOf } from './red-flags.tables.js';

/**
 * Concentration: the OPD's spending (paid, in the year the order was placed) and the paying
 * vendor's part of it. Checked for the paying vendor and for the OPD's top vendor (whose share
 * may pass the threshold when the OPD's total first reaches the minimum spend); each vendor is
 * flagged once per OPD and year.
 */
export function paid(event: ProjectedEvent & Extract<OrderEvent, { type: 'OrderPaid' }>, lookup: ProjectionLookup): RowChange[] {
  const order = lookup.get(ORDERS, { order_id: event.data.orderId });
  if (!order) return [];
  const policy = policyOf(event.data.policyRevision, lookup);
  const opdCode = String(order.opd_code);
  const vendorId = String(order.vendor_id);
  const year = String(order.placed_at).slice(0, 4);
  const yearRow = lookup.get(OPD_YEARS, { opd_code: opdCode, year });
  const vendorRow = lookup.get(OPD_VENDOR_YEARS, { opd_code: opdCode, year, vendor_id: vendorId });
  const spentRupiah = Number(yearRow?.spent_rupiah ?? 0) + event.data.amountRupiah;
  const vendorSpentRupiah = Number(vendorRow?.spent_rupiah ?? 0) + event.data.amountRupiah;
  const previousTop = yearRow ? { vendorId: String(yearRow.top_vendor_id), rupiah: Number(yearRow.top_vendor_rupiah) } : undefined;
  const top =
    !previousTop || vendorSpentRupiah > previousTop.rupiah || previousTop.vendorId === vendorId ? { vendorId, rupiah: vendorSpentRupiah } : previousTop;
  const changes: RowChange[] = [
    {
      op: 'upsert',
      table: OPD_YEARS,
      key: { opd_code: opdCode, year },
      values: { spent_rupiah: spentRupiah, top_vendor_id: top.vendorId, top_vendor_rupiah: top.rupiah },
    },
  ];
  const candidates = [{ vendorId, rupiah: vendorSpentRupiah, flagged: Number(vendorRow?.flagged ?? 0) === 1 }];
  if (top.vendorId !== vendorId) {
    const topRow = lookup.get(OPD_VENDOR_YEARS, { opd_code: opdCode, year, vendor_id: top.vendorId });
    candidates.push({ vendorId: top.vendorId, rupiah: top.rupiah, flagged: Number(topRow?.flagged ?? 0) === 1 });
  }
  for (const candidate of candidates) {
    const over = spentRupiah >= policy.concentrationMinSpendRupiah && candidate.rupiah * 100 > policy.concentrationSharePercent * spentRupiah;
    const raise = over && !candidate.flagged;
    const key = { opd_code: opdCode, year, vendor_id: candidate.vendorId };
    if (candidate.vendorId === vendorId) {
      changes.push({ op: 'upsert', table: OPD_VENDOR_YEARS, key, values: { spent_rupiah: vendorSpentRupiah, flagged: candidate.flagged || raise ? 1 : 0 } });
    } else if (raise) {
      changes.push({ op: 'update', table: OPD_VENDOR_YEARS, key, set: { flagged: 1 } });
    }
    if (!raise) continue;
    const sharePercent = Math.round((candidate.rupiah * 10_000) / spentRupiah) / 100;
    changes.push(
      flagRow({
        flagId: redFlagId('concentration', opdCode, year, candidate.vendorId),
        rule: 'concentration',
        opdCode,
        vendorId: candidate.vendorId,
        amountRupiah: candidate.rupiah,
        summary: `one vendor received ${sharePercent}% (Rp ${candidate.rupiah}) of the OPD's Rp ${spentRupiah} paid for orders placed in ${year}`,
        orderIds: [event.data.orderId],
        events: [{ type: 'OrderPaid', streamId: event.streamId, position: event.position }],
        parameters: {
          concentrationSharePercent: policy.concentrationSharePercent,
          concentrationMinSpendRupiah: policy.concentrationMinSpendRupiah,
          year,
          sharePercent,
          opdSpentRupiah: spentRupiah,
        },
        policyRevision: policy.revision,
        raisedAt: event.metadata.occurredAt,
        raisedPosition: event.position,
      }),
    );
  }
  return [...changes, { op: 'update', table: ORDERS, key: { order_id: event.data.orderId }, set: { state: 'paid' } }];
}
