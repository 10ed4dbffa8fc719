import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, collectProblems, launchChromium, openPage, screenshot, seriousOrWorse } from './support/browser.js';
import { type SeededApp, startSeededApp } from './support/seeded-app.js';

const PROOF_POLLS_MAX = 150;
const PROOF_POLL_INTERVAL_MS = 200;

describe('Verifikasi transaksi in headless Chromium over a seeded ledger (browser)', () => {
  let log: SeededApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  const api = async (path: string): Promise<any> => {
    const response = await fetch(`${log.app.baseUrl}${path}`);
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return response.json();
  };
  /**
   * The log signs checkpoints a little after events land: wait (bounded) until every event of the
   * order (as the store holds it) is under one signed checkpoint, as the page will find it.
   */
  const signedProofOf = async (orderId: string): Promise<any> => {
    const stored = ((await api(`/public/transactions/${orderId}`)) as { events: unknown[] }).events.length;
    for (let poll = 0; poll < PROOF_POLLS_MAX; poll += 1) {
      const response = await fetch(`${log.app.baseUrl}/log/proofs/stream?streamId=order-${orderId}`);
      if (response.status === 200) {
        const body = (await response.json()) as { checkpoint: string | null; events: unknown[] };
        if (body.checkpoint && body.events.length === stored) return body;
      }
      await new Promise((resolve) => setTimeout(resolve, PROOF_POLL_INTERVAL_MS));
    }
    throw new Error(`no signed proof of order ${orderId} after ${PROOF_POLLS_MAX} polls`);
  };

  beforeAll(async () => {
    log = await startSeededApp('verify-transaction');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await log?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'id-ID', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = collectProblems(page);
  });

  afterEach(async () => {
    await context.close();
  });

  it("a paid transaction is proven in the page with the standalone verifier, in plain words; the page's changed-amount experiment fails", async () => {
    const [paid] = (await api('/public/transactions?status=paid&limit=1')).items;
    const key = await api('/log/key');
    const proof = await signedProofOf(paid.orderId);
    const placed = proof.events.find((event: { leaf: { type: string } }) => event.leaf.type === 'OrderPlaced');
    await openPage(page, `${log.app.baseUrl}/verifikasi.html`);
    await page.fill('#v-pesanan', paid.orderId);
    await Promise.all([page.waitForURL(/order=/), page.getByRole('button', { name: 'Verifikasi', exact: true }).click()]);
    await page.waitForSelector('body[data-ready="true"]');
    const verdict = page.locator('#putusan .verdict-ok .verdict-text');
    await verdict.waitFor();
    // The latest checkpoint may have grown since the proof above was fetched: the page names the size it checked.
    const text = await verdict.innerText();
    const match = /^Transaksi ini tercatat di log pada posisi (\d+) dari pohon berukuran (\d+), checkpoint ditandatangani oleh (.+)\.$/.exec(text);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBe(placed.leafIndex);
    expect(Number(match![2])).toBeGreaterThanOrEqual(proof.treeSize);
    expect(match![3]).toBe(key.origin);
    expect(await page.locator('#putusan tbody tr').count()).toBe(proof.events.length);
    expect(await page.locator('#fakta').innerText()).toContain(paid.orderId);
    await screenshot(page, 'verifikasi-terbukti');
    expect(seriousOrWorse(await axeViolations(page))).toEqual([]);

    await page.getByRole('button', { name: 'Coba dengan bukti yang diubah' }).click();
    const refused = page.locator('#putusan-ubah .verdict-fail');
    await refused.waitFor();
    expect(await refused.locator('h3').innerText()).toBe('Tidak terbukti');
    expect(await refused.locator('.verdict-text').innerText()).toMatch(/^Verifikasi gagal: /);
    expect(problems).toEqual([]);
  });

  it('a proof changed on its way to the browser (one hash flipped) is refused: the page says nothing was proven', async () => {
    const [paid] = (await api('/public/transactions?status=paid&limit=1&sort=totalRupiah')).items;
    await signedProofOf(paid.orderId);
    await page.route('**/log/proofs/stream*', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      const [first] = body.events;
      first.proof[0] = `${first.proof[0].startsWith('0') ? '1' : '0'}${first.proof[0].slice(1)}`;
      await route.fulfill({ response, json: body });
    });
    await openPage(page, `${log.app.baseUrl}/verifikasi.html?order=${paid.orderId}`);
    const failed = page.locator('#putusan .verdict-fail');
    await failed.waitFor();
    expect(await failed.locator('h3').innerText()).toBe('Tidak terbukti');
    expect(await page.locator('#putusan .verdict-ok').count()).toBe(0);
    await screenshot(page, 'verifikasi-gagal');
    expect(problems).toEqual([]);
  });
});
