import type { ExecutionEvent } from './history-event';
import type { ExecutionState, ThreadState } from './execution-state';
import { type FoldScope, withThread } from './fold-threads';
import { taskDetailsField, taskEventFamilyOfEvent } from './task-resource';

/**
 * The fold of a task's events (see evolve): TaskScheduled (and its Lambda and Activity twins)
 * opens the task on the thread's cursor; started, submitted, heartbeat and success move it on.
 * Failures are failedAttempt's (fold-threads.ts). Each takes the state with the event counted
 * (`next`) and the event's thread.
 */

export function foldTaskScheduled(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  if (!cursor) return withThread(scope, next, { ...thread, pointer: event.id });
  const family = taskEventFamilyOfEvent(event.type)!;
  const details = event[taskDetailsField(family, 'Scheduled')] as Record<string, unknown>;
  const invocation = next.taskSchedulings?.[cursor.name] ?? 0;
  // Activities start counting TimeoutSeconds when a worker takes them (ActivityStarted);
  // integrations are called as they are scheduled.
  const clock = family === 'Activity' ? undefined : event.timestamp;
  return withThread(scope,
    { ...next, taskSchedulings: { ...next.taskSchedulings, [cursor.name]: invocation + 1 } },
    {
      ...thread,
      pointer: event.id,
      cursor: {
        ...cursor,
        phase: 'task',
        token: event.x.token,
        taskStarted: false,
        taskSubmitted: false,
        taskFamily: family,
        taskInvocation: invocation,
        taskResource: details.resource as string,
        taskResourceType: family === 'Task' ? (details.resourceType as string) : undefined,
        taskParameters: (family === 'Task' ? details.parameters : details.input) as string,
        taskTimeoutSeconds: event.x.timeoutSeconds,
        heartbeatSeconds: event.x.heartbeatSeconds,
        taskClockFrom: clock,
        lastBeatAt: clock,
      },
    },
  );
}

/** TaskStarted, LambdaFunctionStarted, ActivityStarted. */
export function foldTaskStarted(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  return withThread(scope, next, {
    ...thread,
    pointer: event.id,
    cursor: cursor && { ...cursor, taskStarted: true, taskClockFrom: cursor.taskClockFrom ?? event.timestamp, lastBeatAt: event.timestamp },
  });
}

/** The job (or the message carrying the token) is out; the task stays open until its result. */
export function foldTaskSubmitted(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  return withThread(scope, next, { ...thread, pointer: event.id, cursor: cursor && { ...cursor, taskSubmitted: true, lastBeatAt: event.timestamp } });
}

/** Hidden: the chain of AWS's event ids does not move. */
export function foldTaskHeartbeat(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  return withThread(scope, next, { ...thread, cursor: cursor && { ...cursor, lastBeatAt: event.timestamp } });
}

/** TaskSucceeded, LambdaFunctionSucceeded, ActivitySucceeded: the state goes on with the result. */
export function foldTaskSucceeded(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  return withThread(scope, next, { ...thread, pointer: event.id, cursor: cursor && { ...cursor, phase: 'running', token: undefined } });
}
