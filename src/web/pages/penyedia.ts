import { type Page, failure, getJson, query } from '../lib/api.js';
import { renderChart } from '../lib/charts.js';
import { byId, el, fillSelect, setStatus, table } from '../lib/dom.js';
import { count, date, month, rupiah } from '../lib/format.js';
import { CATEGORY_LABELS, REGIONS, SCALE_LABELS, VENDOR_STATUS_LABELS, label, regionLabel } from '../lib/labels.js';
import { Pager } from '../lib/pager.js';

interface VendorRow {
  readonly vendorId: string;
  readonly name: string;
  readonly scale: string;
  readonly kabupatenKotaCode: string;
  readonly isLocal: boolean;
  readonly status: string;
  readonly salesRupiah: number;
  readonly orderCount: number;
}
interface Group {
  readonly key: string;
  readonly label: string | null;
  readonly amountRupiah: number;
  readonly orderCount: number;
}
interface Listing {
  readonly listingId: string;
  readonly title: string;
  readonly category: string;
  readonly unit: string;
  readonly priceRupiah: number;
  readonly status: string;
  readonly priceHistory: { readonly priceRupiah: number; readonly effectiveAt: string }[];
}
interface Profile {
  readonly vendor: {
    readonly vendorId: string;
    readonly name: string;
    readonly legalForm: string;
    readonly scale: string;
    readonly kabupatenKotaCode: string;
    readonly isLocal: boolean;
    readonly status: string;
    readonly registeredAt: string;
    readonly verifiedAt: string | null;
  };
  readonly sales: {
    readonly totals: { readonly amountRupiah: number; readonly orderCount: number };
    readonly byMonth: Group[];
    readonly byCategory: Group[];
    readonly byOpd: Group[];
  };
  readonly listings: { readonly items: Listing[]; readonly truncated: boolean };
}

const PAGE_SIZE = 25;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const id = params.get('id');
  if (id && UUID.test(id)) return profile(id);
  return list(params);
}

async function list(params: URLSearchParams): Promise<void> {
  byId('daftar').hidden = false;
  const q = params.get('q') ?? '';
  const region = params.get('kabupatenKotaCode');
  byId<HTMLInputElement>('c-nama').value = q;
  fillSelect(byId<HTMLSelectElement>('c-wilayah'), REGIONS, region);
  const body = byId('tabel-penyedia').querySelector('tbody')!;
  const pager = new Pager(async (cursor) => {
    setStatus('Memuat data…');
    try {
      const page = await getJson<Page<VendorRow>>(`/public/vendors${query({ q, kabupatenKotaCode: region, limit: PAGE_SIZE, cursor })}`);
      body.replaceChildren(
        ...page.items.map((vendor) =>
          el(
            'tr',
            {},
            el('td', {}, el('a', { href: `/penyedia.html?id=${encodeURIComponent(vendor.vendorId)}` }, vendor.name)),
            el('td', { class: 'num' }, rupiah(vendor.salesRupiah)),
            el('td', { class: 'num' }, count(vendor.orderCount)),
            el('td', {}, label(SCALE_LABELS, vendor.scale)),
            el('td', {}, regionLabel(vendor.kabupatenKotaCode)),
            el('td', {}, label(VENDOR_STATUS_LABELS, vendor.status)),
          ),
        ),
      );
      setStatus(page.items.length === 0 ? 'Tidak ada penyedia yang cocok.' : '', page.items.length === 0 ? 'empty' : 'info');
      return page.nextCursor;
    } catch (error) {
      setStatus(failure(error), 'error');
      return null;
    }
  });
  await pager.start();
}

async function profile(vendorId: string): Promise<void> {
  try {
    const data = await getJson<Profile>(`/public/vendors/${encodeURIComponent(vendorId)}`);
    const { vendor, sales, listings } = data;
    document.title = `${vendor.name} · Penyedia · Transparansi Bela Pengadaan`;
    byId('judul').textContent = vendor.name;
    byId('profil').hidden = false;
    const fact = (term: string, value: string) => [el('dt', {}, term), el('dd', {}, value)];
    byId('profil-data').replaceChildren(
      ...fact('Skala usaha', label(SCALE_LABELS, vendor.scale)),
      ...fact('Bentuk usaha', vendor.legalForm.toUpperCase()),
      ...fact('Domisili', `${regionLabel(vendor.kabupatenKotaCode)}${vendor.isLocal ? ' (lokal Banten)' : ''}`),
      ...fact('Status', label(VENDOR_STATUS_LABELS, vendor.status)),
      ...fact('Terdaftar', date(vendor.registeredAt)),
    );
    byId('penjualan').replaceChildren(
      el(
        'div',
        { class: 'figure figure-wide' },
        el('dt', {}, 'Total penjualan dibayar'),
        el('dd', { id: 'penjualan-total', 'data-value': String(sales.totals.amountRupiah) }, rupiah(sales.totals.amountRupiah)),
      ),
      el('div', { class: 'figure' }, el('dt', {}, 'Transaksi dibayar'), el('dd', { id: 'penjualan-transaksi' }, count(sales.totals.orderCount))),
      el('div', { class: 'figure' }, el('dt', {}, 'Produk di katalog'), el('dd', {}, count(listings.items.length))),
    );
    renderChart(byId('grafik-penjualan'), {
      title: `Penjualan ${vendor.name} per bulan`,
      kind: 'bar',
      labels: sales.byMonth.map((group) => month(group.key)),
      values: sales.byMonth.map((group) => group.amountRupiah),
      valueHeader: 'Penjualan',
    });
    byId('tabel-kategori').replaceChildren(
      el(
        'div',
        { class: 'table-wrap' },
        table(
          'Penjualan per kategori dan pembeli',
          [{ text: 'Kategori atau OPD' }, { text: 'Transaksi', numeric: true }, { text: 'Penjualan', numeric: true }],
          [
            ...sales.byCategory.map((group) => [label(CATEGORY_LABELS, group.key), count(group.orderCount), rupiah(group.amountRupiah)]),
            ...sales.byOpd.map((group) => [`OPD: ${group.label ?? group.key}`, count(group.orderCount), rupiah(group.amountRupiah)]),
          ],
        ),
      ),
    );
    showListings(listings.items);
    setStatus('');
  } catch (error) {
    byId('daftar').hidden = true;
    setStatus(failure(error), 'error');
  }
}

function showListings(items: readonly Listing[]): void {
  const select = byId<HTMLSelectElement>('pilih-produk');
  select.replaceChildren(...items.map((listing) => el('option', { value: listing.listingId }, listing.title)));
  const draw = () => {
    const listing = items.find((item) => item.listingId === select.value);
    if (!listing) return;
    renderChart(byId('grafik-harga'), {
      title: `Riwayat harga ${listing.title} per ${listing.unit}`,
      kind: 'line',
      labels: listing.priceHistory.map((point) => date(point.effectiveAt)),
      values: listing.priceHistory.map((point) => point.priceRupiah),
      valueHeader: 'Harga',
    });
  };
  select.addEventListener('change', draw);
  select.disabled = items.length === 0;
  draw();
  byId('tabel-produk').replaceChildren(
    el(
      'div',
      { class: 'table-wrap' },
      table(
        'Produk penyedia ini',
        [{ text: 'Produk' }, { text: 'Kategori' }, { text: 'Harga', numeric: true }, { text: 'Perubahan harga', numeric: true }, { text: 'Status' }],
        items.map((listing) => [
          listing.title,
          label(CATEGORY_LABELS, listing.category),
          `${rupiah(listing.priceRupiah)} / ${listing.unit}`,
          count(Math.max(listing.priceHistory.length - 1, 0)),
          listing.status === 'active' ? 'Aktif' : 'Tidak dijual lagi',
        ]),
      ),
    ),
  );
}
