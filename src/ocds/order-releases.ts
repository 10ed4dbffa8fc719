import { ocidOf, releaseIdOf } from './ocid.js';
import { SupplierFacts, buyerParty, referenceTo, supplierParty } from './ocds-parties.js';
import type { OcdsContract, OcdsItem, OcdsMilestone, OcdsPartyRole, OcdsRelease, OcdsValue } from './ocds-release.types.js';
import { OrderProcess, categoryLabel, mainCategoryOf, stepProcess } from './order-process.js';
import type { PublicEvent } from './public-events.js';

/** Names the channel the order went through, in the publication's language (Bahasa Indonesia). */
export const PROCUREMENT_METHOD_DETAILS =
  'Bela Pengadaan: toko daring, pembelian langsung dari usaha mikro, kecil dan koperasi, dibayar dengan Kartu Kredit Pemerintah (KKP)';
/** Our own category codes (docs/catalog-categories.md): an open codelist value, not CPV or UNSPSC. */
export const CATEGORY_CLASSIFICATION_SCHEME = 'BELA-KATEGORI';
const SHIPPING_ITEM_ID = 'ongkos-kirim';

/** One order's public events and its vendor's, each in position order. */
export interface OrderHistory {
  readonly orderEvents: readonly PublicEvent[];
  readonly vendorEvents: readonly PublicEvent[];
}

/**
 * Every release of one contracting process: one per order event that changes it, each a full
 * snapshot of the process as of that event (so a release stands on its own and the compiled
 * release is the last one). Pure: the same events give the same releases, byte for byte.
 */
export function orderReleases(ocidPrefix: string, history: OrderHistory): OcdsRelease[] {
  const releases: OcdsRelease[] = [];
  let process: OrderProcess | undefined;
  for (const event of history.orderEvents) {
    const step = stepProcess(process, event);
    if (step === null) continue;
    process = step.process;
    const ocid = ocidOf(ocidPrefix, process.orderId);
    releases.push(
      releaseOf(process, {
        ocid,
        id: releaseIdOf(ocid, event.revision),
        date: event.recordedAt,
        tag: step.tags,
        supplier: supplierAsOf(process, history.vendorEvents, event.position),
      }),
    );
  }
  return releases;
}

/** The compiled release: the last snapshot, tagged `compiled`. */
export function compiledReleaseOf(releases: readonly OcdsRelease[]): OcdsRelease | undefined {
  const last = releases.at(-1);
  return last === undefined ? undefined : { ...last, id: `${last.id}-compiled`, tag: ['compiled'] };
}

interface ReleaseHeader {
  readonly ocid: string;
  readonly id: string;
  readonly date: string;
  readonly tag: OcdsRelease['tag'];
  readonly supplier: SupplierFacts;
}

function releaseOf(process: OrderProcess, header: ReleaseHeader): OcdsRelease {
  const { ocid } = header;
  const awarded = process.acceptedAt !== undefined;
  const buyer = buyerParty(process.buyer, ['buyer', 'procuringEntity', 'payer']);
  const supplierRoles: OcdsPartyRole[] = awarded ? ['tenderer', 'supplier', 'payee'] : ['tenderer'];
  const supplier = supplierParty(header.supplier, supplierRoles);
  const items = itemsOf(process);
  const value = rupiah(process.totalRupiah);
  const authorisation: OcdsMilestone[] =
    process.authorisedAt !== undefined
      ? [{ id: 'otorisasi-kkp', title: 'Otorisasi KKP: dana pesanan dicadangkan pada kartu', type: 'financing', status: 'met', dateMet: process.authorisedAt }]
      : [];
  const release: OcdsRelease = {
    ocid,
    id: header.id,
    date: header.date,
    tag: header.tag,
    initiationType: 'tender',
    language: 'id',
    parties: [buyer, supplier],
    buyer: referenceTo(buyer),
    tender: {
      id: `${ocid}-tender`,
      title: `Pesanan Bela Pengadaan ${process.orderId}`,
      status: process.tenderStatus,
      procuringEntity: referenceTo(buyer),
      items,
      value,
      procurementMethod: 'direct',
      procurementMethodDetails: PROCUREMENT_METHOD_DETAILS,
      mainProcurementCategory: mainCategoryOf(process.lines),
      numberOfTenderers: 1,
      tenderers: [referenceTo(supplier)],
      ...(authorisation.length > 0 ? { milestones: authorisation } : {}),
    },
  };
  const acceptedAt = process.acceptedAt;
  if (acceptedAt === undefined) return release;
  const awardId = `${ocid}-award`;
  return {
    ...release,
    awards: [{ id: awardId, title: 'Pesanan diterima penyedia', status: 'active', date: acceptedAt, value, suppliers: [referenceTo(supplier)], items }],
    contracts: [contractOf(process, { ocid, awardId, value, items, payer: referenceTo(buyer), payee: referenceTo(supplier) })],
  };
}

function contractOf(
  process: OrderProcess,
  parts: {
    ocid: string;
    awardId: string;
    value: OcdsValue;
    items: readonly OcdsItem[];
    payer: { id: string; name: string };
    payee: { id: string; name: string };
  },
): OcdsContract {
  const milestones: OcdsMilestone[] = [];
  if (process.shippedAt !== undefined)
    milestones.push({ id: 'pengiriman', title: 'Barang/jasa dikirim penyedia', type: 'delivery', status: 'met', dateMet: process.shippedAt });
  // The BAST date is a calendar date in WIB, where the OPD signed it.
  if (process.bastDate !== undefined)
    milestones.push({
      id: 'serah-terima',
      title: 'Berita acara serah terima (BAST)',
      type: 'delivery',
      status: 'met',
      dateMet: `${process.bastDate}T00:00:00+07:00`,
    });
  const transactions = process.payments.map((payment) => ({
    id: `kkp-${payment.eventId}`,
    date: payment.recordedAt,
    value: rupiah(payment.amountRupiah),
    payer: parts.payer,
    payee: parts.payee,
  }));
  const implementation = {
    ...(milestones.length > 0 ? { milestones } : {}),
    ...(transactions.length > 0 ? { transactions } : {}),
  };
  return {
    id: `${parts.ocid}-contract`,
    awardID: parts.awardId,
    title: 'Surat pesanan Bela Pengadaan',
    status: process.contractStatus ?? 'active',
    dateSigned: process.acceptedAt ?? process.placedAt,
    value: parts.value,
    items: parts.items,
    ...(Object.keys(implementation).length > 0 ? { implementation } : {}),
  };
}

function itemsOf(process: OrderProcess): OcdsItem[] {
  const items: OcdsItem[] = process.lines.map((line) => ({
    id: line.listingId,
    description: line.title,
    classification: { scheme: CATEGORY_CLASSIFICATION_SCHEME, id: line.category, description: categoryLabel(line.category) },
    quantity: line.quantity,
    unit: { name: line.unit, value: rupiah(line.unitPriceRupiah) },
  }));
  if (process.shippingRupiah > 0)
    items.push({ id: SHIPPING_ITEM_ID, description: 'Ongkos kirim', quantity: 1, unit: { name: 'pesanan', value: rupiah(process.shippingRupiah) } });
  return items;
}

/** The vendor's public facts from its events recorded before `position`: a release never changes once made. */
function supplierAsOf(process: OrderProcess, vendorEvents: readonly PublicEvent[], position: bigint): SupplierFacts {
  let facts: SupplierFacts = { vendorId: process.vendorId, scale: process.vendorScale };
  for (const event of vendorEvents) {
    if (event.position >= position) break;
    if (event.view.vendorId !== process.vendorId) continue;
    if (event.type === 'VendorRegistered') {
      facts = { ...facts, name: String(event.view.name), nib: String(event.view.nib), kabupatenKotaCode: String(event.view.kabupatenKotaCode) };
    } else if (event.type === 'VendorProfileUpdated') {
      facts = { ...facts, name: String(event.view.name), kabupatenKotaCode: String(event.view.kabupatenKotaCode) };
    }
  }
  return facts;
}

function rupiah(amount: number): OcdsValue {
  return { amount, currency: 'IDR' };
}
