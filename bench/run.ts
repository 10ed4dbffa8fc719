/** `npm run bench`: every benchmark, each reported beside its raw baseline from the same run. */
import { runEventStoreBench } from './event-store.bench.js';
import { printHotCard, runHotCardBench } from './hot-card.bench.js';
import { runKafkaRelayBench } from './kafka-relay.bench.js';

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

  console.log("\nA hot KKP card: fold, card reads, order placement and authorisation by the card's history length");
  printHotCard(await runHotCardBench());

  console.log('\nKafka relay (events/s; each event is an internal and a public message)');
  if (!process.env.KAFKA_BROKERS) {
    console.log('  SKIPPED: set KAFKA_BROKERS (bash scripts/kafka/kafka.sh start; KAFKA_BROKERS=127.0.0.1:9092 npm run bench)');
    return;
  }
  const { relay, raw } = await runKafkaRelayBench();
  const rawMedian = median(raw.map((result) => result.eventsPerSecond));
  console.log(line(`${raw[0]!.name} [baseline, median of ${raw.length}]`, rawMedian));
  console.log(line(`${relay[0]!.name} [median of ${relay.length}]`, median(relay.map((result) => result.eventsPerSecond)), rawMedian));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
