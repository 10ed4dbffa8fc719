/** `npm run bench`: every benchmark, each reported beside its raw baseline from the same run. */
import { runEventStoreBench } from './event-store.bench.js';

function line(name: string, perSecond: number, baselinePerSecond?: number): string {
  const ratio = baselinePerSecond ? `  (${(perSecond / baselinePerSecond).toFixed(2)}x raw)` : '';
  return `  ${name.padEnd(70)} ${perSecond.toFixed(0).padStart(8)} /s${ratio}`;
}

async function main(): Promise<void> {
  console.log(`bela-ledger benchmarks (node ${process.version}, ${process.platform}/${process.arch})`);
  console.log('\nEvent store appends (durable: WAL, synchronous=FULL)');
  const { results, baseline } = await runEventStoreBench();
  console.log(line(`${baseline.name} [baseline]`, baseline.perSecond));
  for (const result of results) console.log(line(result.name, result.perSecond, baseline.perSecond));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
