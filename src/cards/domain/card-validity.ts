import { DAY_MS, endOfWibDayMs } from '../../kernel/dates.js';

/** A card is valid through the end of its expiry date, WIB: this is the first instant it is not. */
export function cardExpiryInstantMs(expiresOn: string): number {
  return endOfWibDayMs(expiresOn);
}

export function holdExpiresAt(at: Date, ttlDays: number): string {
  return new Date(at.getTime() + ttlDays * DAY_MS).toISOString();
}
