import type { EventStore, RecordedEvent } from './event-store';
import { ChainBreakReason, verifyStreamChain } from './hash-chain';

/**
 * Recomputes hash chains from what the store holds, for `stepstone verify`: the first broken
 * link of each stream, and (over the whole store) any hole in the global positions, which is
 * what a deleted row leaves behind even when its stream's chain is re-linked by hand.
 */

export const StoreBreakReason = {
  ...ChainBreakReason,
  /** The stream's head (the store's own record of its last revision) is beyond the last event read. */
  MissingEvents: 'missing-events',
  /** A global position between 1 and the head holds no event. */
  PositionGap: 'position-gap',
} as const;
export type StoreBreakReason = (typeof StoreBreakReason)[keyof typeof StoreBreakReason];

export interface ChainBreak {
  readonly streamId: string;
  /** Revision where the chain breaks (for a position gap: the revision of the event after the hole, if any). */
  readonly revision: number;
  readonly reason: StoreBreakReason;
  readonly expected: string;
  readonly found: string;
  /** The stored event at that revision, when there is one. */
  readonly event?: RecordedEvent;
}

export interface StoreVerification {
  readonly streams: number;
  readonly events: number;
  /** At most one per stream (its first broken link), plus position gaps; empty when intact. */
  readonly breaks: readonly ChainBreak[];
}

/**
 * The previous hashes a stream's first event may carry (its chain seed), e.g. the hashes of the
 * definitions an execution could have started from. `undefined`: the seed is not checked.
 */
export type ExpectedChainSeeds = (streamId: string, first: RecordedEvent) => Promise<readonly string[] | undefined>;

export interface VerifyStoreOptions {
  /** Streams to verify; absent: every stream, and the global positions. */
  readonly streamIds?: readonly string[];
  readonly expectedSeeds?: ExpectedChainSeeds;
  /** Page size when reading the global feed. Default 1000. */
  readonly pageSize?: number;
}

export async function verifyStore(store: EventStore, options: VerifyStoreOptions = {}): Promise<StoreVerification> {
  const breaks: ChainBreak[] = [];
  let streamIds = options.streamIds;
  if (streamIds === undefined) {
    const scan = await scanFeed(store, options.pageSize ?? 1000);
    breaks.push(...scan.gaps);
    const listed = (await store.listStreams?.('')) ?? [];
    streamIds = [...new Set([...listed, ...scan.streamIds])].sort();
  }
  let events = 0;
  for (const streamId of streamIds) {
    const stream = await store.readStream(streamId);
    events += stream.length;
    const broken = await verifyOneStream(store, streamId, stream, options.expectedSeeds);
    if (broken) breaks.push(broken);
  }
  return { streams: streamIds.length, events, breaks };
}

async function verifyOneStream(
  store: EventStore,
  streamId: string,
  stream: readonly RecordedEvent[],
  expectedSeeds: ExpectedChainSeeds | undefined,
): Promise<ChainBreak | undefined> {
  const head = await store.streamRevision(streamId);
  if (stream.length === 0) {
    if (head === undefined) return { streamId, revision: 0, reason: StoreBreakReason.MissingEvents, expected: 'a stream', found: 'no such stream' };
    return { streamId, revision: 0, reason: StoreBreakReason.MissingEvents, expected: `revisions 0..${head}`, found: 'no events' };
  }
  const first = stream[0];
  if (first.revision !== 0) {
    return { streamId, revision: 0, reason: StoreBreakReason.RevisionGap, expected: '0', found: String(first.revision), event: first };
  }
  const seeds = expectedSeeds ? await expectedSeeds(streamId, first) : undefined;
  if (seeds !== undefined && !seeds.includes(first.previousHash)) {
    return { streamId, revision: 0, reason: StoreBreakReason.SeedMismatch, expected: seeds.join(' or ') || '(no known definition)', found: first.previousHash, event: first };
  }
  const chain = verifyStreamChain(stream);
  if (!chain.ok) {
    const event = stream.find((candidate) => candidate.revision === chain.brokenAt);
    return { streamId, revision: chain.brokenAt, reason: chain.reason, expected: chain.expected, found: chain.found, ...(event ? { event } : {}) };
  }
  const last = stream[stream.length - 1];
  if (head !== undefined && head !== last.revision) {
    return {
      streamId,
      revision: last.revision + 1,
      reason: StoreBreakReason.MissingEvents,
      expected: `revisions 0..${head}`,
      found: `revisions 0..${last.revision}`,
    };
  }
  return undefined;
}

/** Reads the whole feed once: the streams it names, and holes in 1..head. */
async function scanFeed(store: EventStore, pageSize: number): Promise<{ streamIds: Set<string>; gaps: ChainBreak[] }> {
  const streamIds = new Set<string>();
  const gaps: ChainBreak[] = [];
  let expectedPosition = 1;
  let from = 0;
  while (true) {
    const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
    if (page.length === 0) break;
    for (const event of page) {
      streamIds.add(event.streamId);
      if (event.position !== expectedPosition) {
        gaps.push({
          streamId: event.streamId,
          revision: event.revision,
          reason: StoreBreakReason.PositionGap,
          expected: `position ${expectedPosition}`,
          found: `position ${event.position}`,
          event,
        });
      }
      expectedPosition = event.position + 1;
    }
    from = page[page.length - 1].position;
  }
  return { streamIds, gaps };
}
