import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteDatabase } from './sqlite-driver';
import type { RecordedEvent } from '../event-store';
import { verifyStreamChain } from '../hash-chain';
import { describeEventStoreContract } from '../testing/event-store-contract';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite-event-store';

const scratch: string[] = [];
after(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function scratchFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stepstone-event-store-'));
  scratch.push(dir);
  return join(dir, 'events.sqlite');
}

describeEventStoreContract('sqlite', async () => {
  const file = await scratchFile();
  return {
    store: openSqliteEventStore({ file }),
    reopen: async () => openSqliteEventStore({ file }),
    tamper: async (streamId, revision, data) => {
      const intruder = new SqliteDatabase(file);
      try {
        intruder.prepare('UPDATE events SET data = ? WHERE stream_id = ? AND revision = ?').run(JSON.stringify(data), streamId, revision);
      } finally {
        intruder.close();
      }
    },
  };
});

describe('SQLite event store', () => {
  const withStore = async (body: (store: SqliteEventStore, file: string) => Promise<void>) => {
    const file = await scratchFile();
    const store = openSqliteEventStore({ file });
    try {
      await body(store, file);
    } finally {
      await store.close();
    }
  };

  it('opens the file in WAL mode with synchronous=NORMAL by default, FULL on request', async () => {
    await withStore(async (store) => {
      assert.equal(store.kind, 'sqlite');
      assert.equal(store.database.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.database.pragma('synchronous', { simple: true }), 1); // NORMAL
    });
    const full = openSqliteEventStore({ file: await scratchFile(), synchronous: 'FULL' });
    assert.equal(full.database.pragma('synchronous', { simple: true }), 2);
    await full.close();
  });

  it('reopens the same file after close with every event, stream and chain intact', async () => {
    const file = await scratchFile();
    const first = openSqliteEventStore({ file });
    await first.append({ streamId: 'execution-1', expectedRevision: 'no_stream', chainSeed: 'def', events: [{ type: 'ExecutionStarted', data: { input: '{}' } }] });
    await first.append({ streamId: 'execution-1', expectedRevision: 0, events: [{ type: 'PassStateEntered', data: { name: 'P' } }] });
    const before = await first.readAll({ fromPosition: 0 });
    await first.close();

    const second = openSqliteEventStore({ file });
    try {
      assert.deepEqual(await second.readAll({ fromPosition: 0 }), before);
      assert.deepEqual(await second.listStreams('execution-'), ['execution-1']);
      assert.deepEqual(verifyStreamChain(await second.readStream('execution-1'), { chainSeed: 'def' }), { ok: true });
      const result = await second.append({ streamId: 'execution-1', expectedRevision: 1, events: [{ type: 'PassStateExited', data: {} }] });
      assert.deepEqual(result, { streamId: 'execution-1', nextExpectedRevision: 2, position: 3 });
    } finally {
      await second.close();
    }
  });

  it('group-commits appends made in the same tick into one transaction', async () => {
    await withStore(async (store) => {
      const before = store.stats().commits;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          store.append({ streamId: `execution-${index}`, expectedRevision: 'no_stream', events: [{ type: 'ExecutionStarted', data: { index } }] }),
        ),
      );
      assert.equal(store.stats().commits, before + 1);
      assert.deepEqual(
        results.map((result) => result.position),
        Array.from({ length: 50 }, (_, index) => index + 1),
      );
      // One conflicting append in the group fails alone.
      const outcomes = await Promise.allSettled([
        store.append({ streamId: 'execution-0', expectedRevision: 0, events: [{ type: 'A', data: null }] }),
        store.append({ streamId: 'execution-1', expectedRevision: 'no_stream', events: [{ type: 'B', data: null }] }),
        store.append({ streamId: 'execution-2', expectedRevision: 0, events: [{ type: 'C', data: null }] }),
      ]);
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal(store.stats().commits, before + 2);
      assert.equal(store.stats().events, 52);
    });
  });

  it('bounds a group commit: appends queued together beyond 2,000 events commit in later turns, in order', async () => {
    await withStore(async (store) => {
      const before = store.stats().commits;
      const events = (count: number) => Array.from({ length: count }, (_, index) => ({ type: 'PassStateEntered', data: { index } }));
      let probeRan = false;
      const committedBeforeProbe: number[] = [];
      const appends = [1_500, 400, 1_500, 10].map((count, index) =>
        store.append({ streamId: `execution-${index}`, expectedRevision: 'no_stream', events: events(count) }).then((result) => {
          if (!probeRan) committedBeforeProbe.push(index);
          return result;
        }),
      );
      // Queued after the appends' first commit: it runs between two commits, as a request would.
      setImmediate(() => (probeRan = true));
      const results = await Promise.all(appends);
      // 1,500 + 400 share a commit; the next 1,500 would pass 2,000, so it and the last go later.
      assert.equal(store.stats().commits, before + 2);
      assert.deepEqual(committedBeforeProbe, [0, 1]);
      assert.deepEqual(results.map((result) => result.position), [1_500, 1_900, 3_400, 3_410]);
      // A single append bigger than the bound still commits whole.
      const big = await store.append({ streamId: 'execution-big', expectedRevision: 'no_stream', events: events(2_500) });
      assert.equal(big.nextExpectedRevision, 2_499);
    });
  });

  it('serialises and chains a long append of handed-over events in slices, giving turns away, with the chain verify expects', async () => {
    await withStore(async (store) => {
      const pad = 'p'.repeat(4_000);
      const events = (stream: string, count: number) => Array.from({ length: count }, (_, index) => ({ type: 'MapIterationStarted', data: { stream, index, pad } }));
      let turns = 0;
      let appending = true;
      const count = () => {
        turns += 1;
        if (appending) setImmediate(count);
      };
      setImmediate(count);
      // A clock that runs 25 ms per look, so every look at it ends a slice whatever the
      // machine's speed: the count of turns then shows the slicing, not how busy the machine is.
      const realNow = performance.now.bind(performance);
      let fakeNow = realNow();
      performance.now = () => (fakeNow += 25);
      let first, second;
      try {
        // Two appends to one stream at once: both are chained before their commit from the same
        // head, so the second is chained again in its commit.
        [first, second] = await Promise.all([
          store.append({ streamId: 'execution-long', expectedRevision: 'any', events: events('a', 1_000), handedOver: true, chainSeed: 'seed' }),
          store.append({ streamId: 'execution-long', expectedRevision: 'any', events: events('b', 1_000), handedOver: true, chainSeed: 'seed' }),
        ]);
      } finally {
        performance.now = realNow;
      }
      appending = false;
      assert.ok(turns >= 50, `${turns} turns of the event loop during the appends`);
      assert.deepEqual([first.nextExpectedRevision, second.nextExpectedRevision].sort((a, b) => a - b), [999, 1_999]);
      const stored = await store.readStream('execution-long');
      assert.equal(stored.length, 2_000);
      assert.deepEqual(verifyStreamChain(stored, { chainSeed: 'seed' }), { ok: true });
    });
  });

  it('commits a handed-over append still being prepared when the store closes', async () => {
    const file = await scratchFile();
    const store = openSqliteEventStore({ file });
    const events = Array.from({ length: 1_000 }, (_, index) => ({ type: 'PassStateEntered', data: { index, pad: 'p'.repeat(2_000) } }));
    const appended = store.append({ streamId: 'execution-closing', expectedRevision: 'no_stream', events, handedOver: true });
    await store.close();
    assert.equal((await appended).nextExpectedRevision, 999);
    const reopened = openSqliteEventStore({ file });
    try {
      assert.equal((await reopened.readStream('execution-closing')).length, 1_000);
    } finally {
      await reopened.close();
    }
  });

  it('lets a projection update its own table in one transaction with the shared connection', async () => {
    await withStore(async (store) => {
      store.database.exec('CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
      await store.append({ streamId: 's', expectedRevision: 'no_stream', events: [{ type: 'A', data: 1 }] });
      const save = store.database.prepare('INSERT OR REPLACE INTO projection_checkpoints (name, position) VALUES (?, ?)');
      store.transaction(() => save.run('executions', 1));
      assert.throws(() =>
        store.transaction(() => {
          save.run('executions', 2);
          throw new Error('projection failed half-way');
        }),
      );
      assert.equal(store.database.prepare('SELECT position FROM projection_checkpoints').pluck().get(), 1);
    });
  });

  it('stamps recordedAt from the injected clock, once per commit', async () => {
    const store = openSqliteEventStore({ file: await scratchFile(), now: () => new Date('2024-05-06T07:08:09.010Z') });
    try {
      await store.append({ streamId: 's', expectedRevision: 'no_stream', events: [{ type: 'A', data: 1 }] });
      const [event] = await store.readStream('s');
      assert.equal(event.recordedAt, '2024-05-06T07:08:09.010Z');
    } finally {
      await store.close();
    }
  });

  it('hands subscriptions the events it just committed exactly as the file holds them', async () => {
    const file = await scratchFile();
    const store = openSqliteEventStore({ file });
    try {
      // Some events exist before the subscription (read from the file), the rest arrive live
      // (handed over from the commit), across many group commits.
      await store.append({ streamId: 'early', expectedRevision: 'no_stream', events: [{ type: 'E', data: { n: 0 }, metadata: { who: 'a' } }] });
      const delivered: RecordedEventShape[] = [];
      const subscription = store.subscribe(0, (batch) => {
        delivered.push(...batch.map(shapeOf));
      }, { maxBatchSize: 7 });
      for (let round = 0; round < 20; round += 1) {
        await Promise.all(
          Array.from({ length: 3 }, (_, stream) =>
            store.append({ streamId: `s${stream}`, expectedRevision: 'any', events: [{ type: 'A', data: { round, nested: { list: [1, 'x'] } } }, { type: 'B', data: null, metadata: { round } }] }),
          ),
        );
      }
      const head = await store.headPosition();
      const started = performance.now();
      while (delivered.length < head && performance.now() - started < 5000) await new Promise((done) => setTimeout(done, 5));
      subscription.close();
      const reopened = openSqliteEventStore({ file });
      try {
        assert.deepEqual(delivered, (await reopened.readAll({ fromPosition: 0 })).map(shapeOf));
      } finally {
        await reopened.close();
      }
    } finally {
      await store.close();
    }
  });

  it('delivers gapless to a subscriber that falls behind what the store keeps in memory, and across a commit larger than that', async () => {
    const file = await scratchFile();
    const store = openSqliteEventStore({ file });
    try {
      const delivered: RecordedEventShape[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      // The first batch waits until every commit below is done: by then the events it would
      // read next have left the ring of recent events (4,096), and must come from the file.
      const subscription = store.subscribe(0, async (batch) => {
        await held;
        delivered.push(...batch.map(shapeOf));
      }, { maxBatchSize: 1_000 });
      await store.append({ streamId: 'first', expectedRevision: 'no_stream', events: [{ type: 'F', data: { n: 0 } }] });
      await new Promise((done) => setTimeout(done, 20)); // the subscriber now holds its first batch
      const commit = (stream: string, size: number) =>
        store.append({ streamId: stream, expectedRevision: 'any', events: Array.from({ length: size }, (_, n) => ({ type: 'A', data: { n } })) });
      for (let round = 0; round < 30; round += 1) await commit(`s${round % 3}`, 200);
      await commit('big', 5_000);
      for (let round = 0; round < 5; round += 1) await commit('tail', 300);
      release();
      const head = await store.headPosition();
      const started = performance.now();
      while (delivered.length < head && performance.now() - started < 10_000) await new Promise((done) => setTimeout(done, 5));
      subscription.close();
      assert.equal(head, 1 + 30 * 200 + 5_000 + 5 * 300);
      assert.deepEqual(delivered.map((event) => event.position), Array.from({ length: head }, (_, index) => index + 1));
      assert.deepEqual(delivered, (await store.readAll({ fromPosition: 0 })).map(shapeOf));
    } finally {
      await store.close();
    }
  });

  it('keeps positions gapless when two connections append to the same file', async () => {
    const file = await scratchFile();
    const one = openSqliteEventStore({ file });
    const two = openSqliteEventStore({ file, pollIntervalMs: 5 });
    try {
      const seenByTwo: number[] = [];
      const subscription = two.subscribe(0, (batch) => {
        seenByTwo.push(...batch.map((event) => event.position));
      });
      for (let round = 0; round < 10; round += 1) {
        await Promise.all([
          one.append({ streamId: 'shared', expectedRevision: 'any', events: [{ type: 'One', data: round }] }),
          two.append({ streamId: 'shared', expectedRevision: 'any', events: [{ type: 'Two', data: round }] }),
        ]);
      }
      const feed = await one.readAll({ fromPosition: 0 });
      assert.deepEqual(
        feed.map((event) => event.position),
        Array.from({ length: 20 }, (_, index) => index + 1),
      );
      assert.deepEqual(verifyStreamChain(await two.readStream('shared')), { ok: true });
      // The other connection's commits reach a subscription by polling.
      const started = performance.now();
      while (seenByTwo.length < 20 && performance.now() - started < 5000) await new Promise((done) => setTimeout(done, 5));
      subscription.close();
      assert.deepEqual(seenByTwo, Array.from({ length: 20 }, (_, index) => index + 1));
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('reads the feed reduced to stream, revision, position and data, of one stream prefix on request', async () => {
    await withStore(async (store) => {
      await store.append({ streamId: 'execution-a', expectedRevision: 'no_stream', events: [{ type: 'A0', data: { n: 0 } }] });
      await store.append({ streamId: 'machine-x', expectedRevision: 'no_stream', events: [{ type: 'M0', data: 'm' }] });
      await store.append({ streamId: 'execution-b', expectedRevision: 'no_stream', events: [{ type: 'B0', data: [1] }] });
      // Neighbours of the prefix in byte order: `execution.` sorts right after it, `execution` before.
      await store.append({ streamId: 'execution.z', expectedRevision: 'no_stream', events: [{ type: 'Z0', data: null }] });
      await store.append({ streamId: 'execution', expectedRevision: 'no_stream', events: [{ type: 'E0', data: 0 }] });
      await store.append({ streamId: 'execution-a', expectedRevision: 0, events: [{ type: 'A1', data: { n: 1 } }] });
      const reduce = (event: RecordedEvent) => ({ streamId: event.streamId, revision: event.revision, position: event.position, dataJson: JSON.stringify(event.data) });
      const everything = (await store.readAll({ fromPosition: 0 })).map(reduce);
      assert.deepEqual(await store.readAllData!({ fromPosition: 0 }), everything);
      assert.deepEqual(
        await store.readAllData!({ fromPosition: 0, streamPrefix: 'execution-' }),
        everything.filter((event) => event.streamId.startsWith('execution-')),
      );
      // Paging: exclusive `fromPosition`, `maxCount` counts matching events only.
      assert.deepEqual(
        (await store.readAllData!({ fromPosition: 1, maxCount: 1, streamPrefix: 'execution-' })).map((event) => event.position),
        [3],
      );
      assert.deepEqual(await store.readAllData!({ fromPosition: 6, streamPrefix: 'execution-' }), []);
    });
  });

  describe('a writer killed with SIGKILL mid-run', () => {
    // 64 streams x 3 events: each round is one group commit of 192 events, ~100 KB of WAL.
    // The kill lands at different delays after an acknowledgement, so at different phases
    // of the writer (queueing, inside the transaction, between commit and acknowledgement).
    const streams = 64;
    const perAppend = 3;
    for (const [killAfterRound, delayMs] of [
      [5, 0],
      [20, 1],
      [40, 3],
    ]) {
      it(`loses no acknowledged event, leaves no gap and no partial append (killed ${delayMs} ms after round ${killAfterRound})`, async () => {
        const file = await scratchFile();
        const lastAcked = await runWriterUntilKilled(file, streams, perAppend, killAfterRound, delayMs);
        assert.ok(lastAcked >= killAfterRound);

        const store = openSqliteEventStore({ file });
        try {
          assert.equal(store.database.pragma('integrity_check', { simple: true }), 'ok');
          const feed = await store.readAll({ fromPosition: 0 });
          const head = await store.headPosition();
          assert.equal(feed.length, head);
          feed.forEach((event, index) => assert.equal(event.position, index + 1, 'global positions have no gaps'));

          let total = 0;
          for (let stream = 0; stream < streams; stream += 1) {
            const streamId = `crash-${stream}`;
            const events = await store.readStream(streamId);
            total += events.length;
            assert.ok(events.length >= (lastAcked + 1) * perAppend, `${streamId} keeps every acknowledged append`);
            assert.equal(events.length % perAppend, 0, `${streamId} shows no partial append`);
            events.forEach((event, revision) => {
              assert.deepEqual(
                [(event.data as { round: number }).round, (event.data as { index: number }).index],
                [Math.floor(revision / perAppend), revision % perAppend],
              );
            });
            assert.deepEqual(verifyStreamChain(events, { chainSeed: `seed-${stream}` }), { ok: true });
            assert.equal(await store.streamRevision(streamId), events.length - 1);
          }
          assert.equal(total, head);

          // The recovered store carries on where the killed one stopped.
          const next = await store.append({ streamId: 'crash-0', expectedRevision: (await store.streamRevision('crash-0')) ?? 'no_stream', events: [{ type: 'Recovered', data: {} }] });
          assert.equal(next.position, head + 1);
        } finally {
          await store.close();
        }
      });
    }
  });
});

/** Starts the appending child, SIGKILLs it `delayMs` after it acknowledges round `killAfterRound`. */
function runWriterUntilKilled(file: string, streams: number, perAppend: number, killAfterRound: number, delayMs: number): Promise<number> {
  const repoRoot = resolve(__dirname, '../../../..');
  const script = join(__dirname, 'fixtures', 'append-until-killed.ts');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, file, String(streams), String(perAppend)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastAcked = -1;
    let buffered = '';
    let stderr = '';
    const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^acked (\d+)$/.exec(line);
        if (match) lastAcked = Number(match[1]);
      }
      if (lastAcked >= killAfterRound) killTimer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(timeout);
      if (signal === 'SIGKILL' && lastAcked >= killAfterRound) done(lastAcked);
      else fail(new Error(`writer ended with code ${String(code)} signal ${String(signal)} after round ${lastAcked}: ${stderr}`));
    });
  });
}

type RecordedEventShape = Omit<RecordedEvent, never>;

/** A RecordedEvent as plain data (its data and metadata read), to compare deliveries. */
function shapeOf(event: RecordedEvent): RecordedEventShape {
  const { streamId, revision, position, type, data, metadata, recordedAt, hash, previousHash } = event;
  return { streamId, revision, position, type, data, metadata, recordedAt, hash, previousHash };
}

describe('sqlite event store: WAL checkpoints on a worker thread (backgroundCheckpointMs)', () => {
  const fileSize = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  const until = async (condition: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return condition();
  };
  /** About 1 MiB of events: below the 1,000 WAL pages (4 MiB) at which SQLite checkpoints by itself. */
  const appendAMebibyte = async (store: SqliteEventStore, streamId: string) => {
    const padding = 'x'.repeat(1_000);
    for (let batch = 0; batch < 10; batch += 1) {
      const revision = await store.streamRevision(streamId);
      await store.append({
        streamId,
        expectedRevision: revision === undefined ? 'no_stream' : revision,
        events: Array.from({ length: 100 }, (_, index) => ({ type: 'Padded', data: { batch, index, padding } })),
      });
    }
  };

  it('copies committed pages into the database file while the appender goes on, and keeps the WAL bounded', async () => {
    const file = await scratchFile();
    const store = openSqliteEventStore({ file, backgroundCheckpointMs: 20 });
    const initialSize = fileSize(file);
    await appendAMebibyte(store, 'first');
    // Only a checkpoint moves pages from the WAL into the main file; SQLite's own would not run below 4 MiB.
    assert.ok(await until(() => fileSize(file) > initialSize + 900_000, 5_000), `database file is ${fileSize(file)} bytes: no checkpoint ran`);
    let largestWal = 0;
    for (let round = 0; round < 5; round += 1) {
      await appendAMebibyte(store, `round-${round}`);
      largestWal = Math.max(largestWal, fileSize(`${file}-wal`));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Without checkpoints the WAL would hold all 6 MiB; restarted after each one, it stays near one round.
    assert.ok(largestWal < 3_500_000, `WAL grew to ${largestWal} bytes`);
    await store.close();
    const reopened = openSqliteEventStore({ file });
    assert.equal((await reopened.readStream('round-4')).length, 1_000);
    assert.equal(await reopened.headPosition(), 6_000);
    await reopened.close();
  });

  it('without it, SQLite checkpoints only past 1,000 pages (the control for the test above)', async () => {
    const file = await scratchFile();
    const store = openSqliteEventStore({ file });
    const initialSize = fileSize(file);
    await appendAMebibyte(store, 'first');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(fileSize(file) < initialSize + 900_000);
    await store.close();
  });
});
