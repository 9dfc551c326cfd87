import type { ExecutionEvent } from './history-event';
import type { ExecutionState, ThreadState } from './execution-state';
import { type FoldScope, type Mutable, ownCursor, withThread } from './fold-threads';
import { taskDetailsField, taskEventFamilyOfEvent } from './task-resource';

/**
 * The fold of a task's events (see evolve): TaskScheduled (and its Lambda and Activity twins)
 * opens the task on the thread's cursor; started, submitted, heartbeat and success move it on.
 * Failures are failedAttempt's (fold-threads.ts). Each takes the state with the event counted
 * (`next`) and the event's thread, and changes the thread's cursor in place where the fold's
 * scope owns it (ownCursor).
 */

export function foldTaskScheduled(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  if (!cursor) return withThread(scope, next, { ...thread, pointer: event.id });
  const family = taskEventFamilyOfEvent(event.type)!;
  const details = event[taskDetailsField(family, 'Scheduled')] as Record<string, unknown>;
  const counted = countScheduling(scope, next, cursor.name);
  // Activities start counting TimeoutSeconds when a worker takes them (ActivityStarted);
  // integrations are called as they are scheduled.
  const clock = family === 'Activity' ? undefined : event.timestamp;
  const own = ownCursor(scope, counted.state, thread, cursor);
  own.thread.pointer = event.id;
  const task = own.cursor;
  task.phase = 'task';
  task.token = event.x.token;
  task.taskStarted = false;
  task.taskSubmitted = false;
  task.taskFamily = family;
  task.taskInvocation = counted.invocation;
  task.taskResource = details.resource as string;
  task.taskResourceType = family === 'Task' ? (details.resourceType as string) : undefined;
  task.taskParameters = (family === 'Task' ? details.parameters : details.input) as string;
  task.taskTimeoutSeconds = event.x.timeoutSeconds;
  task.heartbeatSeconds = event.x.heartbeatSeconds;
  task.taskClockFrom = clock;
  task.lastBeatAt = clock;
  return own.state;
}

/**
 * One more scheduling of the state `name` (mocked responses are picked by it). In a scope the
 * counts are the fold's own and change in place: a copy of the whole execution state per
 * TaskScheduled only to count it was a tenth of the Retry loop's fold.
 */
function countScheduling(scope: FoldScope | undefined, state: ExecutionState, name: string): { state: ExecutionState; invocation: number } {
  const counts = state.taskSchedulings;
  const invocation = counts?.[name] ?? 0;
  if (!scope?.owned.has(state)) {
    const copy = { ...state, taskSchedulings: { ...counts, [name]: invocation + 1 } };
    scope?.owned.add(copy);
    return { state: copy, invocation };
  }
  let own = counts as Record<string, number> | undefined;
  if (own === undefined || !scope.owned.has(own)) {
    own = { ...counts };
    scope.owned.add(own);
    (state as Mutable<ExecutionState>).taskSchedulings = own;
  }
  own[name] = invocation + 1;
  return { state, invocation };
}

/** TaskStarted, LambdaFunctionStarted, ActivityStarted. */
export function foldTaskStarted(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  if (!cursor) return withThread(scope, next, { ...thread, pointer: event.id });
  const own = ownCursor(scope, next, thread, cursor);
  own.thread.pointer = event.id;
  own.cursor.taskStarted = true;
  own.cursor.taskClockFrom = cursor.taskClockFrom ?? event.timestamp;
  own.cursor.lastBeatAt = event.timestamp;
  return own.state;
}

/** The job (or the message carrying the token) is out; the task stays open until its result. */
export function foldTaskSubmitted(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  if (!cursor) return withThread(scope, next, { ...thread, pointer: event.id });
  const own = ownCursor(scope, next, thread, cursor);
  own.thread.pointer = event.id;
  own.cursor.taskSubmitted = true;
  own.cursor.lastBeatAt = event.timestamp;
  return own.state;
}

/** Hidden: the chain of AWS's event ids does not move. */
export function foldTaskHeartbeat(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  if (!cursor) return withThread(scope, next, { ...thread });
  const own = ownCursor(scope, next, thread, cursor);
  own.cursor.lastBeatAt = event.timestamp;
  return own.state;
}

/** TaskSucceeded, LambdaFunctionSucceeded, ActivitySucceeded: the state goes on with the result. */
export function foldTaskSucceeded(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  if (!cursor) return withThread(scope, next, { ...thread, pointer: event.id });
  const own = ownCursor(scope, next, thread, cursor);
  own.thread.pointer = event.id;
  own.cursor.phase = 'running';
  own.cursor.token = undefined;
  return own.state;
}
