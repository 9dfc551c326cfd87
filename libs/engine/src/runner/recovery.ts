import { type EventStore, type FeedEventData, type RecordedEvent } from '@stepstone/event-store';
import { CLOSING_TYPES } from '../execution/decision-support';
import { type FoldScope, createFoldScope, evolveOwned } from '../execution/evolve';
import { type ExecutionState, initialExecutionState } from '../execution/execution-state';
import type { ExecutionEvent } from '../execution/history-event';

// Rebuilding executions from the store: one stream (fold), the open streams of a takeover
// (through the store's index of streams), or every open execution in one pass over the feed
// (start-up recovery). The runner decides what to do with what comes back.

/** An execution as folded from its stream, with the revision to append after (-1: no event). */
export interface Loaded {
  state: ExecutionState;
  /** Revision of the last event in the stream, -1 when it has none. */
  revision: number;
}

/** Events per page when recovery scans the global feed. */
const RECOVERY_PAGE_SIZE = 5_000;
export const EXECUTION_STREAM_PREFIX = 'execution-';

/** Rebuilds an execution from its stream: the fold, plus the revision to append after. */
export function fold(recorded: readonly RecordedEvent[]): Loaded | undefined {
  if (recorded.length === 0) return undefined;
  let state = initialExecutionState;
  const scope = createFoldScope();
  for (const event of recorded) state = evolveOwned(state, event.data as ExecutionEvent, scope);
  return { state, revision: recorded[recorded.length - 1].revision };
}


/**
 * A takeover's executions from the store's index of streams (issue 15): those of the taken
 * shards whose last event does not close them. The feed scan reads every event of every
 * shard; this reads one row per execution and then only the streams that may be open.
 */
export async function possiblyOpenStreams(listStreamHeads: NonNullable<EventStore['listStreamHeads']>, inShards: (streamId: string) => boolean): Promise<string[]> {
  const heads = await listStreamHeads(EXECUTION_STREAM_PREFIX);
  return heads.filter((head) => inShards(head.streamId) && !CLOSING_TYPES.has(head.lastType)).map((head) => head.streamId);
}

export async function replayEach(store: EventStore, streamIds: readonly string[]): Promise<Array<Loaded | undefined>> {
  const loaded: Array<Loaded | undefined> = [];
  for (const streamId of streamIds) loaded.push(fold(await store.readStream(streamId)));
  return loaded;
}

/**
 * Every open execution from one sequential pass over the global feed (pages of
 * RECOVERY_PAGE_SIZE), instead of one stream read per execution ever started: 100k parked
 * executions are one scan, not 100k queries. Only open executions stay folded; a stream
 * that has events after its closing event (whatever reopens it) is replayed on its own.
 */
export async function replayFeed(store: EventStore, inShards?: (streamId: string) => boolean): Promise<Array<Loaded | undefined>> {
  // Each stream folds in its own scope: its states are only read once the pass is over.
  const open = new Map<string, Loaded & { scope: FoldScope }>();
  const closed = new Set<string>();
  const reopened = new Set<string>();
  // Only the execution streams, and only the columns a fold reads, where the store can. Each
  // event's JSON is parsed just before it is folded: the parsed event is garbage at once
  // instead of a page of them outliving young-generation collections.
  const readPage: (fromPosition: number) => Promise<ReadonlyArray<FeedEventData | RecordedEvent>> = store.readAllData
    ? (fromPosition) => store.readAllData!({ fromPosition, maxCount: RECOVERY_PAGE_SIZE, streamPrefix: EXECUTION_STREAM_PREFIX })
    : (fromPosition) => store.readAll({ fromPosition, maxCount: RECOVERY_PAGE_SIZE });
  for (let from = 0; ; ) {
    const page = await readPage(from);
    if (page.length === 0) break;
    for (const event of page) {
      const streamId = event.streamId;
      if (!streamId.startsWith(EXECUTION_STREAM_PREFIX) || reopened.has(streamId)) continue;
      if (inShards && !inShards(streamId)) continue;
      if (closed.has(streamId)) {
        reopened.add(streamId);
        continue;
      }
      const folding = open.get(streamId);
      const data = ('dataJson' in event ? JSON.parse(event.dataJson) : event.data) as ExecutionEvent;
      if (folding) {
        folding.state = evolveOwned(folding.state, data, folding.scope);
        folding.revision = event.revision;
        if (folding.state.status !== 'RUNNING') {
          open.delete(streamId);
          closed.add(streamId);
        }
        continue;
      }
      const scope = createFoldScope();
      const state = evolveOwned(initialExecutionState, data, scope);
      if (state.status === 'RUNNING') open.set(streamId, { state, revision: event.revision, scope });
      else closed.add(streamId);
    }
    from = page[page.length - 1].position;
  }
  return [...[...open.values()].map(({ state, revision }) => ({ state, revision })), ...(await replayEach(store, [...reopened]))];
}
