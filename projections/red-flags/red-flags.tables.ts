import { DEFAULT_POLICY, PolicyVersion } from '../../src/policy/domain/policy.js';
import type { ProjectionLookup } from '../projection.js';
import { deepFreeze } from '../../src/kernel/deep-freeze.js';

/**
 * The red-flags projection's tables. `red_flags` holds one row per finding; the others are the
 * projection's own memory, each read by key (ProjectionLookup): the policy versions, each
 * order's buyer and vendor, the recent orders of each OPD and vendor pair, the recent unit
 * prices of each category, each vendor's verification time and categories sold, and each OPD's
 * yearly spending.
 */
export const RED_FLAGS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS red_flags (
  flag_id          TEXT PRIMARY KEY,
  rule             TEXT NOT NULL,
  outcome          TEXT NOT NULL,
  status           TEXT NOT NULL,
  opd_code         TEXT NOT NULL,
  vendor_id        TEXT NOT NULL,
  amount_rupiah    INTEGER NOT NULL,
  summary          TEXT NOT NULL,
  order_ids        TEXT NOT NULL,
  events           TEXT NOT NULL,
  parameters       TEXT NOT NULL,
  policy_revision  INTEGER NOT NULL,
  raised_at        TEXT NOT NULL,
  raised_position  INTEGER NOT NULL,
  review_reason    TEXT,
  reviewed_by      TEXT,
  reviewed_role    TEXT,
  reviewed_at      TEXT,
  review_position  INTEGER,
  review_count     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS red_flags_by_raised ON red_flags (raised_at, flag_id);
CREATE INDEX IF NOT EXISTS red_flags_by_rule ON red_flags (rule, raised_at);
CREATE INDEX IF NOT EXISTS red_flags_by_status ON red_flags (status, raised_at);
CREATE INDEX IF NOT EXISTS red_flags_by_opd ON red_flags (opd_code, raised_at);
CREATE INDEX IF NOT EXISTS red_flags_by_vendor ON red_flags (vendor_id, raised_at);
CREATE TABLE IF NOT EXISTS red_flag_policies (
  revision   INTEGER PRIMARY KEY,
  parameters TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_orders (
  order_id        TEXT PRIMARY KEY,
  opd_code        TEXT NOT NULL,
  vendor_id       TEXT NOT NULL,
  total_rupiah    INTEGER NOT NULL,
  placed_at       TEXT NOT NULL,
  placed_position INTEGER NOT NULL,
  state           TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_pair_windows (
  opd_code  TEXT NOT NULL,
  vendor_id TEXT NOT NULL,
  orders    TEXT NOT NULL,
  PRIMARY KEY (opd_code, vendor_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_category_prices (
  category TEXT PRIMARY KEY,
  prices   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_vendors (
  vendor_id   TEXT PRIMARY KEY,
  verified_at TEXT,
  categories  TEXT NOT NULL,
  flagged     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_opd_years (
  opd_code          TEXT NOT NULL,
  year              TEXT NOT NULL,
  spent_rupiah      INTEGER NOT NULL,
  top_vendor_id     TEXT NOT NULL,
  top_vendor_rupiah INTEGER NOT NULL,
  PRIMARY KEY (opd_code, year)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS red_flag_opd_vendor_years (
  opd_code     TEXT NOT NULL,
  year         TEXT NOT NULL,
  vendor_id    TEXT NOT NULL,
  spent_rupiah INTEGER NOT NULL,
  flagged      INTEGER NOT NULL,
  PRIMARY KEY (opd_code, year, vendor_id)
) WITHOUT ROWID;
`;

export const RED_FLAGS = 'red_flags';
export const POLICIES = 'red_flag_policies';
export const ORDERS = 'red_flag_orders';
export const PAIR_WINDOWS = 'red_flag_pair_windows';
export const PRICES = 'red_flag_category_prices';
export const VENDORS = 'red_flag_vendors';
export const OPD_YEARS = 'red_flag_opd_years';
export const OPD_VENDOR_YEARS = 'red_flag_opd_vendor_years';

/** Orders kept per OPD and vendor pair (the most recent), whatever the windows: a bound on the row. */
export const PAIR_WINDOW_ORDERS_MAX = 200;

/** The policy an event names by revision, as kept from PolicySet; revision 0 (or one never seen) is the default. */
export function policyOf(revision: number, lookup: ProjectionLookup): PolicyVersion {
  const row = lookup.get(POLICIES, { revision });
  return row ? parsedPolicy(String(row.parameters)) : DEFAULT_POLICY;
}

/** Policy texts parsed, by their text: a handful of revisions, each read at every order. */
const PARSED_POLICIES_MAX = 16;
const parsedPolicies = new Map<string, PolicyVersion>();

/** JSON.parse of a policy row, from the copy parsed for the same text when there is one (a memo of a pure function; frozen, as every caller shares it). */
function parsedPolicy(parameters: string): PolicyVersion {
  const known = parsedPolicies.get(parameters);
  if (known !== undefined) return known;
  if (parsedPolicies.size >= PARSED_POLICIES_MAX) parsedPolicies.delete(parsedPolicies.keys().next().value!);
  const policy = deepFreeze(JSON.parse(parameters) as PolicyVersion);
  parsedPolicies.set(parameters, policy);
  return policy;
}
