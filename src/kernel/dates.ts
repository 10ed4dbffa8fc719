/** Calendar dates (YYYY-MM-DD) in Western Indonesian Time (WIB, UTC+07:00), where the OPDs work. */
export const DAY_MS = 86_400_000;
const WIB_OFFSET_MS = 7 * 3_600_000;

/** A calendar date as the API and the events write it. */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** The calendar date of an instant in WIB. */
export function wibDate(at: Date): string {
  return new Date(at.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first instant after the WIB calendar day `date`. */
export function endOfWibDayMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - WIB_OFFSET_MS + DAY_MS;
}
