/**
 * The dashboard's one entry: each page loads only its own module (and Chart.js only where a
 * page draws charts), so a phone fetches little.
 */
const PAGES: Readonly<Record<string, () => Promise<{ start(): Promise<void> }>>> = {
  index: () => import('./pages/ringkasan.js'),
  transaksi: () => import('./pages/transaksi.js'),
  penyedia: () => import('./pages/penyedia.js'),
  katalog: () => import('./pages/katalog.js'),
  'tanda-bahaya': () => import('./pages/tanda-bahaya.js'),
  verifikasi: () => import('./pages/verifikasi.js'),
};

const page = PAGES[document.body.dataset.page ?? ''];
if (page) {
  void page()
    .then((module) => module.start())
    .finally(() => {
      // Tests and assistive tools can tell when the page has finished loading its data.
      document.body.dataset.ready = 'true';
    });
}
