import { ApiError, failure, getJson } from '../lib/api.js';
import { byId, el, setStatus, table } from '../lib/dom.js';
import { dateTime, rupiah } from '../lib/format.js';
import { ORDER_STATUS_LABELS, label, regionLabel } from '../lib/labels.js';

type Verifier = typeof import('../../verifier/index.js');
type LeafRecord = import('../../verifier/index.js').LeafRecord;

/**
 * The standalone verifier, as published at this URL (the same file anyone can download and run
 * in Node): the page checks with it, not with code of its own.
 */
const VERIFIER_URL = '/verifier.js';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface PublicTransaction {
  readonly transaction: {
    readonly orderId: string;
    readonly placedAt: string;
    readonly status: string;
    readonly opdName: string;
    readonly kabupatenKotaCode: string;
    readonly vendorName: string;
    readonly totalRupiah: number;
  } | null;
  readonly events: { readonly eventId: string; readonly type: string; readonly publicView: unknown }[];
}
interface LogKey {
  readonly origin: string;
  readonly verifierKey: string;
}
interface StreamProof {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly checkpoint: string | null;
  readonly signedAt: string | null;
  readonly events: { readonly leafIndex: number; readonly leaf: LeafRecord; readonly proof: string[] }[];
}

const EVENT_LABELS: Readonly<Record<string, string>> = {
  OrderPlaced: 'Dipesan',
  OrderAuthorised: 'Dana ditahan di KKP',
  OrderDeclined: 'Kartu menolak',
  OrderAccepted: 'Diterima penyedia',
  OrderRejected: 'Ditolak penyedia',
  OrderShipped: 'Dikirim',
  OrderReceived: 'Diterima OPD (BAST)',
  OrderPaid: 'Dibayar',
  OrderCancelled: 'Dibatalkan',
  OrderHoldExpired: 'Penahanan dana kedaluwarsa',
};

export async function start(): Promise<void> {
  const order = new URLSearchParams(location.search).get('order')?.trim() ?? '';
  byId<HTMLInputElement>('v-pesanan').value = order;
  if (order === '') return;
  if (!UUID.test(order)) {
    setStatus('Nomor pesanan harus berupa UUID, misalnya 0b000000-0000-4000-8000-000000000001.', 'error');
    return;
  }
  setStatus('Mengambil data transaksi, bukti dan checkpoint…');
  let key: LogKey;
  try {
    key = await getJson<LogKey>('/log/key');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return unavailable();
    setStatus(failure(error), 'error');
    return;
  }
  try {
    const [publicView, proof, verifier] = await Promise.all([
      getJson<PublicTransaction>(`/public/transactions/${order}`),
      getJson<StreamProof>(`/log/proofs/stream?streamId=order-${order}`),
      import(VERIFIER_URL) as Promise<Verifier>,
    ]);
    showFacts(publicView);
    byId('hasil').hidden = false;
    const verdict = await verify(verifier, publicView, proof, key);
    byId('putusan').replaceChildren(verdict);
    const tamper = byId<HTMLButtonElement>('uji-ubah');
    tamper.hidden = !proof.checkpoint || proof.events.length === 0;
    tamper.addEventListener('click', () => void tampered(verifier, publicView, proof, key));
    setStatus('');
  } catch (error) {
    if (error instanceof ApiError && error.code === 'LOG_LEAF_NOT_FOUND') {
      setStatus(
        'Transaksi ini belum tercatat di checkpoint terakhir log. Log menandatangani checkpoint baru setiap beberapa detik: coba lagi sebentar lagi.',
        'empty',
      );
      return;
    }
    setStatus(failure(error), 'error');
  }
}

function unavailable(): void {
  setStatus('');
  byId('hasil').hidden = false;
  byId('uji-ubah').hidden = true;
  byId('putusan').replaceChildren(
    el(
      'div',
      { class: 'notice', id: 'belum-tersedia' },
      el('h3', {}, 'Belum tersedia'),
      el('p', {}, 'Log transparansi belum tersedia di layanan ini, jadi transaksi belum dapat diverifikasi.'),
    ),
  );
}

function showFacts(data: PublicTransaction): void {
  const tx = data.transaction;
  if (!tx) return;
  const fact = (term: string, value: string) => [el('dt', {}, term), el('dd', {}, value)];
  byId('fakta').replaceChildren(
    ...fact('Pesanan', tx.orderId),
    ...fact('Dipesan', dateTime(tx.placedAt)),
    ...fact('OPD', `${tx.opdName} (${regionLabel(tx.kabupatenKotaCode)})`),
    ...fact('Penyedia', tx.vendorName),
    ...fact('Total', rupiah(tx.totalRupiah)),
    ...fact('Status', label(ORDER_STATUS_LABELS, tx.status)),
  );
}

/** Canonical JSON (RFC 8785) of two values, compared: the verifier's own encoding. */
function sameJson(verifier: Verifier, left: unknown, right: unknown): boolean {
  return verifier.bytesEqual(verifier.canonicalBytes(left ?? null), verifier.canonicalBytes(right ?? null));
}

/**
 * Checks every event of the order: each leaf is under the signed checkpoint's root at its index,
 * and each leaf's public view is what this page shows (so the figures above are the logged ones).
 */
async function verify(verifier: Verifier, data: PublicTransaction, proof: StreamProof, key: LogKey): Promise<HTMLElement> {
  if (!proof.checkpoint) return verdictFail('Tidak ada checkpoint bertanda tangan untuk ukuran pohon ini.');
  const rows: string[][] = [];
  try {
    for (const event of proof.events) {
      await verifier.verifyEventInclusion(
        { leafIndex: event.leafIndex, treeSize: proof.treeSize, leaf: event.leaf, proof: event.proof, checkpoint: proof.checkpoint },
        key.verifierKey,
        key.origin,
      );
      const shown = data.events.find((candidate) => candidate.eventId === event.leaf.eventId);
      if (!shown || !sameJson(verifier, shown.publicView, event.leaf.publicView)) {
        throw new verifier.VerificationError(`peristiwa ${event.leaf.eventId} di log berbeda dari data publik yang ditampilkan`);
      }
      rows.push([String(event.leafIndex), label(EVENT_LABELS, event.leaf.type), dateTime(event.leaf.recordedAt), 'terbukti']);
    }
  } catch (error) {
    return verdictFail(reason(error));
  }
  const placed = proof.events.find((event) => event.leaf.type === 'OrderPlaced') ?? proof.events[0]!;
  const checkpoint = await verifier.openCheckpoint(proof.checkpoint, await verifier.parseVerifierKey(key.verifierKey), key.origin);
  return el(
    'div',
    { class: 'verdict verdict-ok', id: 'terbukti' },
    el('h3', {}, 'Terbukti'),
    el(
      'p',
      { class: 'verdict-text' },
      `Transaksi ini tercatat di log pada posisi ${placed.leafIndex} dari pohon berukuran ${proof.treeSize}, checkpoint ditandatangani oleh ${checkpoint.origin}.`,
    ),
    el(
      'p',
      {},
      `Semua ${proof.events.length} peristiwa transaksi ini diperiksa di peramban Anda: tanda tangan Ed25519 checkpoint sah untuk kunci ${key.verifierKey.split('+').slice(0, 2).join('+')}, setiap daun berada di bawah akar pohon ${proof.rootHash.slice(0, 16)}…, dan isi publik setiap daun sama dengan data di halaman ini.`,
    ),
    el(
      'div',
      { class: 'table-wrap' },
      table('Peristiwa yang terbukti', [{ text: 'Posisi di log', numeric: true }, { text: 'Peristiwa' }, { text: 'Dicatat' }, { text: 'Hasil' }], rows),
    ),
    el('p', { class: 'muted' }, `Verifikator: ${VERIFIER_URL} (dapat diunduh dan dijalankan sendiri). Checkpoint ditandatangani ${dateTime(proof.signedAt)}.`),
  );
}

/** The same check over a copy whose first leaf claims a different amount: it must fail. */
async function tampered(verifier: Verifier, data: PublicTransaction, proof: StreamProof, key: LogKey): Promise<void> {
  const [first, ...rest] = proof.events;
  if (!first) return;
  const view = (first.leaf.publicView ?? {}) as Record<string, unknown>;
  const changedView = { ...view, totalRupiah: Number(view.totalRupiah ?? 0) + 1 };
  const changed: StreamProof = { ...proof, events: [{ ...first, leaf: { ...first.leaf, publicView: changedView } }, ...rest] };
  const withChangedData: PublicTransaction = {
    ...data,
    events: data.events.map((event) => (event.eventId === first.leaf.eventId ? { ...event, publicView: changedView } : event)),
  };
  const verdict = await verify(verifier, withChangedData, changed, key);
  verdict.id = 'hasil-ubah';
  byId('putusan-ubah').replaceChildren(
    el(
      'p',
      {},
      `Percobaan: total peristiwa pertama diubah menjadi ${rupiah(Number(changedView.totalRupiah))}, lalu diperiksa lagi dengan bukti dan checkpoint yang sama.`,
    ),
    verdict,
  );
}

function verdictFail(why: string): HTMLElement {
  return el(
    'div',
    { class: 'verdict verdict-fail', id: 'gagal' },
    el('h3', {}, 'Tidak terbukti'),
    el(
      'p',
      { class: 'verdict-text' },
      'Verifikasi gagal: bukti, checkpoint dan data transaksi tidak cocok satu sama lain, jadi tidak ada yang terbukti. Rincian dari verifikator: ',
      // The verifier's own words (English, except the page's own checks).
      el('span', { lang: 'en' }, why),
    ),
  );
}

function reason(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
