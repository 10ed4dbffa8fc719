import Database from 'better-sqlite3';
import type { SignedCheckpoint } from '../../src/audit/signed-checkpoints.js';
import { SqliteCheckpointStore } from '../../src/event-store/sqlite-checkpoint-store.js';
import { silentLogger } from '../../src/kernel/logger.js';
import type { OutboundMessage } from '../../src/kafka/kafka-contract.js';
import type { RelayTransport } from '../../src/kafka/kafka-transport.js';
import { CHECKPOINTS_PER_SEND_MAX, LOG_CHECKPOINTS_CONSUMER, LogCheckpointPublisher } from '../../src/kafka/log-checkpoint-publisher.js';

const ORIGIN = 'bela-ledger.test/log';

/** A broker that acknowledges unless told to fail the next sends. */
class FakeTransport implements RelayTransport {
  readonly sent: OutboundMessage[] = [];
  failNext = 0;
  async prepare(): Promise<void> {}
  async send(messages: readonly OutboundMessage[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('broker unavailable');
    }
    this.sent.push(...messages);
  }
  async close(): Promise<void> {}
}

class FakeLog {
  readonly signed: SignedCheckpoint[] = [];
  private readonly listeners = new Set<() => void>();
  readonly origin = ORIGIN;
  after(treeSize: number, limit: number): SignedCheckpoint[] {
    return this.signed.filter((checkpoint) => checkpoint.treeSize > treeSize).slice(0, limit);
  }
  onCheckpoint(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  sign(treeSize: number): void {
    this.signed.push({
      treeSize,
      rootHash: Buffer.alloc(32, treeSize % 256),
      note: `${ORIGIN}\n${treeSize}\nAA==\n\n\u2014 ${ORIGIN} AAAA\n`,
      signedAt: new Date(0).toISOString(),
    });
    for (const listener of this.listeners) listener();
  }
}

describe('log checkpoints to Kafka (bela.log.checkpoints.v1)', () => {
  let transport: FakeTransport;
  let log: FakeLog;
  let checkpoints: SqliteCheckpointStore;
  let publisher: LogCheckpointPublisher;

  beforeEach(() => {
    transport = new FakeTransport();
    log = new FakeLog();
    checkpoints = new SqliteCheckpointStore(new Database(':memory:'));
    publisher = new LogCheckpointPublisher(transport, checkpoints, log, silentLogger);
  });
  afterEach(() => publisher.stop());

  it('sends what was signed before it started and each new checkpoint, in order, with the checkpoint stored after the ack', async () => {
    log.sign(0);
    log.sign(5);
    publisher.start();
    await publisher.wake();
    log.sign(9);
    await publisher.wake();
    expect(transport.sent.map((message) => [message.topic, message.key, message.headers.ce_id])).toEqual([
      ['bela.log.checkpoints.v1', ORIGIN, `${ORIGIN}/0`],
      ['bela.log.checkpoints.v1', ORIGIN, `${ORIGIN}/5`],
      ['bela.log.checkpoints.v1', ORIGIN, `${ORIGIN}/9`],
    ]);
    expect(JSON.parse(transport.sent[2]!.value)).toMatchObject({ origin: ORIGIN, treeSize: 9, note: log.signed[2]!.note });
    expect(checkpoints.load(LOG_CHECKPOINTS_CONSUMER)).toBe(9n);
  });

  it('a failed send stores nothing, and the retry sends again (at least once, none skipped)', async () => {
    publisher.start();
    transport.failNext = 1;
    log.sign(3);
    await publisher.wake();
    expect(transport.sent).toEqual([]);
    expect(checkpoints.load(LOG_CHECKPOINTS_CONSUMER)).toBe('start');
    await publisher.wake();
    expect(transport.sent.map((message) => message.headers.bela_tree_size)).toEqual(['3']);
    expect(checkpoints.load(LOG_CHECKPOINTS_CONSUMER)).toBe(3n);
  });

  it('catches up a backlog in bounded sends', async () => {
    for (let size = 1; size <= CHECKPOINTS_PER_SEND_MAX * 2 + 5; size += 1) log.sign(size);
    const sends: number[] = [];
    const send = transport.send.bind(transport);
    transport.send = async (messages) => {
      sends.push(messages.length);
      await send(messages);
    };
    publisher.start();
    await publisher.wake();
    expect(sends).toEqual([CHECKPOINTS_PER_SEND_MAX, CHECKPOINTS_PER_SEND_MAX, 5]);
  });
});
