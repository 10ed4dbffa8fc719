/**
 * Layer rules (docs/architecture.md), checked in the test run by test/unit/architecture.spec.ts.
 * The domain, the kernel and the projections are pure: no framework, no validation library,
 * no I/O, no clock-driven or random ids.
 */
const IMPURE_PACKAGES = [
  '@nestjs/[^/]+',
  'class-validator',
  'class-transformer',
  'better-sqlite3',
  'kafkajs',
  '@eventstore/[^/]+',
  'fastify',
  '@fastify/[^/]+',
];
const IMPURE_BUILTINS = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'dns', 'tls', 'worker_threads', 'cluster'];
// Packages resolve to node_modules/<name>/...; builtins stay bare (with or without node:).
const IMPURE = [...IMPURE_PACKAGES.map((name) => `(^|/)node_modules/${name}/`), ...IMPURE_BUILTINS.map((name) => `^(node:)?${name}$`)];

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ folders hold deciders: no Nest, no class-validator, no I/O',
      severity: 'error',
      from: { path: '(^|/)src/[^/]+/domain/' },
      to: { path: IMPURE.join('|'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-has-no-ids-or-clock',
      comment: 'deciders get time and ids in the command; they never make them',
      severity: 'error',
      from: { path: '(^|/)src/[^/]+/domain/' },
      to: { path: '(^|/)src/kernel/(ids|clock)\\.ts$|^(node:)?crypto$' },
    },
    {
      name: 'domain-depends-only-on-domain-and-kernel',
      comment: 'a domain may use the kernel and other domains, never application/http/infrastructure code',
      severity: 'error',
      from: { path: '(^|/)src/[^/]+/domain/' },
      to: { path: '^src/', pathNot: '(^|/)src/([^/]+/domain|kernel)/' },
    },
    {
      name: 'kernel-is-pure',
      severity: 'error',
      from: { path: '(^|/)src/kernel/' },
      to: { path: IMPURE.join('|'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'projections-are-pure',
      comment: 'projections/ turn events into row changes and run the same live, in a rebuild and in a replay',
      severity: 'error',
      from: { path: '(^|/)projections/' },
      to: { path: IMPURE.join('|'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-context-imports-process',
      comment: 'process managers use the contexts; no context depends on them',
      severity: 'error',
      from: { path: '(^|/)src/(vendors|catalog|orders|cards|policy)/' },
      to: { path: '(^|/)src/process/' },
    },
    {
      name: 'verifier-is-standalone',
      comment: 'src/verifier runs in browsers and in the auditor CLI: it imports only itself and canonicalize (no node: builtins, no server code)',
      severity: 'error',
      from: { path: '(^|/)src/verifier/' },
      to: { pathNot: '(^|/)src/verifier/|(^|/)node_modules/canonicalize/' },
    },
    {
      name: 'http-is-below-its-users',
      comment:
        'src/http holds the shared HTTP edge (problem+json, media types, request context); the Kafka relay, the process managers and ops use it, never the reverse (no http<->kafka cycle)',
      severity: 'error',
      from: { path: '(^|/)src/http/' },
      to: { path: '(^|/)src/(kafka|process|ops)/' },
    },
    {
      name: 'ops-is-a-leaf',
      comment: 'src/ops (health, metrics, shutdown, backup) reads every other part; only the entry points import it',
      severity: 'error',
      from: { path: '(^|/)src/', pathNot: '(^|/)src/(ops/|app\\.module\\.ts$|app\\.factory\\.ts$|main\\.ts$|cli\\.ts$)' },
      to: { path: '(^|/)src/ops/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
