import { ApiError, type Page, failure, getJson, query } from '../lib/api.js';
import { byId, el, fillSelect, setStatus } from '../lib/dom.js';
import { date, rupiah } from '../lib/format.js';
import { label } from '../lib/labels.js';
import { Pager } from '../lib/pager.js';

interface RedFlag {
  readonly flagId: string;
  readonly rule: string;
  readonly outcome: string;
  readonly status: string;
  readonly opdCode: string | null;
  readonly vendorId: string | null;
  readonly amountRupiah: number | null;
  readonly summary: string;
  readonly orderIds: string[] | null;
  readonly parameters: Record<string, unknown> | null;
  readonly policyRevision: number | null;
  readonly raisedAt: string;
}

const RULE_LABELS: Readonly<Record<string, string>> = {
  'split-purchase': 'Pemecahan pesanan',
  'near-cap': 'Tepat di bawah batas',
  concentration: 'Konsentrasi pada satu penyedia',
  'price-outlier': 'Harga menyimpang',
  'duplicate-payment': 'Pembayaran ganda',
  'new-vendor-large-order': 'Penyedia baru, pesanan besar',
  'heterogeneous-supplier': 'Penyedia di luar kategorinya',
};
const STATUS_LABELS: Readonly<Record<string, string>> = { open: 'Terbuka', dismissed: 'Ditepis', confirmed: 'Dikonfirmasi' };
const OUTCOME_LABELS: Readonly<Record<string, string>> = { flagged: 'ditandai', refused: 'ditolak saat pemesanan' };
const PAGE_SIZE = 25;

export async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const filters = { rule: params.get('rule') ?? '', status: params.get('status') ?? '' };
  try {
    // One small request first: a service without red flags answers 404 here.
    await getJson<Page<RedFlag>>('/public/red-flags?limit=1');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return unavailable();
    setStatus(failure(error), 'error');
    return;
  }
  const container = byId('tanda');
  const form = el(
    'form',
    { id: 'filter', class: 'filters', method: 'get', action: '/tanda-bahaya.html' },
    el(
      'fieldset',
      {},
      el('legend', {}, 'Saring tanda bahaya'),
      el(
        'div',
        { class: 'field' },
        el('label', { for: 't-aturan' }, 'Aturan'),
        el('select', { id: 't-aturan', name: 'rule' }, el('option', { value: '' }, 'Semua')),
      ),
      el(
        'div',
        { class: 'field' },
        el('label', { for: 't-status' }, 'Status'),
        el('select', { id: 't-status', name: 'status' }, el('option', { value: '' }, 'Semua')),
      ),
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'submit' }, 'Terapkan'),
        el('a', { class: 'button secondary', href: '/tanda-bahaya.html' }, 'Hapus saringan'),
      ),
    ),
  );
  const body = el('tbody');
  const list = el(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'judul-tanda' },
    el(
      'table',
      { id: 'tabel-tanda', class: 'table-wide' },
      el('caption', { id: 'judul-tanda' }, 'Daftar tanda bahaya'),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['Ditemukan', 'Aturan', 'Status', 'OPD', 'Temuan', 'Nilai', 'Parameter', 'Pesanan'].map((text) =>
            el('th', { scope: 'col', class: text === 'Nilai' ? 'num' : undefined }, text),
          ),
        ),
      ),
      body,
    ),
  );
  const pager = el(
    'nav',
    { class: 'pager', 'aria-label': 'Halaman tabel' },
    el('button', { type: 'button', id: 'sebelumnya', class: 'secondary', disabled: true }, 'Sebelumnya'),
    el('span', { id: 'halaman', 'aria-live': 'polite' }, 'Halaman 1'),
    el('button', { type: 'button', id: 'berikutnya', class: 'secondary', disabled: true }, 'Berikutnya'),
  );
  container.replaceChildren(form, list, pager);
  fillSelect(byId<HTMLSelectElement>('t-aturan'), RULE_LABELS, filters.rule || null);
  fillSelect(byId<HTMLSelectElement>('t-status'), STATUS_LABELS, filters.status || null);
  await new Pager(async (cursor) => {
    setStatus('Memuat data…');
    try {
      const page = await getJson<Page<RedFlag>>(`/public/red-flags${query({ ...filters, limit: PAGE_SIZE, cursor })}`);
      body.replaceChildren(...page.items.map(row));
      setStatus(
        page.items.length === 0 ? 'Tidak ada tanda bahaya yang cocok.' : `${page.items.length} tanda bahaya ditampilkan.`,
        page.items.length === 0 ? 'empty' : 'info',
      );
      return page.nextCursor;
    } catch (error) {
      body.replaceChildren();
      setStatus(failure(error), 'error');
      return null;
    }
  }).start();
}

function row(flag: RedFlag): HTMLTableRowElement {
  const parameters = Object.entries(flag.parameters ?? {}).map(
    ([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
  );
  if (flag.policyRevision !== null && flag.policyRevision !== undefined) parameters.push(`revisi kebijakan: ${flag.policyRevision}`);
  return el(
    'tr',
    {},
    el('td', {}, date(flag.raisedAt)),
    el('td', {}, label(RULE_LABELS, flag.rule), el('br'), el('small', { class: 'muted' }, label(OUTCOME_LABELS, flag.outcome))),
    el('td', {}, el('span', { class: `badge flag-${flag.status}` }, label(STATUS_LABELS, flag.status))),
    el(
      'td',
      {},
      flag.opdCode ?? '–',
      flag.vendorId ? el('br') : null,
      flag.vendorId ? el('a', { href: `/penyedia.html?id=${encodeURIComponent(flag.vendorId)}` }, 'Penyedia') : null,
    ),
    // The finding as the rule wrote it (in English); the rule's name above is in Bahasa Indonesia.
    el('td', { lang: 'en' }, flag.summary),
    el('td', { class: 'num' }, flag.amountRupiah === null ? '–' : rupiah(flag.amountRupiah)),
    el('td', {}, el('ul', { class: 'plain' }, ...parameters.map((text) => el('li', {}, text)))),
    el(
      'td',
      {},
      el(
        'ul',
        { class: 'plain' },
        ...(flag.orderIds ?? []).map((orderId) =>
          el(
            'li',
            {},
            el(
              'a',
              { href: `/verifikasi.html?order=${encodeURIComponent(orderId)}`, 'aria-label': `Verifikasi pesanan ${orderId}` },
              el('code', {}, orderId.slice(0, 8)),
            ),
          ),
        ),
      ),
    ),
  );
}

function unavailable(): void {
  setStatus('');
  byId('tanda').replaceChildren(
    el(
      'div',
      { class: 'notice', id: 'belum-tersedia' },
      el('h2', {}, 'Belum tersedia'),
      el('p', {}, 'Daftar tanda bahaya belum tersedia di layanan ini. Halaman ini akan menampilkannya begitu pemeriksaan pola belanja dijalankan.'),
    ),
  );
}
