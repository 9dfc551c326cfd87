import { evolve } from './evolve';
import { type ExecutionState, type ExecutionStatus, ROOT_THREAD, initialExecutionState } from './execution-state';
import { type ExecutionEvent, detailsFieldOf, isHistoryEvent } from './history-event';

/**
 * An execution rebuilt one event at a time: what `stepstone replay` prints and the console's
 * timeline steps through. Pure: a fold of the stored events with `evolve`, so each step shows
 * exactly the state the decider saw after that event.
 */
export interface TimelineStep {
  readonly eventId: number;
  readonly previousEventId: number;
  readonly type: string;
  readonly timestamp: string;
  /** The branch thread of the event ('0': top level). */
  readonly threadId: string;
  /** The state the event belongs to (absent for execution-level events). */
  readonly stateName?: string;
  /** JSON text as the event records it (a state's or the execution's input, a task's parameters). */
  readonly input?: string;
  /** JSON text: a state's, a task's or the execution's output. */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** Variables in scope for the event's thread after the step (`Assign`). */
  readonly variables: Readonly<Record<string, unknown>>;
  /** The execution's status after the step. */
  readonly status: ExecutionStatus | 'NONE';
}

export interface Timeline {
  readonly steps: readonly TimelineStep[];
  /** The folded state after the last step. */
  readonly state: ExecutionState;
}

export interface TimelineOptions {
  /** Stop after the event with this id (inclusive). */
  readonly toEventId?: number;
}

/**
 * Folds `events` (a whole stream, in order) and describes each history event. Events hidden
 * from history (Distributed Map iterations) are folded but not shown, as GetExecutionHistory
 * leaves them out.
 */
export function buildTimeline(events: readonly ExecutionEvent[], options: TimelineOptions = {}): Timeline {
  const steps: TimelineStep[] = [];
  let state = initialExecutionState;
  for (const event of events) {
    const before = state;
    state = evolve(state, event);
    if (!isHistoryEvent(event)) continue;
    steps.push(describeStep(event, before, state));
    if (options.toEventId !== undefined && event.id >= options.toEventId) break;
  }
  return { steps, state };
}

function describeStep(event: ExecutionEvent, before: ExecutionState, after: ExecutionState): TimelineStep {
  const threadId = event.x.th;
  const field = detailsFieldOf(event.type);
  const details = (field ? event[field] : undefined) as Record<string, unknown> | undefined;
  // A finished branch leaves the state when its parent exits: its last values are in `before`.
  const thread = after.threads[threadId] ?? before.threads[threadId] ?? after.threads[ROOT_THREAD];
  const stateName = stringOf(details?.name) ?? before.threads[threadId]?.cursor?.name ?? after.threads[threadId]?.cursor?.name;
  const input = stringOf(details?.input) ?? stringOf(details?.parameters);
  const output = stringOf(details?.output);
  const error = stringOf(details?.error);
  const cause = stringOf(details?.cause);
  return {
    eventId: event.id,
    previousEventId: event.previousEventId,
    type: event.type,
    timestamp: event.timestamp,
    threadId,
    ...(stateName !== undefined && !event.type.startsWith('Execution') ? { stateName } : {}),
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(cause !== undefined ? { cause } : {}),
    variables: thread?.variables ?? {},
    status: after.status,
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
