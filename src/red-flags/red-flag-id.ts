import { deterministicUuid } from '../kernel/ids.js';
import type { RedFlagRule } from './domain/red-flag-rules.js';

/**
 * A flag's id from its rule and what raised it (order ids, or OPD, year and vendor): the live
 * projection, a rebuild and an auditor's replay give every flag the same id.
 */
export function redFlagId(rule: RedFlagRule, ...keys: readonly string[]): string {
  return deterministicUuid('red-flag', rule, ...keys);
}
