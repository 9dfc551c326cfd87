import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';

/**
 * Queries answer from the read models once they hold every event committed before the query
 * arrived: a Describe right after a Start (or after the engine finished an execution) sees it.
 * Commands additionally wait for their own append's position before they answer.
 */
export async function catchUp(store: EventStore, projections: Projections): Promise<void> {
  await projections.waitForPosition(await store.headPosition());
}
