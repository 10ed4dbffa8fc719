import { type Page, failure, getJson, query } from '../lib/api.js';
import { byId, el, fillSelect, setStatus } from '../lib/dom.js';
import { date, rupiah } from '../lib/format.js';
import { CATEGORY_LABELS, ORDER_STATUS_LABELS, REGIONS, label, regionLabel } from '../lib/labels.js';
import { Pager } from '../lib/pager.js';

interface Transaction {
  readonly orderId: string;
  readonly placedAt: string;
  readonly status: string;
  readonly opdCode: string;
  readonly opdName: string;
  readonly kabupatenKotaCode: string;
  readonly vendorId: string;
  readonly vendorName: string;
  readonly categories: string[];
  readonly totalRupiah: number;
}

const PAGE_SIZE = 25;
const FILTERS = ['kabupatenKotaCode', 'category', 'status', 'opdCode', 'placedFrom', 'placedTo'] as const;

export async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  fillSelect(byId<HTMLSelectElement>('f-wilayah'), REGIONS, params.get('kabupatenKotaCode'));
  fillSelect(byId<HTMLSelectElement>('f-kategori'), CATEGORY_LABELS, params.get('category'));
  fillSelect(byId<HTMLSelectElement>('f-status'), ORDER_STATUS_LABELS, params.get('status'));
  byId<HTMLInputElement>('f-opd').value = params.get('opdCode') ?? '';
  byId<HTMLInputElement>('f-dari').value = params.get('placedFrom') ?? '';
  byId<HTMLInputElement>('f-sampai').value = params.get('placedTo') ?? '';
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  // Dates from the form are whole days in WIB, sent as UTC instants (how the ledger stores times).
  const instant = (text: string) => {
    const time = new Date(text);
    return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
  };
  if (filters.placedFrom) filters.placedFrom = instant(`${filters.placedFrom}T00:00:00+07:00`) ?? filters.placedFrom;
  if (filters.placedTo) filters.placedTo = instant(`${filters.placedTo}T23:59:59.999+07:00`) ?? filters.placedTo;
  const body = byId('tabel-transaksi').querySelector('tbody')!;
  const pager = new Pager(async (cursor) => {
    setStatus('Memuat data…');
    try {
      const page = await getJson<Page<Transaction>>(`/public/transactions${query({ ...filters, limit: PAGE_SIZE, cursor })}`);
      body.replaceChildren(...page.items.map(row));
      setStatus(
        page.items.length === 0 ? 'Tidak ada transaksi yang cocok dengan saringan ini.' : `${page.items.length} transaksi ditampilkan.`,
        page.items.length === 0 ? 'empty' : 'info',
      );
      return page.nextCursor;
    } catch (error) {
      body.replaceChildren();
      setStatus(failure(error), 'error');
      return null;
    }
  });
  await pager.start();
}

function row(item: Transaction): HTMLTableRowElement {
  return el(
    'tr',
    {},
    el('td', {}, date(item.placedAt)),
    el(
      'td',
      {},
      el(
        'a',
        { href: `/verifikasi.html?order=${encodeURIComponent(item.orderId)}`, 'aria-label': `Verifikasi pesanan ${item.orderId}` },
        el('code', {}, item.orderId.slice(0, 8)),
      ),
    ),
    el('td', {}, item.opdName, el('br'), el('small', { class: 'muted' }, item.opdCode)),
    el('td', {}, regionLabel(item.kabupatenKotaCode)),
    el('td', {}, el('a', { href: `/penyedia.html?id=${encodeURIComponent(item.vendorId)}` }, item.vendorName || 'Penyedia')),
    el('td', {}, item.categories.map((code) => label(CATEGORY_LABELS, code)).join(', ')),
    el('td', { class: 'num' }, rupiah(item.totalRupiah)),
    el('td', {}, el('span', { class: `badge status-${item.status}` }, label(ORDER_STATUS_LABELS, item.status))),
  );
}
