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
