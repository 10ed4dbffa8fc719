import { readRange } from '../audit/export/read-range.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { streamCategory } from '../event-store/event-store.port.js';
import { readWholeStream } from '../event-store/read-whole-stream.js';
import { notFound } from '../kernel/errors.js';
import { orderStreamId } from '../orders/domain/order.decider.js';
import { vendorStreamId } from '../vendors/domain/vendor.decider.js';
import { ocidOf, orderIdOfOcid, releaseIdOf } from './ocid.js';
import { recordOf, recordPackageOf, releasePackageOf } from './ocds-packages.js';
import type { PeriodPageRequest } from './ocds-period.js';
import { periodQueryString } from './ocds-period.js';
import type { OcdsPublication } from './ocds-publication.js';
import type { OcdsRecord, OcdsRecordPackage, OcdsRelease, OcdsReleasePackage } from './ocds-release.types.js';
import { OrderHistory, orderReleases } from './order-releases.js';
import { PublicEvent, publicEventsOf } from './public-events.js';

/** Steps of the search for a period's first position: enough to halve any 64-bit position range. */
const PERIOD_START_SEARCH_STEPS_MAX = 128;

export const OCDS_PATHS = {
  releases: '/public/ocds/releases',
  records: '/public/ocds/records',
  releasePackages: '/public/ocds/release-packages',
  recordPackages: '/public/ocds/record-packages',
} as const;

export interface PeriodPage<Package> {
  readonly package: Package;
  /** Where the next page starts; undefined on the last page. */
  readonly nextCursor?: bigint;
}

/**
 * Reads the event store and hands the events' public views to the pure builder
 * (order-releases.ts, ocds-packages.ts). Every answer is bounded: one order's streams, or one
 * page of a period.
 */
export class OcdsExporter {
  constructor(
    private readonly store: EventStore,
    readonly publication: OcdsPublication,
  ) {}

  async releasePackageOfOrder(ocid: string): Promise<OcdsReleasePackage> {
    const releases = await this.releasesOf(ocid);
    return releasePackageOf(this.publication, `${OCDS_PATHS.releases}/${ocid}`, releases);
  }

  async recordPackageOfOrder(ocid: string): Promise<OcdsRecordPackage> {
    const record = recordOf(await this.releasesOf(ocid));
    if (record === undefined) throw ocidNotFound(ocid);
    return recordPackageOf(this.publication, `${OCDS_PATHS.records}/${ocid}`, [record]);
  }

  /** The releases made by order events recorded in the period, in the order they were recorded. */
  async releasePackageOfPeriod(request: PeriodPageRequest): Promise<PeriodPage<OcdsReleasePackage>> {
    const picked: RecordedEvent[] = [];
    let nextCursor: bigint | undefined;
    for await (const event of this.orderEventsOf(request)) {
      if (picked.length === request.limit) {
        nextCursor = event.position;
        break;
      }
      picked.push(event);
    }
    const releasesById = new Map<string, OcdsRelease>();
    const vendors = new Map<string, PublicEvent[]>();
    for (const orderId of new Set(picked.map((event) => orderIdOfStream(event.streamId)))) {
      for (const release of orderReleases(this.publication.ocidPrefix, await this.historyOf(orderId, vendors))) releasesById.set(release.id, release);
    }
    const releases = picked
      .map((event) => releasesById.get(releaseIdOf(ocidOf(this.publication.ocidPrefix, orderIdOfStream(event.streamId)), event.revision)))
      .filter((release): release is OcdsRelease => release !== undefined);
    if (releases.length === 0) throw nothingInPeriod();
    const path = `${OCDS_PATHS.releasePackages}?${periodQueryString(request)}`;
    return { package: releasePackageOf(this.publication, path, releases), ...(nextCursor !== undefined ? { nextCursor } : {}) };
  }

  /**
   * The records of the processes with a release in the period, each as it stood at the end of
   * the period. A process belongs to the page holding its first event of the period.
   */
  async recordPackageOfPeriod(request: PeriodPageRequest): Promise<PeriodPage<OcdsRecordPackage>> {
    const records: OcdsRecord[] = [];
    const seen = new Set<string>();
    const vendors = new Map<string, PublicEvent[]>();
    let nextCursor: bigint | undefined;
    for await (const event of this.orderEventsOf(request)) {
      const orderId = orderIdOfStream(event.streamId);
      if (seen.has(orderId)) continue;
      seen.add(orderId);
      const history = await this.historyOf(orderId, vendors);
      const firstInPeriod = history.orderEvents.find((candidate) => request.from === undefined || Date.parse(candidate.recordedAt) >= request.from.getTime());
      if (firstInPeriod?.position !== event.position) continue;
      const releases = orderReleases(this.publication.ocidPrefix, history).filter(
        (release) => request.to === undefined || Date.parse(release.date) <= request.to.getTime(),
      );
      const record = recordOf(releases);
      if (record === undefined) continue;
      if (records.length === request.limit) {
        nextCursor = event.position;
        break;
      }
      records.push(record);
    }
    if (records.length === 0) throw nothingInPeriod();
    const path = `${OCDS_PATHS.recordPackages}?${periodQueryString(request)}`;
    return { package: recordPackageOf(this.publication, path, records), ...(nextCursor !== undefined ? { nextCursor } : {}) };
  }

  private async releasesOf(ocid: string): Promise<OcdsRelease[]> {
    const orderId = orderIdOfOcid(this.publication.ocidPrefix, ocid);
    if (orderId === undefined) throw ocidNotFound(ocid);
    const releases = orderReleases(this.publication.ocidPrefix, await this.historyOf(orderId));
    if (releases.length === 0) throw ocidNotFound(ocid);
    return releases;
  }

  /** `vendors` holds the vendors already read for this answer (many orders of a page share a vendor). */
  private async historyOf(orderId: string, vendors: Map<string, PublicEvent[]> = new Map()): Promise<OrderHistory> {
    const orderEvents = publicEventsOf(await readWholeStream(this.store, orderStreamId(orderId)));
    const vendorId = orderEvents.find((event) => event.type === 'OrderPlaced')?.view.vendorId;
    if (typeof vendorId !== 'string') return { orderEvents, vendorEvents: [] };
    let vendorEvents = vendors.get(vendorId);
    if (vendorEvents === undefined) {
      vendorEvents = publicEventsOf(await readWholeStream(this.store, vendorStreamId(vendorId)));
      vendors.set(vendorId, vendorEvents);
    }
    return { orderEvents, vendorEvents };
  }

  private async *orderEventsOf(request: PeriodPageRequest): AsyncGenerator<RecordedEvent> {
    const start = request.from ? await this.firstPositionAtOrAfter(request.from) : 0n;
    const fromPosition = request.cursor !== undefined && request.cursor > start ? request.cursor : start;
    const range = { fromPosition, ...(request.from ? { from: request.from } : {}), ...(request.to ? { to: request.to } : {}) };
    for await (const event of readRange(this.store, range)) {
      if (streamCategory(event.streamId) === 'order') yield event;
    }
  }

  /** The store records events in position order, so recorded times only grow: a binary search finds where a period starts. */
  private async firstPositionAtOrAfter(instant: Date): Promise<bigint> {
    let low = 0n;
    let high = (await this.store.headPosition()) + 1n;
    for (let step = 0; step < PERIOD_START_SEARCH_STEPS_MAX && low < high; step += 1) {
      const middle = (low + high) / 2n;
      const [event] = await this.store.readAll({ fromPosition: middle, maxCount: 1 });
      if (event === undefined || event.created.getTime() >= instant.getTime()) high = middle;
      else low = event.position + 1n;
    }
    return low;
  }
}

function orderIdOfStream(streamId: string): string {
  return streamId.slice('order-'.length);
}

function ocidNotFound(ocid: string) {
  return notFound('OCID_NOT_FOUND', `no contracting process ${ocid}`, { ocid });
}

function nothingInPeriod() {
  return notFound('NO_RELEASES_IN_PERIOD', 'no order changed in this period (an OCDS package holds at least one release)', {});
}
