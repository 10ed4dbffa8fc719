import type Database from 'better-sqlite3';
import { redFlagsProjection } from '../../projections/red-flags/red-flags.projection.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { DEFAULT_POLICY, PolicyValues } from '../../src/policy/domain/policy.js';
import { ProjectionEngine } from '../../src/read-models/projection-engine.js';
import { openReadModelDatabase } from '../../src/read-models/read-model-database.js';

/** Builds recorded events for the red-flags projection and applies them through the engine, in memory. */
export const OPD = 'OPD-3673-DINKES';
export const OTHER_OPD = 'OPD-3672-DINSOS';
export const VENDOR = '11111111-1111-5111-8111-111111111111';
export const OTHER_VENDOR = '22222222-2222-5222-8222-222222222222';
export const THIRD_VENDOR = '33333333-3333-5333-8333-333333333333';
const CARD = '44444444-4444-5444-8444-444444444444';
const ADMIN = { id: 'key:admin', role: 'admin' };

export interface PlacedOptions {
  readonly orderId: string;
  readonly at: string;
  readonly totalRupiah?: number;
  readonly opdCode?: string;
  readonly vendorId?: string;
  readonly vendorScale?: string;
  readonly policyRevision?: number;
  /** [category, unit price] per line; the default is one ATK line of the total. */
  readonly lines?: readonly (readonly [string, number])[];
  /** Leave placedAt out, as orders placed before the field existed. */
  readonly withoutPlacedAt?: boolean;
}

export class RedFlagHistory {
  readonly events: RecordedEvent[] = [];

  policy(revision: number, values: Partial<PolicyValues>, effectiveFrom = '2025-01-01T00:00:00.000Z'): this {
    const { revision: _r, effectiveFrom: _e, ...defaults } = DEFAULT_POLICY;
    return this.add('PolicySet', 'policy-bela', { ...defaults, ...values, revision, effectiveFrom }, effectiveFrom);
  }

  verified(vendorId: string, at: string): this {
    return this.add('VendorVerified', `vendor-${vendorId}`, { vendorId }, at);
  }

  placed(options: PlacedOptions): this {
    const lines = (options.lines ?? [['atk', options.totalRupiah ?? 1_000_000]]).map(([category, unitPriceRupiah], index) => ({
      listingId: `55555555-5555-5555-8555-${String(index).padStart(12, '0')}`,
      listingRevision: 0,
      title: `barang ${index}`,
      category,
      unit: 'buah',
      quantity: 1,
      unitPriceRupiah,
      lineTotalRupiah: unitPriceRupiah,
      isDomesticProduct: true,
    }));
    const totalRupiah = options.totalRupiah ?? lines.reduce((sum, line) => sum + line.lineTotalRupiah, 0);
    return this.add(
      'OrderPlaced',
      `order-${options.orderId}`,
      {
        orderId: options.orderId,
        buyer: { opdCode: options.opdCode ?? OPD, opdName: 'Dinas', kabupatenKotaCode: '3673', officialName: 'Siti Rohmah' },
        vendorId: options.vendorId ?? VENDOR,
        vendorScale: options.vendorScale ?? 'mikro',
        cardId: CARD,
        lines,
        shippingRupiah: 0,
        totalRupiah,
        domesticUmkPurchase: true,
        policyRevision: options.policyRevision ?? 0,
        ...(options.withoutPlacedAt ? {} : { placedAt: options.at }),
      },
      options.at,
    );
  }

  paid(orderId: string, amountRupiah: number, at: string, policyRevision = 0): this {
    return this.add('OrderPaid', `order-${orderId}`, { orderId, cardId: CARD, amountRupiah, policyRevision }, at);
  }

  cancelled(orderId: string, at: string): this {
    return this.add('OrderCancelled', `order-${orderId}`, { orderId, reason: 'batal' }, at);
  }

  reviewed(flagId: string, status: string, reason: string, at: string, actor = { id: 'key:auditor', role: 'auditor' }): this {
    return this.add('RedFlagReviewed', `redflag-${flagId}`, { flagId, status, reason }, at, actor);
  }

  add(type: string, streamId: string, data: unknown, at: string, actor: { id: string; role: string } = ADMIN): this {
    const position = BigInt(this.events.length + 1);
    const revision = BigInt(this.events.filter((event) => event.streamId === streamId).length);
    this.events.push({
      id: `00000000-0000-5000-8000-${String(position).padStart(12, '0')}`,
      type,
      streamId,
      revision,
      position,
      data,
      metadata: { correlationId: 'c', causationId: 'c', actor, occurredAt: at, schemaVersion: 1 } as RecordedEvent['metadata'],
      created: new Date(at),
    });
    return this;
  }

  /** Applies the history in one batch (as the runner does) into a fresh in-memory database. */
  project(): ProjectedRedFlags {
    const db = openReadModelDatabase(':memory:');
    const engine = new ProjectionEngine(db, [redFlagsProjection]);
    const types = new Set(redFlagsProjection.eventTypes);
    engine.applyBatch(
      redFlagsProjection.name,
      this.events.filter((event) => types.has(event.type)),
      BigInt(this.events.length),
    );
    return new ProjectedRedFlags(db, engine);
  }
}

export interface FlagRow {
  readonly flag_id: string;
  readonly rule: string;
  readonly outcome: string;
  readonly status: string;
  readonly opd_code: string;
  readonly vendor_id: string;
  readonly amount_rupiah: number;
  readonly summary: string;
  readonly order_ids: string[];
  readonly events: { type: string; streamId: string; position: number }[];
  readonly parameters: Record<string, unknown>;
  readonly policy_revision: number;
  readonly raised_at: string;
  readonly review_reason: string | null;
  readonly reviewed_by: string | null;
}

export class ProjectedRedFlags {
  constructor(
    readonly db: Database.Database,
    readonly engine: ProjectionEngine,
  ) {}

  flags(rule?: string): FlagRow[] {
    const rows = (
      rule === undefined
        ? this.db.prepare('SELECT * FROM red_flags ORDER BY raised_position, flag_id').all()
        : this.db.prepare('SELECT * FROM red_flags WHERE rule = ? ORDER BY raised_position, flag_id').all(rule)
    ) as Record<string, unknown>[];
    return rows.map((row) => ({
      ...row,
      order_ids: JSON.parse(String(row.order_ids)),
      events: JSON.parse(String(row.events)),
      parameters: JSON.parse(String(row.parameters)),
    })) as FlagRow[];
  }
}

export const orderId = (n: number): string => `aaaaaaaa-aaaa-5aaa-8aaa-${String(n).padStart(12, '0')}`;
