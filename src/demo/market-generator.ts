import { createHash } from 'node:crypto';
import type { CategoryCode } from '../catalog/domain/categories.js';
import { CardCommandHandler } from '../cards/application/card-command.handler.js';
import { CardCommandInput, CardCommandRequest } from '../cards/application/card.commands.js';
import { cardDecider, cardStreamId } from '../cards/domain/card.decider.js';
import { ListingCommandHandler } from '../catalog/application/listing-command.handler.js';
import { ListingCommandRequest } from '../catalog/application/listing.commands.js';
import { COMMAND_RETRY_COUNT_MAX, CommandPipeline, type CommandContext, type CommandResult } from '../event-store/command-pipeline.js';
import { MemorySnapshotStore } from '../event-store/memory-snapshot-store.js';
import { WriteThroughStreamCache } from '../event-store/write-through-stream-cache.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import type { Actor } from '../kernel/actor.js';
import { wibDate } from '../kernel/dates.js';
import { deterministicUuid } from '../kernel/ids.js';
import { OpdCommandHandler } from '../opds/application/opd-command.handler.js';
import { readOpd } from '../opds/application/opd-registry.js';
import { OpdCommandRequest } from '../opds/application/opd.commands.js';
import { ChangeOrderHandler } from '../orders/application/change-order.handler.js';
import { ChangeOrderCommand, PlaceOrderCommand } from '../orders/application/order.commands.js';
import { PlaceOrderHandler } from '../orders/application/place-order.handler.js';
import { NO_SPLIT_PURCHASE_FACTS } from '../orders/application/split-purchase-facts.js';
import { NIB_RELEASE_PROCESS } from '../process/nib-release.process.js';
import { ORDER_PAYMENT_PROCESS } from '../process/order-payment.process.js';
import { followUpAt, followUpOf, isOrderPaymentTrigger, loadPlacedOrder, sendFollowUp } from '../process/order-payment.follow-up.js';
import { HOLD_EXPIRY_PROCESS } from '../process/hold-expiry-sweep.js';
import { processContext } from '../process/process-context.js';
import { PolicyService } from '../policy/application/policy.service.js';
import { SetPolicyCommand, SetPolicyHandler } from '../policy/application/set-policy.handler.js';
import { DEFAULT_POLICY } from '../policy/domain/policy.js';
import { ChangeVendorHandler } from '../vendors/application/change-vendor.handler.js';
import { RegisterVendorHandler } from '../vendors/application/register-vendor.handler.js';
import { ReleaseNibHandler } from '../vendors/application/release-nib.handler.js';
import { ChangeVendorCommand, RegisterVendorCommand, ReleaseNibCommand } from '../vendors/application/vendor.commands.js';
import { BANTEN_KABUPATEN_KOTA } from '../vendors/domain/regions.js';
import type { LegalForm } from '../vendors/domain/vendor-rules.js';
import { NAME_WORDS, NON_LOCAL_REGIONS, OFFICIAL_NAMES, PRODUCTS, PRODUCT_CATEGORIES, ProductTemplate, bantenOpds, type Opd } from './banten-market.js';
import { Prng } from './prng.js';
import { RED_FLAG_ORDERS, RED_FLAG_VENDORS } from './red-flag-scenarios.js';

export interface MarketOptions {
  readonly seed: string;
  /** Keep simulating days until the store holds at least this many events (then every order in flight is finished). */
  readonly targetEvents: number;
  readonly vendorCount?: number;
  /** Orders placed per simulated working day (a range is drawn per day around it). */
  readonly ordersPerDay?: number;
  /** Commands in flight at once (appends issued together share one durable commit). */
  readonly concurrency?: number;
  /** The simulated history starts here (UTC). */
  readonly startAt?: Date;
  readonly onProgress?: (progress: { readonly day: number; readonly events: number; readonly orders: number }) => void;
}

export interface MarketSummary {
  readonly seed: string;
  readonly events: number;
  readonly vendors: number;
  readonly opds: number;
  readonly cards: number;
  readonly listings: number;
  readonly repricings: number;
  readonly orders: number;
  readonly ordersByOutcome: Readonly<Record<string, number>>;
  readonly settlements: number;
  readonly days: number;
  readonly elapsedMs: number;
}

export const VENDOR_COUNT_DEFAULT = 300;
export const ORDERS_PER_DAY_DEFAULT = 60;
export const CONCURRENCY_DEFAULT = 64;
/** Card streams are folded again for every hold: a snapshot kept in memory this often keeps each fold short. */
export const MARKET_SNAPSHOT_EVERY_EVENTS = 16;
/** Streams whose snapshot the generator keeps in memory (one per card is plenty: 60 OPDs, a card a quarter). */
const MARKET_SNAPSHOT_STREAMS_MAX = 10_000;
/** Events of the streams the generator folds kept in memory (open orders and this quarter's cards need about 30,000). */
const MARKET_CACHED_EVENTS_MAX = 50_000;
/** The simulation stops after this many days even if the target was not reached (the summary says how far it got). */
export const SIMULATED_DAYS_MAX = 3_650;
const LISTINGS_PER_VENDOR_MAX = 12;
const REPRICINGS_PER_DAY_MAX = 10;
const ORDER_LINES_MAX = 3;
const QUANTITY_HALVINGS_MAX = 40;
const HOLD_TTL_DAYS = 30;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const NIB_ATTEMPTS_MAX = 100;
const SECOND_MS = 1_000;
/** The red-flag scenario's vendors register this many days after the start (trading starts on day 21). */
const SCENARIO_VENDORS_DAY = 15;
/** Their capital: micro businesses (PP 7/2021). */
const SCENARIO_VENDOR_CAPITAL_RUPIAH = 200_000_000;

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

type Outcome = 'paid' | 'rejected' | 'cancelled' | 'expired' | 'declined';
type Step = 'accept' | 'reject' | 'cancel' | 'ship' | 'receive' | 'expire';

interface InFlight {
  readonly orderNo: number;
  readonly orderId: string;
  readonly opd: Opd;
  readonly buyer: Actor;
  readonly vendor: SimVendor;
  readonly cardId: string;
  readonly totalRupiah: number;
  readonly plan: Outcome;
  next: Step;
  dueDay: number;
}

/**
 * The command pipeline a generator run should use when it is the store's only writer: streams
 * read once and then extended by its own appends in memory, card snapshots kept in memory.
 */
export function marketPipeline(store: EventStore): CommandPipeline {
  return new CommandPipeline(
    new WriteThroughStreamCache(store, MARKET_CACHED_EVENTS_MAX),
    COMMAND_RETRY_COUNT_MAX,
    new MemorySnapshotStore(MARKET_SNAPSHOT_STREAMS_MAX),
    MARKET_SNAPSHOT_EVERY_EVENTS,
  );
}

/**
 * A simulated Banten market driven through the real command path (the contexts' command
 * handlers over the CommandPipeline, without HTTP): vendors register and are verified or
 * rejected, list and reprice products; OPDs are registered and get a KKP card each quarter, place orders, vendors
 * accept (or reject) and ship, buyers cancel or sign the BAST; holds are captured, voided or
 * expire; treasurers settle each month. The process managers' follow-up commands are issued
 * inline, by the order-payment process manager's own reaction code (order-payment.follow-up.ts)
 * with the contexts it would use (processContext, keyed by the triggering event), at the
 * simulated time: a service started on the generated store replays them as no-ops.
 * Deterministic from the seed: ids, times, amounts and event ids. Every order is finished by
 * the end, so no hold is left for the expiry sweep.
 */
export class MarketGenerator {
  readonly opds: readonly Opd[] = bantenOpds();
  private readonly prng: Prng;
  private readonly seedTag: string;
  private readonly admin: Actor = { id: 'demo:admin', role: 'admin' };
  private readonly registerVendor: RegisterVendorHandler;
  private readonly changeVendor: ChangeVendorHandler;
  private readonly releaseNib: ReleaseNibHandler;
  private readonly listingCommands: ListingCommandHandler;
  private readonly opdCommands: OpdCommandHandler;
  private readonly cardCommands: CardCommandHandler;
  private readonly placeOrder: PlaceOrderHandler;
  private readonly changeOrder: ChangeOrderHandler;
  private readonly vendors: SimVendor[] = [];
  /** The red-flag scenario's vendors: they trade only in the scenario (no random orders, no repricing). */
  private readonly scenarioVendors: SimVendor[] = [];
  private readonly setPolicy: SetPolicyHandler;
  private readonly usedNibs = new Set<string>();
  /** The card each OPD pays with this quarter, and every card ever issued. */
  private readonly currentCard = new Map<string, string>();
  private readonly cards: string[] = [];
  private inFlight: InFlight[] = [];
  private readonly outcomes: Record<string, number> = {};
  private orderCount = 0;
  private repricings = 0;
  private settlements = 0;

  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly store: EventStore,
    private readonly options: MarketOptions,
  ) {
    this.prng = new Prng(options.seed);
    this.seedTag = createHash('sha256').update(options.seed).digest('hex').slice(0, 10);
    const policies = new PolicyService(pipeline);
    this.registerVendor = new RegisterVendorHandler(pipeline, policies);
    this.changeVendor = new ChangeVendorHandler(pipeline);
    this.releaseNib = new ReleaseNibHandler(pipeline);
    this.listingCommands = new ListingCommandHandler(pipeline);
    this.opdCommands = new OpdCommandHandler(pipeline);
    this.cardCommands = new CardCommandHandler(pipeline, policies);
    this.placeOrder = new PlaceOrderHandler(pipeline, policies, NO_SPLIT_PURCHASE_FACTS);
    this.changeOrder = new ChangeOrderHandler(pipeline);
    this.setPolicy = new SetPolicyHandler(pipeline);
  }

  async run(): Promise<MarketSummary> {
    const startedMs = performance.now();
    const start = this.options.startAt ?? new Date('2025-01-06T01:00:00.000Z');
    await this.adoptPolicy(start);
    await this.registerOpds(start);
    await this.registerVendors(start);
    await this.registerScenarioVendors(new Date(start.getTime() + SCENARIO_VENDORS_DAY * DAY_MS));
    await this.createListings(new Date(start.getTime() + 14 * DAY_MS));
    const firstTradingDay = 21;
    let day = 0;
    let placing = true;
    for (; day < SIMULATED_DAYS_MAX; day += 1) {
      const events = await this.eventCount();
      this.options.onProgress?.({ day, events, orders: this.orderCount });
      if (events >= this.options.targetEvents) placing = false;
      if (!placing && this.inFlight.length === 0) break;
      await this.simulateDay(day, new Date(start.getTime() + (firstTradingDay + day) * DAY_MS), placing);
    }
    await this.settleCards(new Date(start.getTime() + (firstTradingDay + day + 1) * DAY_MS), 'final');
    return {
      seed: this.options.seed,
      events: await this.eventCount(),
      vendors: this.vendors.length + this.scenarioVendors.length,
      opds: this.opds.length,
      cards: this.cards.length,
      listings: [...this.vendors, ...this.scenarioVendors].reduce((sum, vendor) => sum + vendor.listings.length, 0),
      repricings: this.repricings,
      orders: this.orderCount,
      ordersByOutcome: { ...this.outcomes },
      settlements: this.settlements,
      days: day,
      elapsedMs: Math.round(performance.now() - startedMs),
    };
  }

  /** Positions in the embedded store are dense from 1: the head position is the number of events. */
  private async eventCount(): Promise<number> {
    const head = await this.store.headPosition();
    return head < 0n ? 0 : Number(head);
  }

  /** The province adopts the policy (the built-in values) as the market opens: its parameters are on record as revision 1. */
  private async adoptPolicy(start: Date): Promise<void> {
    const { revision: _revision, effectiveFrom: _effectiveFrom, ...values } = DEFAULT_POLICY;
    await this.setPolicy.execute(new SetPolicyCommand(start, values, this.context(this.admin, 'policy.adopt', start)));
  }

  /** The vendors of the red-flag scenario (src/demo/red-flag-scenarios.ts): registered, verified and listed one by one. */
  private async registerScenarioVendors(at: Date): Promise<void> {
    const random = this.prng.fork('red-flag-vendors');
    for (const [index, plan] of RED_FLAG_VENDORS.entries()) {
      const vendorId = deterministicUuid('demo', this.seedTag, 'red-flag-vendor', plan.key);
      const actor: Actor = { id: `demo:red-flag-vendor:${plan.key}`, role: 'vendor', vendorId };
      const registeredAt = new Date(at.getTime() + index * MINUTE_MS);
      const registration = {
        vendorId,
        nib: this.uniqueNib(random),
        npwp: random.digits(15),
        name: plan.name,
        legalForm: 'cv' as const,
        capitalRupiah: SCENARIO_VENDOR_CAPITAL_RUPIAH,
        kabupatenKotaCode: '3673',
        contact: { email: `skenario.${plan.key}@contoh.id`, phone: `+62 254 ${random.digits(6)}` },
      };
      await this.registerVendor.execute(new RegisterVendorCommand(registration, this.context(actor, `red-flag-vendor.${plan.key}.register`, registeredAt)));
      const verifiedAt = new Date(registeredAt.getTime() + DAY_MS);
      await this.changeVendor.execute(
        new ChangeVendorCommand(vendorId, { type: 'VerifyVendor' }, this.context(this.admin, `red-flag-vendor.${plan.key}.review`, verifiedAt)),
      );
      const vendor: SimVendor = {
        vendorId,
        index: -1 - index,
        categories: [...new Set(plan.listings.map((listing) => listing.category))],
        actor,
        verified: true,
        listings: [],
      };
      for (const [n, listing] of plan.listings.entries()) {
        const listingId = deterministicUuid('demo', this.seedTag, 'red-flag-listing', plan.key, listing.key);
        const { title, category, unit, priceRupiah } = listing;
        await this.listingCommands.execute(
          new ListingCommandRequest(
            listingId,
            vendorId,
            { type: 'CreateListing', listingId, title, category, unit, priceRupiah, isDomesticProduct: true },
            this.context(actor, `red-flag-listing.${plan.key}.${listing.key}`, new Date(verifiedAt.getTime() + HOUR_MS + n * MINUTE_MS)),
          ),
        );
        vendor.listings.push({
          listingId,
          vendorId,
          category,
          template: { title, unit, priceMinRupiah: priceRupiah, priceMaxRupiah: priceRupiah, quantityMax: 1 },
          priceRupiah,
        });
      }
      this.scenarioVendors.push(vendor);
    }
  }

  /** The scenario's orders, one after the other (their order in the ledger matters), then finished like any order. */
  private async placeRedFlagScenario(day: number, dayStart: Date): Promise<void> {
    const scenarioStart = dayStart.getTime() + 7 * HOUR_MS;
    for (const scenario of RED_FLAG_ORDERS) {
      const vendor = this.scenarioVendors.find((candidate) => candidate.actor.id === `demo:red-flag-vendor:${scenario.vendorKey}`)!;
      const lines = scenario.lines.map(([key, quantity]) => ({
        listing: vendor.listings.find((listing) => listing.listingId === deterministicUuid('demo', this.seedTag, 'red-flag-listing', scenario.vendorKey, key))!,
        quantity,
      }));
      const orderNo = this.orderCount;
      this.orderCount += 1;
      const opd = this.opds[scenario.opdIndex % this.opds.length]!;
      await this.place(
        { orderNo, day, vendor, opd, lines, shippingRupiah: 0, plan: 'paid', official: OFFICIAL_NAMES[0]! },
        new Date(scenarioStart + scenario.offsetSeconds * SECOND_MS),
      );
    }
  }

  /**
   * Every buying OPD is registered first: cards and orders name only registered OPDs. An OPD that
   * another run (another seed) registered already is the same public body: it is left as it is.
   */
  private async registerOpds(at: Date): Promise<void> {
    await this.inPool(this.opds, async ({ opdCode, opdName, kabupatenKotaCode }) => {
      if ((await readOpd(this.pipeline, opdCode)).status === 'registered') return;
      await this.opdCommands.execute(
        new OpdCommandRequest(
          opdCode,
          { type: 'RegisterOpd', opdCode, name: opdName, kabupatenKotaCode },
          this.context(this.admin, `opd.${opdCode}.register`, at),
        ),
      );
    });
  }

  private async registerVendors(start: Date): Promise<void> {
    const count = this.options.vendorCount ?? VENDOR_COUNT_DEFAULT;
    const random = this.prng.fork('vendors');
    const plans = Array.from({ length: count }, (_, index) => this.planVendor(index, random, start));
    await this.inPool(plans, async (plan) => {
      const { vendor, registration, registeredAt, rejected } = plan;
      await this.registerVendor.execute(new RegisterVendorCommand(registration, this.context(vendor.actor, `vendor.${vendor.index}.register`, registeredAt)));
      const reviewedAt = new Date(registeredAt.getTime() + DAY_MS + vendor.index * MINUTE_MS);
      const reason = 'NIB tidak sesuai dengan data OSS';
      const command = rejected ? { type: 'RejectVendor' as const, reason } : { type: 'VerifyVendor' as const };
      const reviewed = await this.changeVendor.execute(
        new ChangeVendorCommand(vendor.vendorId, command, this.context(this.admin, `vendor.${vendor.index}.review`, reviewedAt)),
      );
      const rejection = reviewed.events.find((event) => event.type === 'VendorRejected');
      if (rejection) {
        // What the nib-release process manager would do, with its context: a service started on this store replays it as a no-op.
        await this.releaseNib.execute(
          new ReleaseNibCommand(registration.nib, vendor.vendorId, reason, processContext(NIB_RELEASE_PROCESS, rejection, reviewedAt)),
        );
      }
      vendor.verified = !rejected;
    });
    this.vendors.push(...plans.map((plan) => plan.vendor));
  }

  private planVendor(index: number, random: Prng, start: Date) {
    const vendorId = deterministicUuid('demo', this.seedTag, 'vendor', String(index));
    const legalForm = random.weighted<LegalForm>([
      ['perorangan', 30],
      ['ud', 20],
      ['cv', 25],
      ['koperasi', 12],
      ['pt-perorangan', 8],
      ['pt', 5],
    ]);
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
    const plans = this.vendors
      .filter((vendor) => vendor.verified)
      .flatMap((vendor) => {
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

  /** One day: month-end settlement, quarterly cards, due order steps, new orders, a few repricings. */
  private async simulateDay(day: number, dayStart: Date, placing: boolean): Promise<void> {
    const random = this.prng.fork(`day.${day}`);
    if (day === 0 || dayStart.getUTCDate() === 1) await this.settleCards(dayStart, `${dayStart.toISOString().slice(0, 7)}`);
    const quarter = `${dayStart.getUTCFullYear()}Q${Math.floor(dayStart.getUTCMonth() / 3) + 1}`;
    if (day === 0 || (dayStart.getUTCDate() === 1 && dayStart.getUTCMonth() % 3 === 0)) await this.issueCards(quarter, dayStart);
    const due = this.inFlight.filter((order) => order.dueDay <= day);
    this.inFlight = this.inFlight.filter((order) => order.dueDay > day);
    await this.inPool(due, (order) => this.advance(order, day, new Date(dayStart.getTime() + HOUR_MS + (order.orderNo % 480) * MINUTE_MS)));
    if (placing) {
      const perDay = this.options.ordersPerDay ?? ORDERS_PER_DAY_DEFAULT;
      const plans = Array.from({ length: random.int(Math.ceil(perDay * 0.7), Math.ceil(perDay * 1.3)) }, () => this.planOrder(random, day));
      await this.inPool(plans, (plan) => this.place(plan, new Date(dayStart.getTime() + 2 * HOUR_MS + (plan.orderNo % 360) * MINUTE_MS)));
      if (day === 0) await this.placeRedFlagScenario(day, dayStart);
      await this.reprice(random, day, dayStart);
    }
  }

  private async issueCards(quarter: string, at: Date): Promise<void> {
    const expiresOn = `${at.getUTCFullYear() + 2}-12-31`;
    await this.inPool(this.opds, async (opd) => {
      const cardId = deterministicUuid('demo', this.seedTag, 'card', opd.opdCode, quarter);
      await this.card(
        cardId,
        {
          type: 'IssueCard',
          cardId,
          opdCode: opd.opdCode,
          holderName: OFFICIAL_NAMES[opd.opdCode.length % OFFICIAL_NAMES.length]!,
          cardLast4: String(1_000 + ((this.cards.length * 7_919 + opd.opdCode.length) % 9_000)),
          limitRupiah: 500_000_000,
          expiresOn,
        },
        this.context(this.admin, `card.${opd.opdCode}.${quarter}.issue`, at),
      );
      this.currentCard.set(opd.opdCode, cardId);
      this.cards.push(cardId);
    });
  }

  /** The treasurer pays each card's captured-but-unsettled amount to the bank. */
  private async settleCards(at: Date, statement: string): Promise<void> {
    await this.inPool(this.cards, async (cardId) => {
      const { state } = await this.pipeline.load(cardDecider, cardStreamId(cardId));
      if (state.status === 'absent' || state.capturedUnsettledRupiah === 0) return;
      const statementReference = `STMT-${statement}-${cardId.slice(0, 8)}`;
      await this.card(
        cardId,
        { type: 'SettleStatement', statementReference, amountRupiah: state.capturedUnsettledRupiah },
        this.context(this.admin, `settle.${cardId}.${statement}`, at),
      );
      this.settlements += 1;
    });
  }

  private planOrder(random: Prng, day: number) {
    const orderNo = this.orderCount;
    this.orderCount += 1;
    const sellers = this.vendors.filter((vendor) => vendor.verified);
    const vendor = random.pick(sellers);
    const opd = random.pick(this.opds);
    const lineCount = Math.min(random.int(1, ORDER_LINES_MAX), vendor.listings.length);
    const chosen = new Set<SimListing>();
    while (chosen.size < lineCount) chosen.add(random.pick(vendor.listings));
    const lines = [...chosen].map((listing) => ({ listing, quantity: random.int(1, listing.template.quantityMax) }));
    const shippingRupiah = random.chance(0.4) ? random.int(1, 15) * 10_000 : 0;
    for (let halving = 0; halving < QUANTITY_HALVINGS_MAX; halving += 1) {
      const total = lines.reduce((sum, line) => sum + line.listing.priceRupiah * line.quantity, shippingRupiah);
      if (total <= DEFAULT_POLICY.maxOrderTotalRupiah) break;
      for (const line of lines) line.quantity = Math.max(1, Math.floor(line.quantity / 2));
    }
    const plan = random.weighted<Outcome>([
      ['paid', 90],
      ['rejected', 3],
      ['cancelled', 5],
      ['expired', 2],
    ]);
    return { orderNo, day, vendor, opd, lines, shippingRupiah, plan, official: random.pick(OFFICIAL_NAMES) };
  }

  private async place(plan: ReturnType<MarketGenerator['planOrder']>, at: Date): Promise<void> {
    const { orderNo, vendor, opd, lines, shippingRupiah } = plan;
    const orderId = deterministicUuid('demo', this.seedTag, 'order', String(orderNo));
    const cardId = this.currentCard.get(opd.opdCode)!;
    const buyer: Actor = { id: `demo:buyer:${opd.opdCode}`, role: 'buyer', opdCode: opd.opdCode };
    const placed = await this.placeOrder.execute(
      new PlaceOrderCommand(
        {
          orderId,
          opdCode: opd.opdCode,
          officialName: plan.official,
          vendorId: vendor.vendorId,
          cardId,
          lines: lines.map((line) => ({ listingId: line.listing.listingId, quantity: line.quantity })),
          shippingRupiah,
        },
        this.context(buyer, `order.${orderNo}.place`, at),
      ),
    );
    const placedEvent = placed.events[0]! as RecordedEvent<{ totalRupiah: number; domesticUmkPurchase: boolean }>;
    const totalRupiah = placedEvent.data.totalRupiah;
    const answer = await this.followUp(placedEvent, minutesAfter(at, 1));
    const decision = answer.events[0]!;
    await this.followUp(decision, minutesAfter(at, 2));
    if (decision.type === 'AuthorisationDeclined') {
      this.count('declined');
      return;
    }
    const first: Step = plan.plan === 'cancelled' ? 'cancel' : plan.plan === 'rejected' ? 'reject' : 'accept';
    this.inFlight.push({ orderNo, orderId, opd, buyer, vendor, cardId, totalRupiah, plan: plan.plan, next: first, dueDay: plan.day + 1 });
  }

  /** One step of an order in flight; it is queued again for its next step or leaves the market. */
  private async advance(order: InFlight, day: number, at: Date): Promise<void> {
    const key = `order.${order.orderNo}.${order.next}`;
    switch (order.next) {
      case 'accept':
        await this.order(order.orderId, { type: 'AcceptOrder', by: order.vendor.actor }, this.context(order.vendor.actor, key, at));
        return this.requeue(
          order,
          order.plan === 'cancelled' ? 'cancel' : order.plan === 'expired' ? 'expire' : 'ship',
          day + (order.plan === 'expired' ? HOLD_TTL_DAYS + 1 : 1),
        );
      case 'ship':
        await this.order(
          order.orderId,
          { type: 'ShipOrder', by: order.vendor.actor, note: 'dikirim dengan kurir toko' },
          this.context(order.vendor.actor, key, at),
        );
        return this.requeue(order, 'receive', day + 2);
      case 'receive': {
        const bastNumber = `BAST/${order.opd.opdCode}/${order.orderNo}`;
        const received = await this.order(
          order.orderId,
          { type: 'ReceiveOrder', by: order.buyer, bastNumber, bastDate: wibDate(at), at },
          this.context(order.buyer, key, at),
        );
        const capture = await this.followUp(received.events[0]!, minutesAfter(at, 1));
        await this.followUp(capture.events[0]!, minutesAfter(at, 2));
        this.count('paid');
        return;
      }
      case 'reject':
      case 'cancel': {
        const rejecting = order.next === 'reject';
        const reason = rejecting ? 'stok habis' : 'kegiatan dibatalkan';
        const closed = rejecting
          ? await this.order(order.orderId, { type: 'RejectOrder', by: order.vendor.actor, reason }, this.context(order.vendor.actor, key, at))
          : await this.order(order.orderId, { type: 'CancelOrder', by: order.buyer, reason }, this.context(order.buyer, key, at));
        await this.followUp(closed.events[0]!, minutesAfter(at, 1));
        this.count(rejecting ? 'rejected' : 'cancelled');
        return;
      }
      case 'expire': {
        // As the hold-expiry sweep does it: keyed per order, at the sweep's time.
        const sweepKey = `${HOLD_EXPIRY_PROCESS}:${order.orderId}`;
        const sweep: Actor = { id: `process:${HOLD_EXPIRY_PROCESS}`, role: 'system' };
        const expired = await this.order(
          order.orderId,
          { type: 'ExpireOrderHold', at },
          { actor: sweep, correlationId: sweepKey, causationId: sweepKey, occurredAt: at, idempotencyKey: sweepKey },
        );
        await this.followUp(expired.events[0]!, at);
        this.count('expired');
        return;
      }
    }
  }

  private requeue(order: InFlight, next: Step, dueDay: number): void {
    order.next = next;
    order.dueDay = dueDay;
    this.inFlight.push(order);
  }

  private async reprice(random: Prng, day: number, dayStart: Date): Promise<void> {
    const listings = this.vendors.filter((vendor) => vendor.verified).flatMap((vendor) => vendor.listings);
    const repricings = Array.from({ length: random.int(REPRICINGS_PER_DAY_MAX / 2, REPRICINGS_PER_DAY_MAX) }, (_, n) => ({
      listing: random.pick(listings),
      n,
      at: new Date(dayStart.getTime() + 10 * HOUR_MS + random.int(0, 60) * MINUTE_MS),
      change: random.int(-8, 12),
    }));
    const touched = new Set<string>();
    const unique = repricings.filter(({ listing }) => !touched.has(listing.listingId) && touched.add(listing.listingId));
    await this.inPool(unique, async ({ listing, n, at, change }) => {
      const vendor = this.vendors.find((candidate) => candidate.vendorId === listing.vendorId)!;
      const priceRupiah = Math.max(roundPrice((listing.priceRupiah * (100 + change)) / 100), 1_000);
      if (priceRupiah === listing.priceRupiah) return;
      await this.listingCommands.execute(
        new ListingCommandRequest(
          listing.listingId,
          vendor.vendorId,
          { type: 'ChangeListingPrice', priceRupiah },
          this.context(vendor.actor, `day.${day}.reprice.${n}`, at),
        ),
      );
      listing.priceRupiah = priceRupiah;
      this.repricings += 1;
    });
  }

  private card(cardId: string, command: CardCommandInput, context: CommandContext) {
    return this.cardCommands.execute(new CardCommandRequest(cardId, command, context));
  }

  private order(orderId: string, command: ChangeOrderCommand['command'], context: CommandContext) {
    return this.changeOrder.execute(new ChangeOrderCommand(orderId, command, context));
  }

  /** The order-payment process manager's reaction to `trigger` (its own code and context), at simulated time. */
  private async followUp(trigger: RecordedEvent, at: Date): Promise<CommandResult> {
    if (!isOrderPaymentTrigger(trigger)) throw new Error(`${trigger.type} is not a trigger of the order-payment process`);
    const followUp = await followUpOf(trigger, (orderId) => loadPlacedOrder(this.pipeline, orderId));
    return sendFollowUp(followUp, processContext(ORDER_PAYMENT_PROCESS, trigger, followUpAt(trigger, at)), {
      card: (request) => this.cardCommands.execute(request),
      order: (request) => this.changeOrder.execute(request),
    });
  }

  private count(outcome: Outcome): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
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

function minutesAfter(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * MINUTE_MS);
}

/** Prices end in hundreds of rupiah, as shops price them. */
function roundPrice(rupiah: number): number {
  return Math.max(100, Math.round(rupiah / 100) * 100);
}
