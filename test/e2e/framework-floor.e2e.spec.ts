import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/test-app.js';

/** The floor server starts NestJS from dist/ well within this; past it the test fails. */
const START_WAIT_MS = 15_000;
const SERVER = join(PROJECT_ROOT, 'bench', 'support', 'framework-route-server.mjs');

/**
 * The performance report's framework floor measures NestJS, Fastify and the service's validation of
 * the create-listing body: it must validate (a refused body is the service's problem+json 400), or
 * its rate would be that of an empty route.
 */
describe('the framework floor of the performance report', () => {
  let child: ChildProcess;
  let origin: string;

  beforeAll(async () => {
    child = spawn(process.execPath, [SERVER], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
    origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the framework-route server did not start within ${START_WAIT_MS} ms`)), START_WAIT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(chunk.toString());
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]!);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the framework-route server exited with ${code}`));
      });
    });
  }, START_WAIT_MS + 5_000);

  afterAll(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  const post = (body: unknown) =>
    fetch(`${origin}/vendors/0b6f3c9e-5b1d-4a57-9a49-2f0c1d7e8a11/listings`, {
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
