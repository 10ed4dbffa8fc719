import { ApiError, failure, getJson } from '../lib/api.js';
import { byId, el, setStatus } from '../lib/dom.js';

/** Shown until the red-flag read models are part of this build. */
export async function start(): Promise<void> {
  try {
    await getJson<unknown>('/public/red-flags');
    setStatus('');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      setStatus('');
      byId('tanda').replaceChildren(
        el('div', { class: 'notice', id: 'belum-tersedia' }, el('h2', {}, 'Belum tersedia'), el('p', {}, 'Daftar tanda bahaya belum tersedia di layanan ini. Halaman ini akan menampilkannya begitu pemeriksaan pola belanja dijalankan.')),
      );
      return;
    }
    setStatus(failure(error), 'error');
  }
}
