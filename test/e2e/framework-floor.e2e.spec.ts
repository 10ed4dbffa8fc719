import { FLOOR_ROUTES, FloorServer, startFloorServer } from '../../bench/http-floor.js';

/** The floor server starts NestJS from dist/ within the bench's own bound; this leaves room for it. */
const START_TEST_TIMEOUT_MS = 20_000;

/**
 * The performance report's framework floor measures NestJS, Fastify and the service's validation of
 * the create-listing body: it must validate (a refused body is the service's problem+json 400), or
 * its rate would be that of an empty route.
 */
describe('the framework floor of the performance report', () => {
  let server: FloorServer;

  beforeAll(async () => {
    server = await startFloorServer('framework');
  }, START_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
  });

  const post = (body: unknown) =>
    fetch(`${server.origin}${FLOOR_ROUTES.framework.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers a valid create-listing body with 201', async () => {
    const answer = await post({ title: 'Nasi kotak', category: 'makan-minum', unit: 'kotak', priceRupiah: 25_000, isDomesticProduct: true });
    expect(answer.status).toBe(201);
    expect(await answer.json()).toMatchObject({ title: 'Nasi kotak', revision: 0 });
  });

  it('refuses an invalid one as the service does: problem+json 400 naming each field', async () => {
    const answer = await post({ title: '', category: 'makan-minum', unit: 'kotak', priceRupiah: 0, isDomesticProduct: true, extra: 1 });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await answer.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((error) => error.field).sort()).toEqual(['extra', 'priceRupiah', 'title']);
  });
});
