import type { RecordedEvent } from '../../../src/event-store/event-store.port.js';
import type { KnownEventType } from '../../../src/kafka/public-contract.js';
import { ocidOf, orderIdOfOcid } from '../../../src/ocds/ocid.js';
import { recordOf, recordPackageOf, releasePackageOf } from '../../../src/ocds/ocds-packages.js';
import type { OcdsPublication } from '../../../src/ocds/ocds-publication.js';
import type { OcdsRelease } from '../../../src/ocds/ocds-release.types.js';
import { PROCUREMENT_METHOD_DETAILS, orderReleases } from '../../../src/ocds/order-releases.js';
import { publicEventsOf } from '../../../src/ocds/public-events.js';
import { FORBIDDEN_PUBLIC_STRINGS, PERSONAL, sampleData, sampleIds } from '../../support/ledger-event-samples.js';
import { codelist, recordPackageErrors, releasePackageErrors } from '../../support/ocds-schema.js';

const PUBLICATION: OcdsPublication = {
  ocidPrefix: 'ocds-test01',
  publisher: { name: 'Bela Pengadaan (LKPP)' },
  licenseUrl: 'https://creativecommons.org/licenses/by/4.0/',
  publicationPolicyUrl: 'http://127.0.0.1:3000/public/ocds/publication-policy',
  baseUrl: 'http://127.0.0.1:3000',
};
const START_MS = Date.parse('2026-11-20T03:00:00.000Z');
const STEP_MS = 60_000;

/** A ledger history as the store would record it: the vendor's registration, then the order's events. */
function history(orderTypes: readonly KnownEventType[]) {
  const ids = sampleIds();
  const data = sampleData(ids);
  let position = 10n;
  const recorded = (streamId: string, type: KnownEventType, revision: number): RecordedEvent => {
    // Gaps, as other streams' events fall between an order's events in $all.
    position += 10n;
    return {
      id: `00000000-0000-4000-8000-${position.toString().padStart(12, '0')}`,
      type,
      streamId,
      revision: BigInt(revision),
      position,
      data: data[type],
      metadata: {
        correlationId: PERSONAL.correlationId,
        causationId: 'c',
        actor: { id: PERSONAL.actorId, role: 'buyer' },
        occurredAt: '2026-11-20T03:00:00.000Z',
        schemaVersion: 1,
      },
      created: new Date(START_MS + Number(position) * STEP_MS),
    };
  };
  const vendorEvents = [recorded(`vendor-${ids.vendorId}`, 'VendorRegistered', 0), recorded(`vendor-${ids.vendorId}`, 'VendorVerified', 1)];
  const orderEvents = orderTypes.map((type, revision) => recorded(`order-${ids.orderId}`, type, revision));
  return { ids, ocid: ocidOf(PUBLICATION.ocidPrefix, ids.orderId), orderEvents, vendorEvents };
}

function releasesOf(orderTypes: readonly KnownEventType[]) {
  const given = history(orderTypes);
  const releases = orderReleases(PUBLICATION.ocidPrefix, { orderEvents: publicEventsOf(given.orderEvents), vendorEvents: publicEventsOf(given.vendorEvents) });
  return { ...given, releases };
}

const FULL_FLOW: KnownEventType[] = ['OrderPlaced', 'OrderAuthorised', 'OrderAccepted', 'OrderShipped', 'OrderReceived', 'OrderPaid'];

describe('OCDS mapping of one order (pure)', () => {
  it('an order through its whole flow gives one release per change, with the tags of each step', () => {
    const { releases, ocid, orderEvents } = releasesOf(FULL_FLOW);
    expect(releases.map((release) => release.tag)).toEqual([
      ['tender'],
      ['tenderUpdate'],
      ['award', 'contract'],
      ['implementation'],
      ['implementation'],
      ['implementation', 'contractTermination'],
    ]);
    expect(releases.map((release) => release.id)).toEqual(orderEvents.map((event) => `${ocid}-${event.revision}`));
    expect(releases.map((release) => release.date)).toEqual(orderEvents.map((event) => event.created.toISOString()));
    for (const release of releases) {
      expect(release).toMatchObject({ ocid, initiationType: 'tender', language: 'id' });
    }
  });

  it('the tender is a direct purchase through Bela Pengadaan, its items the order lines and its value the total', () => {
    const { releases, ids } = releasesOf(['OrderPlaced']);
    const tender = releases[0]!.tender;
    expect(tender).toMatchObject({
      status: 'active',
      procurementMethod: 'direct',
      procurementMethodDetails: PROCUREMENT_METHOD_DETAILS,
      mainProcurementCategory: 'goods',
    });
    expect(tender.procurementMethodDetails).toContain('Bela Pengadaan');
    expect(tender.value).toEqual({ amount: 1_550_000, currency: 'IDR' });
    expect(tender.items).toEqual([
      {
        id: ids.listingId,
        description: 'Nasi kotak',
        classification: { scheme: 'BELA-KATEGORI', id: 'makan-minum', description: expect.stringContaining('Makanan') },
        quantity: 40,
        unit: { name: 'kotak', value: { amount: 37_500, currency: 'IDR' } },
      },
      { id: 'ongkos-kirim', description: 'Ongkos kirim', quantity: 1, unit: { name: 'pesanan', value: { amount: 50_000, currency: 'IDR' } } },
    ]);
    const itemsRupiah = tender.items.reduce((sum, item) => sum + item.quantity * item.unit.value.amount, 0);
    expect(itemsRupiah).toBe(tender.value.amount);
  });

  it('the OPD is buyer, procuring entity and payer; the vendor, by its NIB, becomes supplier and payee on acceptance', () => {
    const { releases, ids } = releasesOf(FULL_FLOW);
    const [placed, , accepted] = releases;
    const opd = placed!.parties.find((party) => party.roles.includes('buyer'))!;
    expect(opd).toMatchObject({ id: `ID-BELA-OPD-${ids.opdCode}`, name: 'Dinas Kesehatan Kota Serang', roles: ['buyer', 'procuringEntity', 'payer'] });
    expect(opd.address).toEqual({ locality: 'Kota Serang', region: 'Banten', countryName: 'Indonesia' });
    expect(placed!.buyer).toEqual({ id: opd.id, name: opd.name });
    expect(placed!.tender.procuringEntity).toEqual({ id: opd.id, name: opd.name });
    const tenderer = placed!.parties.find((party) => party.id !== opd.id)!;
    expect(tenderer).toMatchObject({
      id: `ID-NIB-${ids.nib}`,
      name: 'Warung Makan Bu Siti',
      identifier: { scheme: 'ID-NIB', id: ids.nib },
      roles: ['tenderer'],
    });
    const supplier = accepted!.parties.find((party) => party.id === tenderer.id)!;
    expect(supplier.roles).toEqual(['tenderer', 'supplier', 'payee']);
    expect(accepted!.awards).toEqual([
      expect.objectContaining({ status: 'active', suppliers: [{ id: supplier.id, name: supplier.name }], value: { amount: 1_550_000, currency: 'IDR' } }),
    ]);
    expect(accepted!.contracts).toEqual([expect.objectContaining({ status: 'active', awardID: accepted!.awards![0]!.id, dateSigned: accepted!.date })]);
    expect(accepted!.tender.status).toBe('complete');
  });

  it("the KKP capture (OrderPaid) is the contract's transaction from the OPD to the vendor, and the contract ends", () => {
    const { releases, orderEvents } = releasesOf(FULL_FLOW);
    const paid = releases.at(-1)!;
    const contract = paid.contracts![0]!;
    expect(contract.status).toBe('terminated');
    const paidEvent = orderEvents.at(-1)!;
    expect(contract.implementation!.transactions).toEqual([
      {
        id: `kkp-${paidEvent.id}`,
        date: paidEvent.created.toISOString(),
        value: { amount: 1_550_000, currency: 'IDR' },
        payer: paid.buyer,
        payee: paid.awards![0]!.suppliers[0],
      },
    ]);
    expect(contract.implementation!.milestones!.map((milestone) => [milestone.id, milestone.type, milestone.status])).toEqual([
      ['pengiriman', 'delivery', 'met'],
      ['serah-terima', 'delivery', 'met'],
    ]);
    expect(contract.implementation!.milestones![1]!.dateMet).toBe('2026-11-28T00:00:00+07:00');
    expect(paid.tender.milestones).toEqual([expect.objectContaining({ id: 'otorisasi-kkp', type: 'financing', status: 'met' })]);
  });

  it.each<[string, KnownEventType[], Partial<OcdsRelease['tender']>, string[], string | undefined]>([
    ['declined by the card', ['OrderPlaced', 'OrderDeclined'], { status: 'cancelled' }, ['tenderCancellation'], undefined],
    ['rejected by the vendor', ['OrderPlaced', 'OrderAuthorised', 'OrderRejected'], { status: 'unsuccessful' }, ['tenderUpdate'], undefined],
    ['cancelled before acceptance', ['OrderPlaced', 'OrderAuthorised', 'OrderCancelled'], { status: 'cancelled' }, ['tenderCancellation'], undefined],
    ['hold expired before acceptance', ['OrderPlaced', 'OrderAuthorised', 'OrderHoldExpired'], { status: 'cancelled' }, ['tenderCancellation'], undefined],
    [
      'cancelled after acceptance',
      ['OrderPlaced', 'OrderAuthorised', 'OrderAccepted', 'OrderCancelled'],
      { status: 'complete' },
      ['contractTermination'],
      'terminated',
    ],
    [
      'hold expired after shipping',
      ['OrderPlaced', 'OrderAuthorised', 'OrderAccepted', 'OrderShipped', 'OrderHoldExpired'],
      { status: 'complete' },
      ['contractTermination'],
      'terminated',
    ],
  ])('an order %s ends with the right statuses', (_name, types, tender, lastTag, contractStatus) => {
    const { releases } = releasesOf(types);
    const last = releases.at(-1)!;
    expect(last.tender).toMatchObject(tender);
    expect(last.tag).toEqual(lastTag);
    expect(last.contracts?.[0]?.status).toBe(contractStatus);
    if (contractStatus === undefined) expect(last.awards).toBeUndefined();
    const supplier = last.parties.find((party) => !party.roles.includes('buyer'))!;
    expect(supplier.roles.includes('supplier')).toBe(contractStatus !== undefined);
  });

  it('every code comes from its OCDS codelist, and the packages validate against the 1.1.5 schema', () => {
    const flows: KnownEventType[][] = [
      FULL_FLOW,
      ['OrderPlaced', 'OrderDeclined'],
      ['OrderPlaced', 'OrderAuthorised', 'OrderRejected'],
      ['OrderPlaced', 'OrderAuthorised', 'OrderAccepted', 'OrderCancelled'],
    ];
    const tags = codelist('releaseTag');
    const roles = codelist('partyRole');
    for (const flow of flows) {
      const { releases } = releasesOf(flow);
      for (const release of releases) {
        for (const tag of release.tag) expect(tags).toContain(tag);
        for (const role of release.parties.flatMap((party) => party.roles)) expect(roles).toContain(role);
        expect(codelist('tenderStatus')).toContain(release.tender.status);
        expect(codelist('method')).toContain(release.tender.procurementMethod);
        expect(codelist('procurementCategory')).toContain(release.tender.mainProcurementCategory);
        for (const award of release.awards ?? []) expect(codelist('awardStatus')).toContain(award.status);
        for (const contract of release.contracts ?? []) {
          expect(codelist('contractStatus')).toContain(contract.status);
          for (const milestone of contract.implementation?.milestones ?? []) {
            expect(codelist('milestoneType')).toContain(milestone.type);
            expect(codelist('milestoneStatus')).toContain(milestone.status);
          }
        }
      }
      const pkg = releasePackageOf(PUBLICATION, '/public/ocds/releases/x', releases);
      expect(releasePackageErrors(pkg)).toEqual([]);
      expect(pkg.publishedDate).toBe(releases.at(-1)!.date);
      const record = recordOf(releases)!;
      expect(record.compiledRelease).toMatchObject({ ...releases.at(-1)!, tag: ['compiled'], id: `${releases.at(-1)!.id}-compiled` });
      expect(recordPackageErrors(recordPackageOf(PUBLICATION, '/public/ocds/records/x', [record]))).toEqual([]);
    }
  });

  it('publishes no personal data: no official, card digits, contacts, NPWP, reasons or notes', () => {
    const { releases } = releasesOf([...FULL_FLOW]);
    const rejected = releasesOf(['OrderPlaced', 'OrderAuthorised', 'OrderRejected']).releases;
    const text = JSON.stringify([...releases, ...rejected]);
    for (const forbidden of [...FORBIDDEN_PUBLIC_STRINGS, 'BAST/017/DINKES/2026', 'npwp']) expect(text).not.toContain(forbidden);
  });

  it('a supplier renamed later keeps its name in the releases made before the rename', () => {
    const given = history(['OrderPlaced', 'OrderAuthorised', 'OrderAccepted']);
    const rename: RecordedEvent = {
      ...given.vendorEvents[0]!,
      id: '00000000-0000-4000-8000-999999999999',
      type: 'VendorProfileUpdated',
      revision: 2n,
      position: given.orderEvents[1]!.position + 1n,
      data: {
        vendorId: given.ids.vendorId,
        name: 'CV Boga Serang',
        contact: { email: PERSONAL.ownerEmail, phone: PERSONAL.ownerPhone },
        kabupatenKotaCode: '3673',
        isLocal: true,
      },
    };
    const releases = orderReleases(PUBLICATION.ocidPrefix, {
      orderEvents: publicEventsOf(given.orderEvents),
      vendorEvents: publicEventsOf([...given.vendorEvents, rename]),
    });
    const supplierNames = releases.map((release) => release.parties[1]!.name);
    expect(supplierNames).toEqual(['Warung Makan Bu Siti', 'Warung Makan Bu Siti', 'CV Boga Serang']);
  });

  it('ocids are the prefix and the order id, and only those name an order', () => {
    const orderId = sampleIds().orderId;
    const ocid = ocidOf('ocds-test01', orderId);
    expect(orderIdOfOcid('ocds-test01', ocid)).toBe(orderId);
    for (const other of [`ocds-other1-${orderId}`, 'ocds-test01-not-a-uuid', `ocds-test01-${orderId}x`, orderId, ''])
      expect(orderIdOfOcid('ocds-test01', other)).toBeUndefined();
  });
});
