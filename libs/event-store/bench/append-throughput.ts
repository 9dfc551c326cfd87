/**
 * Not a test: how much group commit buys on the SQLite adapter.
 *
 *   node --import tsx libs/event-store/bench/append-throughput.ts
 *
 * 1. one append at a time, each awaited (one commit per append);
 * 2. many executions appending concurrently (appends of a tick share one commit);
 * 3. appendBatch of whole batches (one commit per batch).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type SqliteEventStore } from '../src/sqlite/sqlite-event-store';

const payload = { stateName: 'ProcessOrder', input: { orderId: 'order-123', items: [{ sku: 'A1', qty: 2 }, { sku: 'B7', qty: 1 }] }, timestamp: '2024-01-01T00:00:00.000Z' };

async function measure(label: string, body: (store: SqliteEventStore) => Promise<number>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stepstone-bench-'));
  const store = openSqliteEventStore({ file: join(dir, 'bench.sqlite') });
  try {
    const started = performance.now();
    const events = await body(store);
    const seconds = (performance.now() - started) / 1000;
    const { commits } = store.stats();
    console.log(
      `${label.padEnd(58)} ${String(events).padStart(7)} events  ${Math.round(events / seconds).toLocaleString('en').padStart(9)} events/s  ` +
        `${String(commits).padStart(6)} commits  ${(events / commits).toFixed(1).padStart(7)} events/commit`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await measure('sequential append, 1 event, awaited one by one', async (store) => {
    const count = 5_000;
    for (let index = 0; index < count; index += 1) {
      await store.append({ streamId: 'execution-1', expectedRevision: index === 0 ? 'no_stream' : index - 1, events: [{ type: 'PassStateEntered', data: payload }] });
    }
    return count;
  });

  for (const executions of [10, 100, 1000]) {
    await measure(`concurrent append, ${executions} executions x 1 event (group commit)`, async (store) => {
      const rounds = Math.ceil(50_000 / executions);
      await Promise.all(
        Array.from({ length: executions }, async (_, execution) => {
          for (let round = 0; round < rounds; round += 1) {
            await store.append({
              streamId: `execution-${execution}`,
              expectedRevision: round === 0 ? 'no_stream' : round - 1,
              events: [{ type: 'PassStateEntered', data: payload }],
            });
          }
        }),
      );
      return rounds * executions;
    });
  }

  await measure('concurrent append, 1000 executions x 4 events (group commit)', async (store) => {
    const rounds = 25;
    const perAppend = 4;
    await Promise.all(
      Array.from({ length: 1000 }, async (_, execution) => {
        for (let round = 0; round < rounds; round += 1) {
          await store.append({
            streamId: `execution-${execution}`,
            expectedRevision: round === 0 ? 'no_stream' : round * perAppend - 1,
            events: Array.from({ length: perAppend }, () => ({ type: 'PassStateEntered', data: payload })),
          });
        }
      }),
    );
    return rounds * 1000 * perAppend;
  });

  await measure('appendBatch, 1000 requests x 5 events per batch', async (store) => {
    const batches = 20;
    for (let batch = 0; batch < batches; batch += 1) {
      await store.appendBatch(
        Array.from({ length: 1000 }, (_, execution) => ({
          streamId: `execution-${execution}`,
          expectedRevision: batch === 0 ? ('no_stream' as const) : batch * 5 - 1,
          events: Array.from({ length: 5 }, () => ({ type: 'PassStateEntered', data: payload })),
        })),
      );
    }
    return batches * 1000 * 5;
  });
}

void main();
