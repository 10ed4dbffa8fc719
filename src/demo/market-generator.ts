import { createHash } from 'node:crypto';
import type { CategoryCode } from '../catalog/domain/categories.js';
import { ListingCommandHandler } from '../catalog/application/listing-command.handler.js';
import { ListingCommandRequest } from '../catalog/application/listing.commands.js';
import type { CommandContext, CommandPipeline } from '../event-store/command-pipeline.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { Actor } from '../kernel/actor.js';
import { deterministicUuid } from '../kernel/ids.js';
import { PolicyService } from '../policy/application/policy.service.js';
import { ChangeVendorHandler } from '../vendors/application/change-vendor.handler.js';
import { RegisterVendorHandler } from '../vendors/application/register-vendor.handler.js';
import { ChangeVendorCommand, RegisterVendorCommand } from '../vendors/application/vendor.commands.js';
import { BANTEN_KABUPATEN_KOTA } from '../vendors/domain/regions.js';
import type { LegalForm } from '../vendors/domain/vendor-rules.js';
import { NAME_WORDS, NON_LOCAL_REGIONS, PRODUCTS, PRODUCT_CATEGORIES, ProductTemplate, bantenOpds, type Opd } from './banten-market.js';
import { Prng } from './prng.js';

export interface MarketOptions {
  readonly seed: string;
  /** Keep simulating days until the store holds at least this many events. */
  readonly targetEvents: number;
  readonly vendorCount?: number;
  /** Commands in flight at once (appends issued together share one durable commit). */
  readonly concurrency?: number;
  /** The simulated history starts here (UTC). */
  readonly startAt?: Date;
  readonly onProgress?: (progress: { readonly day: number; readonly events: number }) => void;
}

export interface MarketSummary {
  readonly seed: string;
  readonly events: number;
  readonly vendors: number;
  readonly listings: number;
  readonly repricings: number;
  readonly days: number;
  readonly elapsedMs: number;
}

export const VENDOR_COUNT_DEFAULT = 300;
export const CONCURRENCY_DEFAULT = 64;
/** The simulation stops after this many days even if the target was not reached (then it says so). */
export const SIMULATED_DAYS_MAX = 3_650;
const LISTINGS_PER_VENDOR_MAX = 12;
const REPRICINGS_PER_DAY_MAX = 40;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const NIB_ATTEMPTS_MAX = 100;

interface SimVendor {
  readonly vendorId: string;
  readonly index: number;
  readonly categories: readonly CategoryCode[];
  readonly actor: Actor;
  verified: boolean;
  readonly listings: SimListing[];
}

interface SimListing {
  readonly listingId: string;
  readonly vendorId: string;
  readonly category: CategoryCode;
  readonly template: ProductTemplate;
  priceRupiah: number;
}

/**
 * A simulated Banten market driven through the real command path (the contexts' command
 * handlers over the CommandPipeline, without HTTP): vendors register and are verified or
 * rejected, list products, reprice them. Deterministic from the seed: ids, times and event ids
 * (every command carries an Idempotency-Key derived from the seed, so running it twice on the
 * same store writes nothing new).
 */
export class MarketGenerator {
  readonly opds: readonly Opd[] = bantenOpds();
  private readonly prng: Prng;
  private readonly seedTag: string;
  private readonly admin: Actor = { id: 'demo:admin', role: 'admin' };
  private readonly registerVendor: RegisterVendorHandler;
  private readonly changeVendor: ChangeVendorHandler;
  private readonly listingCommands: ListingCommandHandler;
  private readonly vendors: SimVendor[] = [];
  private readonly usedNibs = new Set<string>();
  private repricings = 0;

  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly store: EventStore,
    private readonly options: MarketOptions,
  ) {
    this.prng = new Prng(options.seed);
    this.seedTag = createHash('sha256').update(options.seed).digest('hex').slice(0, 10);
    this.registerVendor = new RegisterVendorHandler(pipeline, new PolicyService(pipeline));
    this.changeVendor = new ChangeVendorHandler(pipeline);
    this.listingCommands = new ListingCommandHandler(pipeline);
  }

  async run(): Promise<MarketSummary> {
    const startedMs = performance.now();
    const start = this.options.startAt ?? new Date('2025-01-06T01:00:00.000Z');
    await this.registerVendors(start);
    await this.createListings(new Date(start.getTime() + 14 * DAY_MS));
    let day = 0;
    for (; day < SIMULATED_DAYS_MAX; day += 1) {
      const events = await this.eventCount();
      this.options.onProgress?.({ day, events });
      if (events >= this.options.targetEvents) break;
      await this.simulateDay(day, new Date(start.getTime() + (21 + day) * DAY_MS));
    }
    return {
      seed: this.options.seed,
      events: await this.eventCount(),
      vendors: this.vendors.length,
      listings: this.vendors.reduce((sum, vendor) => sum + vendor.listings.length, 0),
      repricings: this.repricings,
      days: day,
      elapsedMs: Math.round(performance.now() - startedMs),
    };
  }

  private async eventCount(): Promise<number> {
    return Number((await this.store.headPosition()) + 1n);
  }

  private async registerVendors(start: Date): Promise<void> {
    const count = this.options.vendorCount ?? VENDOR_COUNT_DEFAULT;
    const random = this.prng.fork('vendors');
    const plans = Array.from({ length: count }, (_, index) => this.planVendor(index, random, start));
    await this.inPool(plans, async (plan) => {
      const { vendor, registration, registeredAt, rejected } = plan;
      await this.registerVendor.execute(new RegisterVendorCommand(registration, this.context(vendor.actor, `vendor.${vendor.index}.register`, registeredAt)));
      const reviewedAt = new Date(registeredAt.getTime() + DAY_MS + vendor.index * MINUTE_MS);
      const command = rejected ? { type: 'RejectVendor' as const, reason: 'NIB tidak sesuai dengan data OSS' } : { type: 'VerifyVendor' as const };
      await this.changeVendor.execute(new ChangeVendorCommand(vendor.vendorId, command, this.context(this.admin, `vendor.${vendor.index}.review`, reviewedAt)));
      vendor.verified = !rejected;
    });
    this.vendors.push(...plans.map((plan) => plan.vendor));
  }

  private planVendor(index: number, random: Prng, start: Date) {
    const vendorId = deterministicUuid('demo', this.seedTag, 'vendor', String(index));
    const legalForm = random.weighted<LegalForm>([['perorangan', 30], ['ud', 20], ['cv', 25], ['koperasi', 12], ['pt-perorangan', 8], ['pt', 5]]);
    const local = random.chance(0.8);
    const kabupatenKotaCode = local ? random.pick(Object.keys(BANTEN_KABUPATEN_KOTA)) : random.pick(NON_LOCAL_REGIONS);
    const small = random.chance(0.3);
    const capitalRupiah = legalForm === 'koperasi' ? undefined : small ? random.int(1_100, 5_000) * 1_000_000 : random.int(50, 1_000) * 1_000_000;
    const categoryCount = random.chance(0.3) ? 2 : 1;
    const categories = new Set<CategoryCode>();
    while (categories.size < categoryCount) categories.add(random.pick(PRODUCT_CATEGORIES));
    const words = `${random.pick(NAME_WORDS)} ${random.pick(NAME_WORDS)}`;
    const prefix: Record<LegalForm, string> = { perorangan: 'Toko', ud: 'UD', cv: 'CV', firma: 'Firma', pt: 'PT', 'pt-perorangan': 'PT', koperasi: 'Koperasi' };
    const vendor: SimVendor = {
      vendorId,
      index,
      categories: [...categories],
      actor: { id: `demo:vendor:${index}`, role: 'vendor', vendorId },
      verified: false,
      listings: [],
    };
    return {
      vendor,
      rejected: random.chance(0.03),
      registeredAt: new Date(start.getTime() + (index % 10) * DAY_MS + random.int(0, 8 * 60) * MINUTE_MS),
      registration: {
        vendorId,
        nib: this.uniqueNib(random),
        npwp: random.digits(15),
        name: `${prefix[legalForm]} ${words}`,
        legalForm,
        ...(capitalRupiah !== undefined ? { capitalRupiah } : {}),
        kabupatenKotaCode,
        contact: { email: `penyedia${index}@contoh.id`, phone: `+62 254 ${random.digits(6)}` },
      },
    };
  }

  private uniqueNib(random: Prng): string {
    for (let attempt = 0; attempt < NIB_ATTEMPTS_MAX; attempt += 1) {
      const nib = `9${random.digits(12)}`;
      if (!this.usedNibs.has(nib)) {
        this.usedNibs.add(nib);
        return nib;
      }
    }
    throw new RangeError('no unused NIB found');
  }

  private async createListings(at: Date): Promise<void> {
    const random = this.prng.fork('listings');
    const plans = this.vendors.filter((vendor) => vendor.verified).flatMap((vendor) => {
      const count = random.int(3, LISTINGS_PER_VENDOR_MAX);
      return Array.from({ length: count }, (_, n) => {
        const category = random.pick(vendor.categories);
        const template = random.pick(PRODUCTS[category]!);
        const listing: SimListing = {
          listingId: deterministicUuid('demo', this.seedTag, 'listing', vendor.vendorId, String(n)),
          vendorId: vendor.vendorId,
          category,
          template,
          priceRupiah: roundPrice(random.int(template.priceMinRupiah, template.priceMaxRupiah)),
        };
        return { vendor, listing, n, createdAt: new Date(at.getTime() + random.int(0, 6 * 24) * HOUR_MS) };
      });
    });
    await this.inPool(plans, async ({ vendor, listing, n, createdAt }) => {
      await this.listingCommands.execute(
        new ListingCommandRequest(
          listing.listingId,
          vendor.vendorId,
          {
            type: 'CreateListing',
            listingId: listing.listingId,
            title: `${listing.template.title} ${vendor.index}-${n}`,
            category: listing.category,
            unit: listing.template.unit,
            priceRupiah: listing.priceRupiah,
            isDomesticProduct: listing.category !== 'elektronik',
          },
          this.context(vendor.actor, `listing.${vendor.index}.${n}.create`, createdAt),
        ),
      );
    });
    for (const { vendor, listing } of plans) vendor.listings.push(listing);
  }

  /** One working day: vendors reprice a few listings (orders and payments join when the orders context lands). */
  private async simulateDay(day: number, dayStart: Date): Promise<void> {
    const random = this.prng.fork(`day.${day}`);
    const listings = this.vendors.filter((vendor) => vendor.verified).flatMap((vendor) => vendor.listings);
    const repricings = Array.from({ length: random.int(REPRICINGS_PER_DAY_MAX / 2, REPRICINGS_PER_DAY_MAX) }, (_, n) => ({
      listing: random.pick(listings),
      n,
      at: new Date(dayStart.getTime() + random.int(0, 9 * 60) * MINUTE_MS),
      change: random.int(-8, 12),
    }));
    const touched = new Set<string>();
    const unique = repricings.filter(({ listing }) => !touched.has(listing.listingId) && touched.add(listing.listingId));
    await this.inPool(unique, async ({ listing, n, at, change }) => {
      const vendor = this.vendors.find((candidate) => candidate.vendorId === listing.vendorId)!;
      const priceRupiah = Math.max(roundPrice((listing.priceRupiah * (100 + change)) / 100), 1_000);
      if (priceRupiah === listing.priceRupiah) return;
      await this.listingCommands.execute(
        new ListingCommandRequest(listing.listingId, vendor.vendorId, { type: 'ChangeListingPrice', priceRupiah }, this.context(vendor.actor, `day.${day}.reprice.${n}`, at)),
      );
      listing.priceRupiah = priceRupiah;
      this.repricings += 1;
    });
  }

  private context(actor: Actor, key: string, at: Date): CommandContext {
    const idempotencyKey = `demo.${this.seedTag}.${key}`;
    return {
      actor,
      correlationId: deterministicUuid('demo-correlation', idempotencyKey),
      causationId: deterministicUuid('demo-causation', idempotencyKey),
      occurredAt: at,
      idempotencyKey,
    };
  }

  private async inPool<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
    const concurrency = this.options.concurrency ?? CONCURRENCY_DEFAULT;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const item = items[next]!;
        next += 1;
        await task(item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  }
}

/** Prices end in hundreds of rupiah, as shops price them. */
function roundPrice(rupiah: number): number {
  return Math.max(100, Math.round(rupiah / 100) * 100);
}
