import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';

/**
 * Queries (and the audit log) answer from the read models once they hold every event committed
 * before the query arrived: a Describe right after a Start (or after the engine finished an
 * execution) sees it. StartExecution therefore answers as soon as its events are committed;
 * the rarer commands (state machine changes, Stop, Redrive) still wait for their own position.
 */
export async function catchUp(store: EventStore, projections: Projections): Promise<void> {
  await projections.waitForPosition(await store.headPosition());
}

/**
 * One stream's read-your-writes: the read models hold every event of `streamId` committed
 * before the query arrived. DescribeExecution waits for its own execution only: waiting for the
 * whole store's head made every Describe wait for the read models to catch up with whatever
 * other executions were writing (a Map over 100,000 items; issue 18). A stream with no events
 * (an ARN whose rows come from another stream, or none) waits for the head as `catchUp` does.
 */
export async function catchUpStream(store: EventStore, projections: Projections, streamId: string): Promise<void> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  await projections.waitForPosition(last ? last.position : await store.headPosition());
}
