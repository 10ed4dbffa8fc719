/** Numbers, money and dates as people in Indonesia write them. */
const RUPIAH = new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 });
const NUMBER = new Intl.NumberFormat('id-ID');
const PERCENT = new Intl.NumberFormat('id-ID', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
const DATE = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Asia/Jakarta' });
const DATE_TIME = new Intl.DateTimeFormat('id-ID', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Asia/Jakarta',
  timeZoneName: 'short',
});
const MONTH = new Intl.DateTimeFormat('id-ID', { month: 'short', year: 'numeric', timeZone: 'UTC' });

export function rupiah(amount: number): string {
  return RUPIAH.format(amount);
}

export function count(value: number): string {
  return NUMBER.format(value);
}

export function percent(value: number | null): string {
  return value === null ? '–' : `${PERCENT.format(value)}%`;
}

export function date(iso: string | null): string {
  return iso ? DATE.format(new Date(iso)) : '–';
}

export function dateTime(iso: string | null): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '–';
}

/** "2025-03" as "Mar 2025". */
export function month(key: string): string {
  const [year, monthNumber] = key.split('-').map(Number);
  if (!year || !monthNumber) return key;
  return MONTH.format(new Date(Date.UTC(year, monthNumber - 1, 1)));
}
