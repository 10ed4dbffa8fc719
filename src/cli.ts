import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AUDIT_USAGE, auditCommand } from './audit/cli/audit-cli.js';
import { auditChain } from './audit/audit-chain.command.js';
import { ApiKeyStore } from './auth/api-key-store.js';
import { ISSUABLE_ROLES, IssuableRole, KEY_EXPIRY_DAYS_DEFAULT, KEY_ROTATION_GRACE_MINUTES_DEFAULT } from './auth/api-key.js';
import { apiKeyStorePath } from './auth/auth.module.js';
import { loadConfig } from './config/app-config.js';
import { MarketGenerator, ORDERS_PER_DAY_DEFAULT, VENDOR_COUNT_DEFAULT, marketPipeline } from './demo/market-generator.js';
import { CommandPipeline } from './event-store/command-pipeline.js';
import { openEventStore } from './event-store/open-event-store.js';
import { OCDS_USAGE, ocdsCommand } from './ocds/ocds-cli.js';
import { OPS_USAGE, backupCommand, restoreCommand } from './ops/ops-cli.js';
import { readOpd } from './opds/application/opd-registry.js';
import { OPD_CODE_FORMAT, isOpdCode } from './opds/domain/opd-code.js';

const DEMO_EVENTS_MAX = 10_000_000;
const DEMO_EVENTS_DEFAULT = 20_000;

const USAGE = `bela-ledger CLI (admins and auditors)

  npm run cli -- keys issue --role <admin|auditor|vendor|buyer> --label <text> [--vendor-id <uuid>|new] [--opd-code <code>] [--expires-in-days <n>]
        Issues an API key and prints it once; only its SHA-256 hash is stored (DATA_DIR/auth.db).
        A buyer key's --opd-code (e.g. 3673-DINKES) must name an OPD registered in the event store.
        The key expires after --expires-in-days (default ${KEY_EXPIRY_DAYS_DEFAULT}); then it is 401 KEY_EXPIRED.
  npm run cli -- keys rotate <keyId> [--grace-minutes <n>] [--expires-in-days <n>]
        Issues a new token for the same role and scope; the old key keeps working for the grace
        period (default ${KEY_ROTATION_GRACE_MINUTES_DEFAULT} minutes, 0: revoked at once).
  npm run cli -- keys list
        Every key (never its token) with its expiresAt, revokedAt, lastUsedAt and replacedBy.
  npm run cli -- keys revoke <keyId>
  npm run cli -- demo [--seed <text>] [--events <n>] [--vendors <n>] [--orders-per-day <n>]
        Writes a simulated Banten market (vendors, listings, KKP cards, orders, payments) through
        the command handlers into the event store, deterministically from the seed
        (default seed "banten", ${DEMO_EVENTS_DEFAULT} events). Running it twice with one seed writes nothing new.
${AUDIT_USAGE}
${OCDS_USAGE}
${OPS_USAGE}

Environment: DATA_DIR (default ./data).`;

async function keys(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const store = ApiKeyStore.open(apiKeyStorePath(loadConfig()));
  try {
    switch (action) {
      case 'issue': {
        const { values } = parseArgs({
          args: rest,
          options: {
            role: { type: 'string' },
            label: { type: 'string' },
            'vendor-id': { type: 'string' },
            'opd-code': { type: 'string' },
            'expires-in-days': { type: 'string' },
          },
          strict: true,
        });
        const role = values.role as IssuableRole | undefined;
        if (!role || !ISSUABLE_ROLES.includes(role)) throw new RangeError(`--role must be one of ${ISSUABLE_ROLES.join(', ')}`);
        if (values['opd-code'] !== undefined) await requireRegisteredOpdCode(values['opd-code']);
        const { token, record } = store.issue(
          {
            role,
            label: values.label ?? `${role} key`,
            ...(values['vendor-id'] ? { vendorId: values['vendor-id'] === 'new' ? randomUUID() : values['vendor-id'] } : {}),
            ...(values['opd-code'] ? { opdCode: values['opd-code'] } : {}),
            ...(values['expires-in-days'] !== undefined ? { expiresInDays: Number(values['expires-in-days']) } : {}),
          },
          new Date(),
        );
        process.stdout.write(
          `${JSON.stringify({ keyId: record.keyId, role: record.role, vendorId: record.vendorId, opdCode: record.opdCode, expiresAt: record.expiresAt, token })}\n`,
        );
        process.stderr.write('Keep the token now: it is not stored and cannot be shown again.\n');
        return 0;
      }
      case 'list':
        for (const record of store.list()) {
          const { tokenHash: _hidden, ...visible } = record;
          process.stdout.write(`${JSON.stringify({ ...visible, expiresAt: record.expiresAt ?? null, lastUsedAt: record.lastUsedAt ?? null })}\n`);
        }
        return 0;
      case 'rotate': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: { 'grace-minutes': { type: 'string' }, 'expires-in-days': { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        const keyId = positionals[0];
        if (!keyId || positionals.length > 1) throw new RangeError('usage: keys rotate <keyId> [--grace-minutes <n>] [--expires-in-days <n>]');
        const graceMinutes = values['grace-minutes'] !== undefined ? Number(values['grace-minutes']) : KEY_ROTATION_GRACE_MINUTES_DEFAULT;
        const expiresInDays = values['expires-in-days'] !== undefined ? Number(values['expires-in-days']) : undefined;
        const rotated = store.rotate(keyId, new Date(), graceMinutes, expiresInDays);
        if (!rotated) {
          process.stdout.write(`no active key ${keyId}\n`);
          return 1;
        }
        const { record, token } = rotated;
        process.stdout.write(
          `${JSON.stringify({ keyId: record.keyId, replaces: keyId, role: record.role, vendorId: record.vendorId, opdCode: record.opdCode, expiresAt: record.expiresAt, oldKeyValidForMinutes: graceMinutes, token })}\n`,
        );
        process.stderr.write('Keep the token now: it is not stored and cannot be shown again.\n');
        return 0;
      }
      case 'revoke': {
        const keyId = rest[0];
        if (!keyId) throw new RangeError('usage: keys revoke <keyId>');
        const revoked = store.revoke(keyId, new Date());
        process.stdout.write(revoked ? `revoked ${keyId}\n` : `no active key ${keyId}\n`);
        return revoked ? 0 : 1;
      }
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } finally {
    store.close();
  }
}

/** A buyer key acts for one OPD: it must be registered in the event store (POST /opds) before a key names it. */
async function requireRegisteredOpdCode(opdCode: string): Promise<void> {
  if (!isOpdCode(opdCode)) throw new RangeError(`--opd-code must be ${OPD_CODE_FORMAT}`);
  const { store } = await openEventStore(loadConfig());
  try {
    const opd = await readOpd(new CommandPipeline(store), opdCode);
    if (opd.status === 'absent') throw new RangeError(`OPD ${opdCode} is not registered: register it first (POST /opds)`);
  } finally {
    await store.close();
  }
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { seed: { type: 'string' }, events: { type: 'string' }, vendors: { type: 'string' }, 'orders-per-day': { type: 'string' } },
    strict: true,
  });
  const count = (name: string, raw: string | undefined, fallback: number): number => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isSafeInteger(value) || value < 1 || value > DEMO_EVENTS_MAX) throw new RangeError(`--${name} must be an integer from 1 to ${DEMO_EVENTS_MAX}`);
    return value;
  };
  // Demo data: acknowledged at commit, one fsync when the run closes the store.
  const { store } = await openEventStore(loadConfig(), 'bulk');
  try {
    const generator = new MarketGenerator(marketPipeline(store), store, {
      seed: values.seed ?? 'banten',
      targetEvents: count('events', values.events, DEMO_EVENTS_DEFAULT),
      ...(values.vendors !== undefined ? { vendorCount: count('vendors', values.vendors, VENDOR_COUNT_DEFAULT) } : {}),
      ...(values['orders-per-day'] !== undefined ? { ordersPerDay: count('orders-per-day', values['orders-per-day'], ORDERS_PER_DAY_DEFAULT) } : {}),
      onProgress: ({ day, events, orders }) => {
        if (day % 10 === 0) process.stderr.write(`day ${day}: ${events} events, ${orders} orders\n`);
      },
    });
    process.stdout.write(`${JSON.stringify(await generator.run())}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'keys':
      return keys(rest);
    case 'demo':
      return demo(rest);
    case 'audit':
      if (rest[0] === 'chain') return auditChain(rest.slice(1), loadConfig().dataDir);
      return auditCommand(rest);
    case 'ocds':
      return ocdsCommand(rest);
    case 'backup':
      return backupCommand(rest);
    case 'restore':
      return restoreCommand(rest);
    default:
      process.stderr.write(`${USAGE}\n`);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
