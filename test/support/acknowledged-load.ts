import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OPD, type SellingVendor, issueCard, orderBody, sellingVendor } from './purchase-session.js';
import type { TestApp } from './test-app.js';

/**
 * A client that writes through HTTP as users do (listings, orders placed, accepted, shipped,
 * received), each POST with its own Idempotency-Key, and records every command: what it sent,
 * and whether and how it was answered. The fault and backup suites check the store against it.
 */

export interface SentCommand {
  readonly key: string;
  readonly path: string;
  readonly token: string;
  readonly body: unknown;
  /** Set once the service answered 2xx: the ids of the events it says it wrote. */
  acknowledged?: { status: number; eventIds: readonly string[]; body: any };
  /** Answered 4xx: refused, nothing written. */
  refused?: { status: number; code: string };
}

export interface SeededLedger {
  readonly admin: string;
  readonly buyer: string;
  readonly vendor: SellingVendor;
  readonly cardId: string;
}

const LISTING_PRICE_RUPIAH = 25_000;
const CARD_LIMIT_RUPIAH = 1_000_000_000;
/** How long a flow waits for the payment process to authorise its order before moving on. */
const AUTHORISATION_POLLS_MAX = 40;
const AUTHORISATION_POLL_MS = 25;
/** A client request that takes longer than this counts as unanswered. */
const LOAD_REQUEST_TIMEOUT_MS = 10_000;
/** The answer to a retry while the first attempt's reservation is still leased (the process that held it died). */
export const IDEMPOTENCY_KEY_IN_FLIGHT = 'IDEMPOTENCY_KEY_IN_FLIGHT';

export function isLeasedElsewhere(command: SentCommand): boolean {
  return command.refused?.code === IDEMPOTENCY_KEY_IN_FLIGHT;
}

export async function seedLedger(app: TestApp): Promise<SeededLedger> {
  const admin = app.issueKey('admin');
  const vendor = await sellingVendor(app, admin, [LISTING_PRICE_RUPIAH]);
  const cardId = await issueCard(app, admin, CARD_LIMIT_RUPIAH);
  return { admin, buyer: app.issueKey('buyer', { opdCode: OPD }), vendor, cardId };
}

export class AcknowledgedLoad {
  readonly commands: SentCommand[] = [];

  constructor(private readonly ledger: SeededLedger) {}

  get acknowledged(): SentCommand[] {
    return this.commands.filter((command) => command.acknowledged !== undefined);
  }

  /** Sent and never answered (the service died first, or answered 5xx). */
  get unanswered(): SentCommand[] {
    return this.commands.filter((command) => command.acknowledged === undefined && command.refused === undefined);
  }

  /**
   * `workers` concurrent flows until `stop()` says so; a flow ends at the first unanswered
   * command (the service is gone). Resolves when every flow has ended.
   */
  async run(baseUrl: string, workers: number, stop: () => boolean): Promise<void> {
    await Promise.all(Array.from({ length: workers }, (_, worker) => this.flows(baseUrl, worker, stop)));
  }

  private async flows(baseUrl: string, worker: number, stop: () => boolean): Promise<void> {
    const { buyer, vendor, cardId } = this.ledger;
    for (let round = 0; !stop(); round += 1) {
      if ((round + worker) % 3 === 0) {
        const listed = await this.send(baseUrl, `/vendors/${vendor.vendorId}/listings`, vendor.vendorToken, {
          title: `Snack box ${worker}-${round}`,
          category: 'makan-minum',
          unit: 'kotak',
          priceRupiah: LISTING_PRICE_RUPIAH,
          isDomesticProduct: true,
        });
        if (listed === 'unanswered') return;
        continue;
      }
      const placed = await this.send(baseUrl, '/orders', buyer, orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 1 + (round % 3) }]));
      if (placed === 'unanswered') return;
      if (placed === 'refused' || stop()) continue;
      const orderId: string = placed.orderId;
      if (!(await this.authorised(baseUrl, orderId))) continue;
      for (const [step, token, body] of [
        ['accept', vendor.vendorToken, undefined],
        ['ship', vendor.vendorToken, undefined],
        ['receive', buyer, { bastNumber: `BAST/${orderId.slice(0, 8)}/2026`, bastDate: todayInJakarta() }],
      ] as const) {
        if (stop()) break;
        const answer = await this.send(baseUrl, `/orders/${orderId}/${step}`, token, body);
        if (answer === 'unanswered') return;
        if (answer === 'refused') break;
      }
    }
  }

  private async authorised(baseUrl: string, orderId: string): Promise<boolean> {
    for (let poll = 0; poll < AUTHORISATION_POLLS_MAX; poll += 1) {
      const status = await getJson(baseUrl, `/orders/${orderId}`, this.ledger.buyer).then(
        (order) => order?.status as string | undefined,
        () => 'unanswered',
      );
      if (status === 'unanswered') return false;
      if (status !== undefined && status !== 'placed') return status === 'authorised';
      await new Promise((resolve) => setTimeout(resolve, AUTHORISATION_POLL_MS));
    }
    return false;
  }

  /** One POST, recorded before it is sent. */
  private async send(baseUrl: string, path: string, token: string, body: unknown): Promise<any | 'refused' | 'unanswered'> {
    const command: SentCommand = { key: randomUUID(), path, token, body };
    this.commands.push(command);
    return sendCommand(baseUrl, command);
  }
}

/** Sends (or resends, with the same Idempotency-Key) a recorded command and records the answer. */
export async function sendCommand(baseUrl: string, command: SentCommand): Promise<any | 'refused' | 'unanswered'> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${command.path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${command.token}`,
        'idempotency-key': command.key,
        ...(command.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(command.body !== undefined ? { body: JSON.stringify(command.body) } : {}),
      signal: AbortSignal.timeout(LOAD_REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch {
    return 'unanswered';
  }
  const parsed = text ? JSON.parse(text) : undefined;
  if (response.status >= 200 && response.status < 300) {
    command.acknowledged = { status: response.status, eventIds: (parsed.events as { id: string }[]).map((event) => event.id), body: parsed };
    command.refused = undefined;
    return parsed;
  }
  if (response.status >= 400 && response.status < 500) {
    command.refused = { status: response.status, code: String(parsed?.code) };
    return 'refused';
  }
  return 'unanswered';
}

async function getJson(baseUrl: string, path: string, token: string): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(LOAD_REQUEST_TIMEOUT_MS) });
  return response.status === 200 ? response.json() : undefined;
}

function todayInJakarta(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** Event ids per Idempotency-Key, read from events.db through a read-only connection. */
export function eventIdsByIdempotencyKey(dataDir: string): Map<string, string[]> {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true, fileMustExist: true });
  try {
    const byKey = new Map<string, string[]>();
    const rows = db.prepare("SELECT event_id, json_extract(metadata, '$.idempotencyKey') AS key FROM events WHERE key IS NOT NULL ORDER BY position").all() as {
      event_id: string;
      key: string;
    }[];
    for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row.event_id]);
    return byKey;
  } finally {
    db.close();
  }
}

/**
 * For every command the client sent: the events carrying its key are exactly the ones its 2xx
 * answer named (none when it was refused or never ran). Returns the mismatches.
 */
export function effectMismatches(commands: readonly SentCommand[], eventsByKey: ReadonlyMap<string, readonly string[]>): string[] {
  const mismatches: string[] = [];
  for (const command of commands) {
    const stored = eventsByKey.get(command.key) ?? [];
    const expected = command.acknowledged?.eventIds ?? [];
    if ((command.acknowledged === undefined && command.refused === undefined) || isLeasedElsewhere(command)) continue;
    if (stored.length !== expected.length || stored.some((id, index) => id !== expected[index])) {
      mismatches.push(`${command.path} (key ${command.key}): answered ${JSON.stringify(expected)}, stored ${JSON.stringify(stored)}`);
    }
  }
  return mismatches;
}

/** Every consumer's stored checkpoint, from the `checkpoints` table of each SQLite file of the data dir. */
export function storedCheckpoints(dataDir: string): Map<string, bigint> {
  const checkpoints = new Map<string, bigint>();
  for (const name of readdirSync(dataDir)
    .filter((file) => file.endsWith('.db'))
    .sort()) {
    const db = new Database(join(dataDir, name), { readonly: true, fileMustExist: true });
    try {
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints'").get() !== undefined;
      if (!hasTable) continue;
      for (const row of db.prepare('SELECT consumer, position FROM checkpoints').all() as { consumer: string; position: number }[]) {
        checkpoints.set(row.consumer, BigInt(row.position));
      }
    } finally {
      db.close();
    }
  }
  return checkpoints;
}

interface SubscriptionStatus {
  readonly name: string;
  readonly state: 'stopped' | 'running' | 'failing';
  readonly position: string;
  readonly headPosition: string;
  readonly lagEvents: number;
  readonly eventsHandled: number;
}

const SETTLE_WAIT_MS = 30_000;
const SETTLE_POLL_MS = 50;

/**
 * Polls GET /health until every consumer (projections, process managers, the transparency log)
 * has handled the head and the head held still across two polls (the process managers' own
 * writes included). A consumer that keeps failing never settles: the wait ends in an error.
 * Bounded by SETTLE_WAIT_MS.
 */
export async function settle(app: TestApp): Promise<{ headPosition: bigint; subscriptions: SubscriptionStatus[] }> {
  const deadline = Date.now() + SETTLE_WAIT_MS;
  let previousHead: bigint | undefined;
  for (;;) {
    const health = await app.request('GET', '/health');
    const subscriptions = health.body.subscriptions as SubscriptionStatus[];
    const head = BigInt(health.body.eventStore.headPosition as string);
    const caughtUp = subscriptions.every((status) => BigInt(status.position) >= head);
    if (caughtUp && previousHead === head) return { headPosition: head, subscriptions };
    previousHead = caughtUp ? head : undefined;
    if (Date.now() > deadline) throw new Error(`consumers did not settle within ${SETTLE_WAIT_MS} ms: ${JSON.stringify(subscriptions)}`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}
