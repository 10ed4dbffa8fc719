import { RefusalCheck, inBatches, valuesFor, wholeBodies } from '../support/hostile-input.js';
import { OPD, issueCard, orderBody, pollUntil, sellingVendor } from '../support/purchase-session.js';
import { TestApp } from '../support/test-app.js';

const JUTA = 1_000_000;
const REASON = 'harga dan jumlah sesuai kebutuhan rapat tahunan, bukan pemecahan paket';
/** How long to wait for a policy set a moment ahead to take effect (it may not start in the past). */
const POLICY_LEAD_MS = 1_500;
const HOSTILE_PARALLEL = 8;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('red flags over HTTP: a split purchase flagged by default, refused under a refusing policy (e2e)', () => {
  let app: TestApp;
  let admin: string;
  let auditor: string;
  let buyer: string;
  beforeAll(async () => {
    app = await TestApp.start();
    admin = app.issueKey('admin');
    auditor = app.issueKey('auditor');
    buyer = app.issueKey('buyer', { opdCode: OPD });
  });
  afterAll(async () => {
    await app.close();
  });

  it('flags two Rp 50,000,000 orders to one vendor on one card, lets an auditor review the flag, shows it publicly without the reason, then refuses a third under a refusing policy and records the attempt', async () => {
    const vendor = await sellingVendor(app, admin, [1 * JUTA, 100_000]);
    const other = await sellingVendor(app, admin, [100_000]);
    const cardId = await issueCard(app, admin, 500 * JUTA);
    const place = (key: string, seller = vendor, quantity = 50) =>
      app.request('POST', '/orders', { token: buyer, body: orderBody(seller, cardId, [{ listingIndex: 0, quantity }]), headers: { 'idempotency-key': key } });

    // Default policy ('flag'): both orders are placed.
    const first = await place('split-a');
    const second = await place('split-b');
    expect([first.status, second.status]).toEqual([201, 201]);
    // Both are authorised on the card (the process manager); wait, so event counts below see only this test's writes.
    for (const order of [first, second])
      expect((await pollUntil(app, buyer, `/orders/${order.body.orderId}`, (body) => body.status !== 'placed')).status).toBe('authorised');

    const flags = await app.request('GET', `/admin/red-flags?rule=split-purchase&waitForPosition=${second.body.position}`, { token: auditor });
    expect(flags.status).toBe(200);
    expect(flags.body.items).toEqual([
      expect.objectContaining({
        rule: 'split-purchase',
        outcome: 'flagged',
        status: 'open',
        opdCode: OPD,
        vendorId: vendor.vendorId,
        amountRupiah: 100 * JUTA,
        orderIds: [first.body.orderId, second.body.orderId],
        policyRevision: 0,
        parameters: expect.objectContaining({ maxOrderTotalRupiah: 50 * JUTA, splitWindowDays: 30, splitPurchaseAction: 'flag' }),
      }),
    ]);
    const flagId: string = flags.body.items[0].flagId;
    expect(flags.body.items[0].events.map((event: { type: string }) => event.type)).toEqual(['OrderPlaced', 'OrderPlaced']);
    const byRule = await app.request('GET', `/admin/red-flags?vendorId=${vendor.vendorId}&limit=50`, { token: admin });
    expect(byRule.body.items.map((item: { rule: string }) => item.rule).sort()).toEqual([
      'duplicate-payment',
      'near-cap',
      'near-cap',
      'new-vendor-large-order',
      'new-vendor-large-order',
      'split-purchase',
    ]);

    // Reviews: 403 for a buyer, 404 for an unknown flag, 400 without a reason, then a dismissal.
    const reviewPath = `/admin/red-flags/${flagId}/review`;
    expect(
      (await app.request('POST', reviewPath, { token: buyer, body: { status: 'dismissed', reason: REASON }, headers: { 'idempotency-key': 'r0' } })).status,
    ).toBe(403);
    const unknown = await app.request('POST', '/admin/red-flags/99999999-9999-5999-8999-999999999999/review', {
      token: auditor,
      body: { status: 'dismissed', reason: REASON },
      headers: { 'idempotency-key': 'r1' },
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'RED_FLAG_NOT_FOUND']);
    expect((await app.request('POST', reviewPath, { token: auditor, body: { status: 'dismissed' }, headers: { 'idempotency-key': 'r2' } })).status).toBe(400);
    expect(
      (await app.request('POST', reviewPath, { token: auditor, body: { status: 'dismissed', reason: '  ' }, headers: { 'idempotency-key': 'r3' } })).status,
    ).toBe(400);
    const eventsBefore = await app.eventCount();
    const dismissed = await app.request('POST', reviewPath, {
      token: auditor,
      body: { status: 'dismissed', reason: REASON },
      headers: { 'idempotency-key': 'r4', 'if-match': '"-1"' },
    });
    expect(dismissed.status).toBe(201);
    expect(dismissed.body.events).toEqual([expect.objectContaining({ type: 'RedFlagReviewed' })]);
    expect(await app.eventCount()).toBe(eventsBefore + 1);
    const stale = await app.request('POST', reviewPath, {
      token: admin,
      body: { status: 'confirmed', reason: 'dipecah' },
      headers: { 'idempotency-key': 'r5', 'if-match': '"-1"' },
    });
    expect([stale.status, stale.body.code]).toEqual([412, 'REVISION_MISMATCH']);

    const reviewed = await app.request('GET', `/admin/red-flags/${flagId}?waitForPosition=${dismissed.body.position}`, { token: admin });
    expect(reviewed.body).toMatchObject({ status: 'dismissed', reviewReason: REASON, reviewedRole: 'auditor', reviewCount: 1 });
    expect(reviewed.headers.get('etag')).toBe('"0"');
    const publicOne = await app.request('GET', `/public/red-flags/${flagId}`);
    expect(publicOne.status).toBe(200);
    expect(publicOne.body).toMatchObject({ flagId, rule: 'split-purchase', status: 'dismissed', orderIds: [first.body.orderId, second.body.orderId] });
    expect(JSON.stringify(publicOne.body)).not.toContain(REASON);
    expect(publicOne.body).not.toHaveProperty('reviewedBy');
    const publicList = await app.request('GET', '/public/red-flags?status=dismissed');
    expect(publicList.body.items.map((item: { flagId: string }) => item.flagId)).toEqual([flagId]);
    expect(JSON.stringify(publicList.body)).not.toContain(REASON);
    expect((await app.request('GET', '/public/red-flags/99999999-9999-5999-8999-999999999999')).status).toBe(404);
    expect((await app.request('GET', '/public/red-flags?rule=bribery')).status).toBe(400);

    // A refusing policy: the third order to the same vendor within the window is refused and recorded.
    const effectiveFrom = new Date(Date.now() + POLICY_LEAD_MS).toISOString();
    const policy = await app.request('POST', '/policy', {
      token: admin,
      body: {
        effectiveFrom,
        maxOrderTotalRupiah: 50 * JUTA,
        kkpPerPayeeCapRupiah: 50 * JUTA,
        domesticUmkAllowanceEnabled: false,
        domesticUmkKkpCapRupiah: 200 * JUTA,
        eligibleScales: ['mikro', 'kecil', 'koperasi'],
        authorisationTtlDays: 30,
        splitWindowDays: 30,
        splitPurchaseAction: 'refuse',
      },
      headers: { 'idempotency-key': 'policy-refuse' },
    });
    expect(policy.status).toBe(201);
    await sleep(Date.parse(effectiveFrom) - Date.now() + 100);

    const eventsBeforeRefusal = await app.eventCount();
    const refused = await place('split-c', vendor, 20);
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      code: 'SPLIT_PURCHASE',
      rule: 'split-purchase',
      splitWindowDays: 30,
      maxOrderTotalRupiah: 50 * JUTA,
      totalRupiah: 20 * JUTA,
      sumRupiah: 120 * JUTA,
      policyRevision: 1,
      earlierOrders: [
        expect.objectContaining({ orderId: first.body.orderId, totalRupiah: 50 * JUTA }),
        expect.objectContaining({ orderId: second.body.orderId, totalRupiah: 50 * JUTA }),
      ],
    });
    const refusalFlagId: string = refused.body.flagId;
    expect((await app.store.readStream(`redflag-${refusalFlagId}`)).map((event) => event.type)).toEqual(['SplitPurchaseRefused']);
    expect(await app.eventCount()).toBe(eventsBeforeRefusal + 1);
    expect((await app.request('GET', `/orders/${refused.body.orderId}`, { token: admin })).status).toBe(404);
    // A retry with the same key is refused again and records nothing new.
    expect((await place('split-c', vendor, 20)).status).toBe(422);
    expect(await app.eventCount()).toBe(eventsBeforeRefusal + 1);

    const refusals = await app.request('GET', `/admin/red-flags?outcome=refused&waitForPosition=${refused.body.refusalPosition}`, { token: auditor });
    expect(refusals.body.items).toEqual([
      expect.objectContaining({ flagId: refusalFlagId, rule: 'split-purchase', outcome: 'refused', policyRevision: 1, amountRupiah: 120 * JUTA }),
    ]);

    // Another vendor is another pair: placed.
    expect((await place('other-vendor', other, 10)).status).toBe(201);
  });

  it('answers hostile reviews and queries with a 4xx problem+json and writes nothing', async () => {
    const vendor = await sellingVendor(app, admin, [1 * JUTA]);
    const cardId = await issueCard(app, admin, 100 * JUTA);
    const placed = await app.request('POST', '/orders', {
      token: buyer,
      body: orderBody(vendor, cardId, [{ listingIndex: 0, quantity: 49 }]),
      headers: { 'idempotency-key': 'hostile-near-cap' },
    });
    const flags = await app.request('GET', `/admin/red-flags?rule=near-cap&vendorId=${vendor.vendorId}&waitForPosition=${placed.body.position}`, {
      token: admin,
    });
    const flagId: string = flags.body.items[0].flagId;
    // The card authorisation follows the placement: wait for it, so that nothing else writes during the sweep.
    await pollUntil(app, buyer, `/orders/${placed.body.orderId}`, (order) => order.status !== 'placed');
    const path = `/admin/red-flags/${flagId}/review`;
    const base = { status: 'confirmed', reason: 'dipecah' };
    const check = new RefusalCheck();
    const eventsBefore = await app.eventCount();
    const tasks: (() => Promise<void>)[] = [];
    // 600 emoji are a valid reason (up to 1,000 characters): not hostile here.
    const validReason = '😀'.repeat(600);
    for (const [field, kind] of [
      ['status', 'code'],
      ['reason', 'text'],
    ] as const) {
      for (const [n, value] of valuesFor(kind)
        .filter((candidate) => candidate !== validReason)
        .entries()) {
        tasks.push(async () => check.check(`${field} #${n}`, await app.request('POST', path, { token: auditor, body: { ...base, [field]: value } })));
      }
    }
    for (const { label, rawBody } of wholeBodies(base))
      tasks.push(async () => check.check(label, await app.request('POST', path, { token: auditor, rawBody })));
    for (const query of [
      'rule=bribery',
      'status=closed',
      'from=yesterday',
      'from=2025-W05',
      'to=2025-02-30',
      'limit=0',
      'limit=100000',
      'cursor=%00',
      'sort=reason',
      'vendorId=1',
      'opdCode=%3Cscript%3E',
      'asOf=2025-01-01',
    ]) {
      tasks.push(async () => check.check(`public ${query}`, await app.request('GET', `/public/red-flags?${query}`)));
      tasks.push(async () => check.check(`admin ${query}`, await app.request('GET', `/admin/red-flags?${query}`, { token: admin })));
    }
    for (const id of ['1', 'not-a-uuid', '0A000000-0000-4000-8000-000000000001']) {
      tasks.push(async () => check.check(`public id ${id}`, await app.request('GET', `/public/red-flags/${id}`)));
      tasks.push(async () => check.check(`review id ${id}`, await app.request('POST', `/admin/red-flags/${id}/review`, { token: admin, body: base })));
    }
    await inBatches(tasks, HOSTILE_PARALLEL);
    expect(check.sent).toBeGreaterThan(50);
    expect(check.failures).toEqual([]);
    expect(await app.eventCount()).toBe(eventsBefore);
  });
});
