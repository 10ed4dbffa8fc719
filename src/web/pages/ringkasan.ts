import { failure, getJson } from '../lib/api.js';
import { renderChart } from '../lib/charts.js';
import { byId, el, setStatus } from '../lib/dom.js';
import { count, month, percent, rupiah } from '../lib/format.js';
import { CATEGORY_LABELS, label, regionLabel } from '../lib/labels.js';

interface Shares {
  readonly amountRupiah: number;
  readonly orderCount: number;
  readonly umkKoperasiRupiah: number;
  readonly umkKoperasiSharePercent: number | null;
  readonly localRupiah: number;
  readonly localSharePercent: number | null;
  readonly meetsUmkKoperasiTarget: boolean | null;
}
interface Summary {
  readonly spending: Shares;
  readonly counts: {
    readonly paidOrders: number;
    readonly verifiedVendors: number;
    readonly activeListings: number;
    readonly opds: number;
    readonly firstMonth: string | null;
    readonly lastMonth: string | null;
  };
  readonly targetPercent: number;
  readonly targetRule: string;
}
interface Group extends Shares {
  readonly key: string;
  readonly label: string | null;
}

/** Bars per breakdown: the largest groups; the table alternative shows the same rows. */
const TOP_GROUPS = 10;
const MONTHS_MAX = 120;

const spending = (by: string, sort: string, limit: number): Promise<{ items: Group[] }> => getJson(`/public/spending?by=${by}&sort=${sort}&limit=${limit}`);

export async function start(): Promise<void> {
  try {
    const [summary, byMonth, byRegion, byCategory, byOpd, byVendor] = await Promise.all([
      getJson<Summary>('/public/summary'),
      spending('month', 'key', MONTHS_MAX),
      spending('kabupaten-kota', '-amountRupiah', TOP_GROUPS),
      spending('category', '-amountRupiah', TOP_GROUPS),
      spending('opd', '-amountRupiah', TOP_GROUPS),
      spending('vendor', '-amountRupiah', TOP_GROUPS),
    ]);
    showFigures(summary);
    showTarget(summary);
    const share = (groups: readonly Group[]) => ({ header: 'Porsi UMK/koperasi', cells: groups.map((group) => percent(group.umkKoperasiSharePercent)) });
    renderChart(byId('grafik-bulan'), {
      title: 'Belanja dibayar per bulan',
      kind: 'bar',
      labels: byMonth.items.map((group) => month(group.key)),
      values: byMonth.items.map((group) => group.amountRupiah),
      valueHeader: 'Belanja dibayar',
      extra: share(byMonth.items),
    });
    renderChart(byId('grafik-wilayah'), {
      title: 'Belanja per kabupaten/kota pembeli',
      kind: 'bar',
      horizontal: true,
      labels: byRegion.items.map((group) => regionLabel(group.key)),
      values: byRegion.items.map((group) => group.amountRupiah),
      valueHeader: 'Belanja dibayar',
      extra: share(byRegion.items),
    });
    renderChart(byId('grafik-kategori'), {
      title: 'Belanja per kategori',
      kind: 'bar',
      horizontal: true,
      labels: byCategory.items.map((group) => label(CATEGORY_LABELS, group.key)),
      values: byCategory.items.map((group) => group.amountRupiah),
      valueHeader: 'Belanja dibayar',
    });
    renderChart(byId('grafik-opd'), {
      title: `${TOP_GROUPS} OPD dengan belanja terbesar`,
      kind: 'bar',
      horizontal: true,
      labels: byOpd.items.map((group) => group.label ?? group.key),
      values: byOpd.items.map((group) => group.amountRupiah),
      valueHeader: 'Belanja dibayar',
      extra: share(byOpd.items),
    });
    renderChart(byId('grafik-penyedia'), {
      title: `${TOP_GROUPS} penyedia dengan penjualan terbesar`,
      kind: 'bar',
      horizontal: true,
      labels: byVendor.items.map((group) => group.label ?? group.key),
      values: byVendor.items.map((group) => group.amountRupiah),
      valueHeader: 'Penjualan',
    });
    setStatus('');
  } catch (error) {
    setStatus(failure(error), 'error');
  }
}

function showFigures(summary: Summary): void {
  const set = (id: string, text: string, raw: number | string) => {
    const element = byId(id);
    element.textContent = text;
    element.dataset.value = String(raw);
  };
  set('angka-total', rupiah(summary.spending.amountRupiah), summary.spending.amountRupiah);
  set('angka-transaksi', count(summary.counts.paidOrders), summary.counts.paidOrders);
  set('angka-penyedia', count(summary.counts.verifiedVendors), summary.counts.verifiedVendors);
  set('angka-produk', count(summary.counts.activeListings), summary.counts.activeListings);
  set('angka-opd', count(summary.counts.opds), summary.counts.opds);
  const { firstMonth, lastMonth } = summary.counts;
  set('angka-periode', firstMonth && lastMonth ? `${month(firstMonth)} – ${month(lastMonth)}` : '–', `${firstMonth ?? ''}/${lastMonth ?? ''}`);
}

function showTarget(summary: Summary): void {
  byId('target-aturan').textContent =
    `${summary.targetRule}: sekurang-kurangnya ${summary.targetPercent}% belanja barang/jasa untuk usaha mikro, usaha kecil dan koperasi.`;
  const meter = (id: string, title: string, share: number | null, amount: number, note: string) => {
    const value = share ?? 0;
    // Widths through the CSSOM: the content security policy allows no style attributes.
    const fill = el('span', { class: 'bar-fill' });
    fill.style.width = `${Math.min(100, Math.max(0, value))}%`;
    const target = el('span', { class: 'bar-target', title: `target ${summary.targetPercent}%` });
    target.style.left = `${summary.targetPercent}%`;
    const bar = el('div', { class: 'bar', 'aria-hidden': 'true' }, fill, target);
    return el(
      'div',
      { class: 'target', id },
      el('h3', {}, title),
      el('p', { class: 'target-value' }, el('strong', { 'data-value': String(share ?? '') }, percent(share)), ` (${rupiah(amount)})`),
      bar,
      el('p', { class: 'muted' }, note),
    );
  };
  const spendingShares = summary.spending;
  const met = spendingShares.meetsUmkKoperasiTarget;
  byId('target').replaceChildren(
    meter(
      'target-umk',
      'Porsi usaha mikro, kecil dan koperasi',
      spendingShares.umkKoperasiSharePercent,
      spendingShares.umkKoperasiRupiah,
      met === null ? 'Belum ada belanja.' : met ? `Memenuhi target ${summary.targetPercent}%.` : `Belum memenuhi target ${summary.targetPercent}%.`,
    ),
    meter(
      'target-lokal',
      'Porsi penyedia berdomisili di Banten',
      spendingShares.localSharePercent,
      spendingShares.localRupiah,
      'Belanja kepada penyedia lokal Banten.',
    ),
  );
}
