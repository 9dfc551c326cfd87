import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInMemoryObjectStore } from '../object-store/in-memory-object-store';
import { OBJECT_READ_CHUNK_BYTES, type ObjectStore } from '../object-store/object-store.port';
import { performObjectStoreEffect } from '../object-store/perform-object-store-effect';
import { EngineBehaviour } from './behaviour';
import type { ExecutionCommand } from './commands';
import { decideAndEvolve } from './decide';
import { type Effect, pendingEffects } from './effects';
import { evolve } from './evolve';
import { type ExecutionState, initialExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { MAX_ITEM_RECORD_BYTES, MAX_ITEMS_PER_RECORD } from './states/distributed-map';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

const distributed = { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } }, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } };

function readerMap(readerConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: readerConfig, Parameters: { Bucket: 'in', Key: 'items' } },
        ItemProcessor: distributed,
        ...extra,
        End: true,
      },
    },
  };
}

type ReadEffect = Extract<Effect, { kind: 'read-items' }>;

function readEffect(state: ExecutionState): ReadEffect | undefined {
  return pendingEffects(state).find((effect): effect is ReadEffect => effect.kind === 'read-items');
}

/**
 * An object store that tells what was asked of it: bytes handed out per openObject (one batch
 * read) and the largest chunk.
 */
function watchedStore(body: string): { store: ObjectStore; reads: number[]; largestChunk: () => number } {
  const inner = createInMemoryObjectStore();
  inner.createBucket('in');
  void inner.putObject('in', 'items', body);
  const reads: number[] = [];
  let largest = 0;
  const store: ObjectStore = {
    ...inner,
    async openObject(bucket, key, start) {
      const chunks = await inner.openObject(bucket, key, start);
      const read = reads.push(0) - 1;
      return (async function* counted() {
        for await (const chunk of chunks) {
          reads[read]! += chunk.length;
          largest = Math.max(largest, chunk.length);
          yield chunk;
        }
      })();
    },
  };
  return { store, reads, largestChunk: () => largest };
}

/** Runs the execution to its end the way the runner does: one decision per command, effects derived from the fold. */
async function drive(state: ExecutionState, events: ExecutionEvent[], store: ObjectStore, stopAfterReads = Number.POSITIVE_INFINITY): Promise<ExecutionState> {
  let reads = 0;
  for (let step = 0; step < 10_000 && state.status === 'RUNNING'; step++) {
    const effect = pendingEffects(state).find((pending) => pending.kind === 'read-items' || pending.kind === 'continue-map');
    if (!effect) break;
    if (effect.kind === 'read-items' && reads++ >= stopAfterReads) break;
    const command: ExecutionCommand =
      effect.kind === 'read-items' ? await performObjectStoreEffect(store, effect) : { type: 'ContinueMap', threadId: effect.threadId, enteredEventId: effect.enteredEventId };
    const decided = await decideAndEvolve(state, command, fixedEnv());
    events.push(...decided.events);
    state = decided.state;
  }
  return state;
}

function recordedItems(events: readonly ExecutionEvent[]): unknown[] {
  return events.filter((event) => event.type === 'MapItemsRecorded').flatMap((event) => JSON.parse(event.x.items!) as unknown[]);
}

describe('ItemReader read batch by batch (EngineBehaviour.StreamedItems)', () => {
  it('asks for the next batch from the position recorded, and ignores a read from any other', async () => {
    const definition = readerMap({ InputType: 'JSONL' });
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted'], (_events, state) => {
      assert.deepEqual(readEffect(state)?.stream?.position, { offset: 0, count: 0 });
    });
    const batch = { type: 'RecordItemBatch', threadId: '0', enteredEventId: 2, position: { offset: 0, count: 0 }, items: [{ n: 1 }, { n: 2 }], ends: [8, 16], done: false } as const;
    const first = await given(started.events).when(batch).then(['MapItemsRecorded'], (events, state) => {
      assert.deepEqual(events[0]!.x.read, { offset: 16, count: 2 });
      assert.deepEqual(readEffect(state)?.stream?.position, { offset: 16, count: 2 });
    });
    const after = [...started.events, ...first.events];
    assert.equal(first.state.status, 'RUNNING');
    // The same read delivered again (a restart, a second process) decides nothing.
    await given(after).when(batch).then([]);
    const { events, state } = await decideAndEvolve(first.state, { ...batch, position: { offset: 16, count: 2 }, items: [{ n: 3 }], ends: [24], done: true }, fixedEnv());
    assert.deepEqual(events.slice(0, 3).map((event) => event.type), ['MapItemsRecorded', 'MapRunStarted', 'MapIterationStarted']);
    assert.equal(state.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(state.output!), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('keeps reading the whole object before StreamedItems', async () => {
    const command = { ...startCommand(readerMap({ InputType: 'JSON' })), behaviour: EngineBehaviour.WaitRangeChecked } as ExecutionCommand;
    const { state } = await decideAndEvolve(initialExecutionState, command, fixedEnv());
    assert.equal(readEffect(state)?.stream, undefined);
  });

  const COUNT = 10_500;
  const pad = (n: number) => 'é'.repeat(40 + (n % 7));
  for (const [inputType, body, expected] of [
    ['JSON', JSON.stringify(Array.from({ length: COUNT }, (_, n) => ({ n, pad: pad(n) }))), Array.from({ length: COUNT }, (_, n) => ({ n, pad: pad(n) }))],
    ['JSONL', Array.from({ length: COUNT }, (_, n) => JSON.stringify({ n, pad: pad(n) })).join('\r\n'), Array.from({ length: COUNT }, (_, n) => ({ n, pad: pad(n) }))],
    ['CSV', `n,note\n${Array.from({ length: COUNT }, (_, n) => `${n},"a, ""b""\n${pad(n)}"`).join('\n')}\n`, Array.from({ length: COUNT }, (_, n) => ({ n: String(n), note: `a, "b"\n${pad(n)}` }))],
  ] as const) {
    it(`reads a ${inputType} object of several batches completely, bounded per read, and resumes after a stop without duplicates`, async () => {
      const { store, reads, largestChunk } = watchedStore(body);
      const events: ExecutionEvent[] = [];
      const started = await decideAndEvolve(initialExecutionState, startCommand(readerMap({ InputType: inputType, CSVHeaderLocation: 'FIRST_ROW' }, { ResultPath: null })), fixedEnv());
      events.push(...started.events);
      // A process stops after three batches; what it stored is all that is left of it.
      await drive(started.state, events, store, 3);
      const stored = events.length;
      assert.equal(recordedItems(events).length, 3 * MAX_ITEMS_PER_RECORD);
      // A second read of the third batch was performed but never stored (the crash came first);
      // the restarted process replays the stream and goes on from what was recorded.
      const replayed = events.reduce(evolve, initialExecutionState);
      const position = readEffect(replayed)!.stream!.position;
      assert.equal(position.count, 3 * MAX_ITEMS_PER_RECORD);
      const lost = await performObjectStoreEffect(store, readEffect(replayed)!);
      const final = await drive(replayed, events, store);
      // The lost read arriving late decides nothing.
      assert.deepEqual((await decideAndEvolve(final, lost, fixedEnv())).events, []);
      assert.ok(events.length > stored);
      assert.equal(final.status, 'SUCCEEDED', `${final.error}: ${final.cause}`);
      assert.deepEqual(recordedItems(events), expected, 'every item once, in order');
      const batches = events.filter((event) => event.type === 'MapItemsRecorded');
      assert.ok(batches.length >= 10, `${batches.length} batches`);
      assert.ok(batches.every((event) => (JSON.parse(event.x.items!) as unknown[]).length <= MAX_ITEMS_PER_RECORD && event.x.items!.length <= MAX_ITEM_RECORD_BYTES));
      // Memory: chunks of at most OBJECT_READ_CHUNK_BYTES, and each read takes about a batch's bytes, not the object.
      assert.ok(largestChunk() <= OBJECT_READ_CHUNK_BYTES);
      const batchBytes = Math.max(...batches.map((event) => Buffer.byteLength(event.x.items!)));
      assert.ok(Math.max(...reads) <= 2 * batchBytes + OBJECT_READ_CHUNK_BYTES, `largest read ${Math.max(...reads)} bytes of ${body.length}`);
      assert.ok(Math.max(...reads) < body.length / 3);
    });
  }

  it('honours MaxItems across batches and stops reading there', async () => {
    const body = JSON.stringify(Array.from({ length: 5_000 }, (_, n) => n));
    const { store, reads } = watchedStore(body);
    const events: ExecutionEvent[] = [];
    const started = await decideAndEvolve(initialExecutionState, startCommand(readerMap({ InputType: 'JSON', MaxItems: 2_500 })), fixedEnv());
    events.push(...started.events);
    const final = await drive(started.state, events, store);
    assert.deepEqual(recordedItems(events), Array.from({ length: 2_500 }, (_, n) => n));
    assert.equal(reads.length, 3);
    assert.equal(final.status, 'SUCCEEDED');
  });

  it('fails the Map with States.ItemReaderFailed on malformed content after good batches', async () => {
    const body = `[${Array.from({ length: 2_500 }, (_, n) => n).join(',')},{bad}]`;
    const { store } = watchedStore(body);
    const events: ExecutionEvent[] = [];
    const started = await decideAndEvolve(initialExecutionState, startCommand(readerMap({ InputType: 'JSON' })), fixedEnv());
    events.push(...started.events);
    const final = await drive(started.state, events, store);
    assert.equal(final.status, 'FAILED');
    assert.equal(final.error, 'States.ItemReaderFailed');
    assert.equal(final.cause, 'The item reader could not parse the object as JSON.');
  });

  it('with ItemBatcher, closes batches across reads as one read of the whole would', async () => {
    const items = Array.from({ length: 2_345 }, (_, n) => n);
    const { store } = watchedStore(JSON.stringify(items));
    for (const batcher of [{ MaxItemsPerBatch: 7 }, { MaxItemsPerBatch: 2_000 }, { MaxInputBytesPerBatch: 300 }]) {
      const events: ExecutionEvent[] = [];
      const definition = readerMap({ InputType: 'JSON' }, { ItemBatcher: batcher, ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' }, MaxConcurrency: 1 });
      const started = await decideAndEvolve(initialExecutionState, startCommand(definition), fixedEnv());
      events.push(...started.events);
      const streamed = recordedItems((await drive(started.state, events, store), events));
      const whole: ExecutionEvent[] = [];
      const old = await decideAndEvolve(initialExecutionState, { ...startCommand(definition), behaviour: EngineBehaviour.WaitRangeChecked } as ExecutionCommand, fixedEnv());
      whole.push(...old.events);
      const read = await decideAndEvolve(old.state, await performObjectStoreEffect(store, readEffect(old.state)!), fixedEnv());
      whole.push(...read.events);
      assert.deepEqual(streamed, recordedItems(whole), JSON.stringify(batcher));
    }
  });
});
