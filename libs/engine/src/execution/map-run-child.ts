import { childThreadId } from './execution-state';
import type { ExecutionEvent } from './history-event';

/**
 * A child workflow execution of a Distributed Map, read out of its parent's stream. On AWS each
 * child is an execution of its own, with its own history (GetExecutionHistory on the child's
 * ARN); here a child runs as a thread of the parent (`<map thread>/<MapStateEntered id>.<index>`)
 * whose events are hidden from the parent's history. This gives the child's history as AWS
 * shapes one: ExecutionStarted with the child's input, the child's own state events numbered
 * from 1 (previousEventIds renumbered with them, timestamps kept), ExecutionRedriven when a
 * redrive of the Map Run starts it again, and ExecutionSucceeded/Failed/Aborted where the parent
 * recorded MapIterationSucceeded/Failed/Aborted for its index.
 */
export interface MapRunChild {
  /** The child's history as AWS shows it (`x` holds nothing: these events are never stored). */
  readonly events: readonly ExecutionEvent[];
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

type Seen = ExecutionEvent & { readonly x: { readonly th?: string } };

const threadOf = (event: ExecutionEvent): string => (event as Seen).x?.th ?? '0';

const indexOf = (event: ExecutionEvent): number | undefined =>
  (
    (event.mapIterationStartedEventDetails ??
      event.mapIterationSucceededEventDetails ??
      event.mapIterationFailedEventDetails ??
      event.mapIterationAbortedEventDetails) as { index?: number } | undefined
  )?.index;

/**
 * The child of the Map Run `mapRunArn` that ran item (or batch) `index`, from the parent's
 * stream `parent` (every event, hidden ones included, in order); undefined when the stream has
 * no such Map Run or the child never started.
 */
export function mapRunChildOf(parent: readonly ExecutionEvent[], mapRunArn: string, index: number): MapRunChild | undefined {
  const startedAt = parent.findIndex(
    (event) => event.type === 'MapRunStarted' && (event.mapRunStartedEventDetails as { mapRunArn?: string } | undefined)?.mapRunArn === mapRunArn,
  );
  if (startedAt < 0) return undefined;
  const mapThread = threadOf(parent[startedAt]);
  let entered: ExecutionEvent | undefined;
  for (let at = startedAt - 1; at >= 0 && !entered; at--) {
    if (parent[at].type === 'MapStateEntered' && threadOf(parent[at]) === mapThread) entered = parent[at];
  }
  if (!entered) return undefined;
  const childThread = childThreadId(mapThread, entered.id, index);
  const nested = `${childThread}/`;
  const roleArn = (parent[0]?.executionStartedEventDetails as { roleArn?: string } | undefined)?.roleArn;

  const events: ExecutionEvent[] = [];
  const renumbered = new Map<number, number>();
  let input: string | undefined;
  /** Whether MapIterationStarted recorded the input (it does when a ResultWriter needs it). */
  let inputRecorded = false;
  let output: string | undefined;
  let error: string | undefined;
  let cause: string | undefined;
  /** Between the child's end and a redrive that runs it again. */
  let ended = false;
  let redriven = 0;
  const push = (type: string, timestamp: string, previous: number | undefined, fields: Record<string, unknown>, originalId?: number) => {
    const id = events.length + 1;
    const previousEventId = previous !== undefined ? (renumbered.get(previous) ?? id - 1) : id - 1;
    events.push({ type, id, previousEventId, timestamp, ...fields } as unknown as ExecutionEvent);
    if (originalId !== undefined) renumbered.set(originalId, id);
  };

  for (let at = startedAt + 1; at < parent.length; at++) {
    const event = parent[at];
    const thread = threadOf(event);
    if (thread === mapThread) {
      // A retried Map starts a new Map Run (MapStateStarted, MapRunStarted): this one is over.
      if (event.type === 'MapStateStarted' || event.type === 'MapRunStarted') break;
      if (!event.type.startsWith('MapIteration') || indexOf(event) !== index) continue;
      if (event.type === 'MapIterationStarted') {
        if (events.length === 0) {
          input = event.x.input;
          inputRecorded = input !== undefined;
          push('ExecutionStarted', event.timestamp, undefined, { executionStartedEventDetails: { input: input ?? 'null', inputDetails: { truncated: false }, ...(roleArn !== undefined ? { roleArn } : {}) } }, event.id);
        } else if (ended) {
          redriven += 1;
          ended = false;
          push('ExecutionRedriven', event.timestamp, undefined, { executionRedrivenEventDetails: { redriveCount: redriven } }, event.id);
        } else {
          renumbered.set(event.id, events.length);
        }
        continue;
      }
      if (events.length === 0) continue;
      ended = true;
      if (event.type === 'MapIterationSucceeded') {
        error = cause = undefined;
        push('ExecutionSucceeded', event.timestamp, event.previousEventId, { executionSucceededEventDetails: { output: output ?? 'null', outputDetails: { truncated: false } } });
      } else if (event.type === 'MapIterationFailed') {
        error = event.x.error;
        cause = event.x.cause;
        push('ExecutionFailed', event.timestamp, event.previousEventId, { executionFailedEventDetails: { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) } });
      } else {
        push('ExecutionAborted', event.timestamp, event.previousEventId, {});
      }
      continue;
    }
    if (thread !== childThread && !thread.startsWith(nested)) continue;
    if (events.length === 0) continue;
    if (ended) {
      // A redrive resumed the child where it stopped (no MapIterationStarted before it).
      redriven += 1;
      ended = false;
      push('ExecutionRedriven', event.timestamp, undefined, { executionRedrivenEventDetails: { redriveCount: redriven } });
    }
    const { x: _internals, id, previousEventId, type, timestamp, ...details } = event;
    if (input === undefined && thread === childThread && type.endsWith('StateEntered')) input = (details.stateEnteredEventDetails as { input?: string } | undefined)?.input;
    if (thread === childThread && type.endsWith('StateExited')) output = (details.stateExitedEventDetails as { output?: string } | undefined)?.output;
    push(type, timestamp, previousEventId, details, id);
  }
  if (events.length === 0) return undefined;
  if (!inputRecorded && input !== undefined) {
    // MapIterationStarted records the input only for a ResultWriter: else the first state's input is the child's.
    events[0] = { ...events[0], executionStartedEventDetails: { ...(events[0].executionStartedEventDetails as object), input } } as ExecutionEvent;
  }
  return { events, input, output, error, cause };
}
