import { ApiError, failure, getJson } from '../lib/api.js';
import { byId, el, setStatus } from '../lib/dom.js';

/** Shown until the transparency log is part of this build. */
export async function start(): Promise<void> {
  const order = new URLSearchParams(location.search).get('order');
  if (order) byId<HTMLInputElement>('v-pesanan').value = order;
  try {
    await getJson<unknown>('/log/checkpoint');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      byId('hasil').hidden = false;
      byId('uji-ubah').hidden = true;
      byId('putusan').replaceChildren(
        el('div', { class: 'notice', id: 'belum-tersedia' }, el('h3', {}, 'Belum tersedia'), el('p', {}, 'Log transparansi belum tersedia di layanan ini, jadi transaksi belum dapat diverifikasi.')),
      );
      return;
    }
    setStatus(failure(error), 'error');
  }
}
