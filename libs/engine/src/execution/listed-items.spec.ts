import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInMemoryObjectStore } from '../object-store/in-memory-object-store';
import { LIST_OBJECTS_PAGE_KEYS, type ObjectStore } from '../object-store/object-store.port';
import { performObjectStoreEffect } from '../object-store/perform-object-store-effect';
import { EngineBehaviour } from './behaviour';
import type { ExecutionCommand } from './commands';
import { decideAndEvolve } from './decide';
import { type Effect, pendingEffects } from './effects';
import { evolve } from './evolve';
import { type ExecutionState, initialExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { MAX_ITEMS_PER_RECORD } from './states/distributed-map';
import { fixedEnv, startCommand } from './testing/decider-specification';

const distributed = { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } }, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } };

function listingMap(readerConfig: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', ...(Object.keys(readerConfig).length ? { ReaderConfig: readerConfig } : {}), Parameters: { Bucket: 'in', Prefix: 'p/' } },
        ItemProcessor: distributed,
        ItemSelector: { 'key.$': '$$.Map.Item.Value.Key' },
        ResultPath: null,
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

const keyOf = (n: number) => `p/${String(n).padStart(6, '0')}.json`;

/** A bucket of `count` objects under p/ (and one outside the prefix), and what was asked of it: the keys each page listed. */
async function watchedBucket(count: number): Promise<{ store: ObjectStore; pages: number[]; wholeListings: () => number }> {
  const inner = createInMemoryObjectStore(() => new Date('2024-01-01T00:00:00.000Z'));
  inner.createBucket('in');
  await inner.putObject('in', 'elsewhere.json', '{}');
  // Written out of order: a listing is in key order whatever the order of writes.
  for (let n = count - 1; n >= 0; n--) await inner.putObject('in', keyOf(n), `{"n":${n}}`);
  const pages: number[] = [];
  let whole = 0;
  const store: ObjectStore = {
    ...inner,
    async listObjects(bucket, prefix) {
      whole += 1;
      return inner.listObjects(bucket, prefix);
    },
    async listObjectsPage(bucket, prefix, options) {
      const page = await inner.listObjectsPage(bucket, prefix, options);
      pages.push(page.objects.length);
      return page;
    },
  };
  return { store, pages, wholeListings: () => whole };
}

/** Runs the execution the way the runner does; stops after `stopAfterReads` reads (a crash). */
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

const recordedKeys = (events: readonly ExecutionEvent[]) =>
  events.filter((event) => event.type === 'MapItemsRecorded').flatMap((event) => (JSON.parse(event.x.items!) as Array<{ Key: string }>).map((item) => item.Key));

describe('ItemReader s3:listObjectsV2 read page by page (EngineBehaviour.PagedListing)', () => {
  it('lists at most 1,000 keys per page, records each page as it comes, and resumes after the last key recorded', async () => {
    const COUNT = 2_500;
    const { store, pages, wholeListings } = await watchedBucket(COUNT);
    const events: ExecutionEvent[] = [];
    const started = await decideAndEvolve(initialExecutionState, startCommand(listingMap()), fixedEnv());
    events.push(...started.events);
    assert.deepEqual(readEffect(started.state)?.stream?.position, { offset: 0, count: 0 });
    // A process stops after the first page; the restarted one replays what was stored.
    await drive(started.state, events, store, 1);
    assert.deepEqual(recordedKeys(events), Array.from({ length: LIST_OBJECTS_PAGE_KEYS }, (_, n) => keyOf(n)));
    const replayed = events.reduce(evolve, initialExecutionState);
    assert.deepEqual(readEffect(replayed)?.stream?.position, { offset: 0, count: LIST_OBJECTS_PAGE_KEYS, after: keyOf(LIST_OBJECTS_PAGE_KEYS - 1) });
    // A read of the second page that was lost in the crash arrives late: it decides nothing once the page is recorded.
    const lost = await performObjectStoreEffect(store, readEffect(replayed)!);
    const final = await drive(replayed, events, store);
    assert.deepEqual((await decideAndEvolve(final, lost, fixedEnv())).events, []);
    assert.equal(final.status, 'SUCCEEDED', `${final.error}: ${final.cause}`);
    assert.deepEqual(recordedKeys(events), Array.from({ length: COUNT }, (_, n) => keyOf(n)), 'every key once, in key order');
    assert.ok(pages.every((keys) => keys <= LIST_OBJECTS_PAGE_KEYS), `pages of ${pages.join(', ')} keys`);
    assert.equal(wholeListings(), 0, 'never listed whole');
    const batches = events.filter((event) => event.type === 'MapItemsRecorded');
    assert.ok(batches.length >= 3 && batches.every((event) => (JSON.parse(event.x.items!) as unknown[]).length <= MAX_ITEMS_PER_RECORD));
    const iterations = events.filter((event) => event.type === 'MapIterationStarted').length;
    assert.equal(iterations, COUNT);
  });

  it('stops listing at MaxItems', async () => {
    const { store, pages } = await watchedBucket(2_500);
    const events: ExecutionEvent[] = [];
    const started = await decideAndEvolve(initialExecutionState, startCommand(listingMap({ MaxItems: 1_200 })), fixedEnv());
    events.push(...started.events);
    const final = await drive(started.state, events, store);
    assert.equal(final.status, 'SUCCEEDED');
    assert.deepEqual(recordedKeys(events), Array.from({ length: 1_200 }, (_, n) => keyOf(n)));
    assert.deepEqual(pages, [1_000, 200]);
  });

  it('with ItemBatcher, gives the batches one listing of the whole would', async () => {
    const { store } = await watchedBucket(2_345);
    for (const batcher of [{ MaxItemsPerBatch: 7 }, { MaxItemsPerBatch: 1_500 }]) {
      const definition = listingMap({}, { ItemBatcher: batcher, MaxConcurrency: 1 });
      const paged: ExecutionEvent[] = [];
      const started = await decideAndEvolve(initialExecutionState, startCommand(definition), fixedEnv());
      paged.push(...started.events);
      const final = await drive(started.state, paged, store);
      assert.equal(final.status, 'SUCCEEDED', `${final.error}: ${final.cause}`);
      const whole: ExecutionEvent[] = [];
      const old = await decideAndEvolve(initialExecutionState, { ...startCommand(definition), behaviour: EngineBehaviour.InlineMapRedriveConcurrency } as ExecutionCommand, fixedEnv());
      whole.push(...old.events);
      const read = await decideAndEvolve(old.state, await performObjectStoreEffect(store, readEffect(old.state)!), fixedEnv());
      whole.push(...read.events);
      const batchesOf = (events: readonly ExecutionEvent[]) => events.filter((event) => event.type === 'MapItemsRecorded').flatMap((event) => JSON.parse(event.x.items!) as unknown[]);
      assert.deepEqual(batchesOf(paged), batchesOf(whole), JSON.stringify(batcher));
    }
  });

  it('fails the Map with States.ItemReaderFailed when the bucket does not exist', async () => {
    const events: ExecutionEvent[] = [];
    const started = await decideAndEvolve(initialExecutionState, startCommand(listingMap()), fixedEnv());
    events.push(...started.events);
    const final = await drive(started.state, events, createInMemoryObjectStore());
    assert.equal(final.status, 'FAILED');
    assert.equal(final.error, 'States.ItemReaderFailed');
    assert.match(final.cause ?? '', /The specified bucket does not exist/);
  });

  it('keeps listing the whole bucket in one call before PagedListing', async () => {
    const { store, wholeListings } = await watchedBucket(10);
    const command = { ...startCommand(listingMap()), behaviour: EngineBehaviour.InlineMapRedriveConcurrency } as ExecutionCommand;
    const { state } = await decideAndEvolve(initialExecutionState, command, fixedEnv());
    assert.equal(readEffect(state)?.stream, undefined);
    const events: ExecutionEvent[] = [];
    assert.equal((await drive(state, events, store)).status, 'SUCCEEDED');
    assert.equal(wholeListings(), 1);
  });
});
