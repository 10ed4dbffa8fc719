import { type Page, failure, getJson, query } from '../lib/api.js';
import { byId, el, fillSelect, setStatus, table } from '../lib/dom.js';
import { date, rupiah } from '../lib/format.js';
import { CATEGORY_LABELS, REGIONS, label, regionLabel } from '../lib/labels.js';
import { Pager } from '../lib/pager.js';

interface Listing {
  readonly listingId: string;
  readonly vendorId: string;
  readonly vendorName: string;
  readonly title: string;
  readonly category: string;
  readonly unit: string;
  readonly priceRupiah: number;
  readonly isDomesticProduct: boolean;
  readonly priceChangeCount: number;
  readonly kabupatenKotaCode: string;
}
interface PricePoint {
  readonly priceRupiah: number;
  readonly previousPriceRupiah: number | null;
  readonly effectiveAt: string;
}

const PAGE_SIZE = 24;
const FILTERS = ['q', 'category', 'kabupatenKotaCode', 'minPriceRupiah', 'maxPriceRupiah'] as const;

export async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  byId<HTMLInputElement>('k-q').value = params.get('q') ?? '';
  fillSelect(byId<HTMLSelectElement>('k-kategori'), CATEGORY_LABELS, params.get('category'));
  fillSelect(byId<HTMLSelectElement>('k-wilayah'), REGIONS, params.get('kabupatenKotaCode'));
  byId<HTMLInputElement>('k-min').value = params.get('minPriceRupiah') ?? '';
  byId<HTMLInputElement>('k-max').value = params.get('maxPriceRupiah') ?? '';
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  const list = byId('hasil');
  const pager = new Pager(async (cursor) => {
    setStatus('Memuat data…');
    try {
      const page = await getJson<Page<Listing>>(`/public/catalog${query({ ...filters, limit: PAGE_SIZE, cursor })}`);
      list.replaceChildren(...page.items.map(card));
      setStatus(
        page.items.length === 0 ? 'Tidak ada produk yang cocok dengan pencarian ini.' : `${page.items.length} produk ditampilkan.`,
        page.items.length === 0 ? 'empty' : 'info',
      );
      return page.nextCursor;
    } catch (error) {
      list.replaceChildren();
      setStatus(failure(error), 'error');
      return null;
    }
  });
  await pager.start();
}

function card(listing: Listing): HTMLLIElement {
  const history = el('details', { class: 'history' }, el('summary', {}, `Riwayat harga (${listing.priceChangeCount} perubahan)`));
  history.addEventListener('toggle', () => void loadHistory(history, listing), { once: true });
  return el(
    'li',
    { class: 'card' },
    el('h2', { class: 'card-title' }, listing.title),
    el('p', { class: 'price' }, el('strong', {}, rupiah(listing.priceRupiah)), ` / ${listing.unit}`),
    el('p', { class: 'muted' }, label(CATEGORY_LABELS, listing.category), listing.isDomesticProduct ? ' · produk dalam negeri' : ''),
    el(
      'p',
      {},
      el('a', { href: `/penyedia.html?id=${encodeURIComponent(listing.vendorId)}` }, listing.vendorName),
      ` · ${regionLabel(listing.kabupatenKotaCode)}`,
    ),
    history,
  );
}

async function loadHistory(details: HTMLDetailsElement, listing: Listing): Promise<void> {
  const holder = el('div', { class: 'table-wrap' }, el('p', { class: 'muted' }, 'Memuat…'));
  details.append(holder);
  try {
    const data = await getJson<{ prices: Page<PricePoint> }>(`/public/catalog/${encodeURIComponent(listing.listingId)}?limit=100`);
    holder.replaceChildren(
      table(
        `Riwayat harga ${listing.title}`,
        [{ text: 'Berlaku sejak' }, { text: 'Harga', numeric: true }, { text: 'Sebelumnya', numeric: true }],
        data.prices.items.map((point) => [
          date(point.effectiveAt),
          rupiah(point.priceRupiah),
          point.previousPriceRupiah === null ? '–' : rupiah(point.previousPriceRupiah),
        ]),
      ),
    );
  } catch (error) {
    holder.replaceChildren(el('p', { class: 'error' }, failure(error)));
  }
}
