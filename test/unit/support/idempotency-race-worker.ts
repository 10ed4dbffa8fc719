/**
 * One racing process for test/unit/idempotency-store.spec.ts: waits for the common start time,
 * tries to reserve every key once, completes the ones it won with its own name, and prints
 * one JSON line of what each reservation answered.
 */
import { IdempotencyStore } from '../../../src/idempotency/idempotency-store.js';

const [file, worker, hash, keyCountText, startAtText] = process.argv.slice(2) as [string, string, string, string, string];
const store = IdempotencyStore.open(file);
const outcomes: Record<string, string> = {};
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText) - Date.now())));
for (let index = 0; index < Number(keyCountText); index += 1) {
  const key = `key-${index}`;
  const reservation = store.reserve('key:shared', key, hash, Date.now());
  outcomes[key] = reservation.kind;
  if (reservation.kind === 'reserved') {
    store.complete('key:shared', key, reservation.token, { status: 201, headers: {}, body: worker }, Date.now());
  }
}
store.close();
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
