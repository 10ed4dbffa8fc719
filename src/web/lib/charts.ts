import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { el, table } from './dom.js';
import { rupiah } from './format.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip);

/** Colours with at least 4.5:1 against white (WCAG AA), for bars and lines. */
const INK = '#1f4e8c';
const GRID = '#d9dee5';
const TEXT = '#333b45';
const COMPACT = new Intl.NumberFormat('id-ID', { notation: 'compact', maximumFractionDigits: 1 });
/** Axis labels longer than this are cut (the table alternative has them whole). */
const AXIS_LABEL_CHARS_MAX = 26;

function shortLabel(text: string): string {
  return text.length > AXIS_LABEL_CHARS_MAX ? `${text.slice(0, AXIS_LABEL_CHARS_MAX - 1)}…` : text;
}

export interface Series {
  readonly title: string;
  readonly labels: readonly string[];
  readonly values: readonly number[];
  /** Extra columns for the table alternative (e.g. the UMK share). */
  readonly extra?: { readonly header: string; readonly numeric?: boolean; readonly cells: readonly string[] };
  readonly kind: 'bar' | 'line';
  /** Horizontal bars read better with long labels (OPD, vendor names). */
  readonly horizontal?: boolean;
  readonly valueHeader?: string;
  readonly format?: (value: number) => string;
}

/**
 * A chart and its data as a table: the canvas is an image with a summary for screen readers,
 * the table (under "Lihat sebagai tabel") carries every value.
 */
export function renderChart(container: HTMLElement, series: Series): Chart {
  const format = series.format ?? rupiah;
  container.replaceChildren();
  if (series.values.length === 0) {
    container.append(el('p', { class: 'muted' }, 'Belum ada data.'));
  }
  const top = series.values.reduce((best, value, index) => (value > (series.values[best] ?? -Infinity) ? index : best), 0);
  const summary =
    series.values.length > 0
      ? `${series.title}: ${series.values.length} nilai; tertinggi ${series.labels[top]} ${format(series.values[top] ?? 0)}.`
      : `${series.title}: belum ada data.`;
  const canvas = el('canvas', { role: 'img', 'aria-label': summary });
  const frame = el('div', { class: series.horizontal ? 'chart chart-tall' : 'chart' }, canvas);
  const headers = [{ text: series.kind === 'line' ? 'Bulan' : 'Nama' }, { text: series.valueHeader ?? 'Nilai', numeric: true }];
  if (series.extra) headers.push({ text: series.extra.header, numeric: series.extra.numeric ?? true });
  const rows = series.labels.map((labelText, index) => {
    const row: string[] = [labelText, format(series.values[index] ?? 0)];
    if (series.extra) row.push(series.extra.cells[index] ?? '');
    return row;
  });
  const details = el(
    'details',
    { class: 'chart-table' },
    el('summary', {}, 'Lihat sebagai tabel'),
    el('div', { class: 'table-wrap' }, table(series.title, headers, rows)),
  );
  container.append(frame, details);
  const config: ChartConfiguration<'bar' | 'line'> = {
    type: series.kind,
    data: {
      labels: [...series.labels],
      datasets: [
        {
          label: series.valueHeader ?? series.title,
          data: [...series.values],
          backgroundColor: INK,
          borderColor: INK,
          borderWidth: series.kind === 'line' ? 2 : 0,
          pointRadius: 3,
        },
      ],
    },
    options: {
      indexAxis: series.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { tooltip: { callbacks: { title: (items) => series.labels[items[0]?.dataIndex ?? 0] ?? '', label: (item) => format(Number(item.raw)) } } },
      scales: {
        [series.horizontal ? 'x' : 'y']: {
          beginAtZero: true,
          grid: { color: GRID },
          ticks: { color: TEXT, callback: (value: string | number) => COMPACT.format(Number(value)) },
        },
        [series.horizontal ? 'y' : 'x']: {
          grid: { display: false },
          ticks: { color: TEXT, autoSkip: !series.horizontal, callback: (_value: string | number, index: number) => shortLabel(series.labels[index] ?? '') },
        },
      },
    },
  };
  return new Chart(canvas, config);
}
