import { internDefinition, parsedField } from './payload-cache';
import { isFailureCascadeEvent } from './redrive';
import { EngineBehaviour } from './behaviour';
import { type FoldScope, type Mutable, counted, countedInChild, failedAttempt, newThread, withOwnedThread, withThread, withoutChildren } from './fold-threads';
import {
  foldChildrenClosed,
  foldMapIterationEnded,
  foldMapIterationStarted,
  foldMapRunRedriven,
  foldMapItemsRecorded,
  foldMapRunStarted,
  foldMapRunUpdated,
  foldMapStarted,
  foldMapStateSucceeded,
  foldParallelStarted,
} from './fold-children';
import { foldTaskHeartbeat, foldTaskScheduled, foldTaskStarted, foldTaskSubmitted, foldTaskSucceeded } from './fold-task';
import type { ExecutionEvent, StateKind } from './history-event';
import { type Cursor, type ExecutionState, type StartedExecution, type StatesMap, type ThreadState, childThreadId, ROOT_THREAD } from './execution-state';

export { createFoldScope } from './fold-threads';
export type { FoldScope } from './fold-threads';

/**
 * The fold: state = events.reduce(evolve, initialExecutionState). Pure; it never evaluates
 * the language (choices taken, items, deadlines and tokens are in the events), so a replay
 * gives the state the decider saw, whatever later versions of the evaluator would compute.
 *
 * previousEventId follows AWS's chain, as recorded histories show it: ExecutionStarted does
 * not advance it (the first state's Entered points at 0); Map iteration events point at the
 * iteration's last event without advancing; when a branch ends, its parent continues from the
 * branch's last event; EvaluationFailed points where the failing state's Entered pointed.
 */
export function evolve(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  return evolveWithin(state, event, undefined);
}

/**
 * evolve, for a caller that folds a run of events and only keeps the last state (the decider
 * within one decision, a replay): the states it passed in earlier may share the objects the
 * scope owns and must not be read again. The resulting state equals evolve's, deep-equal
 * (fold-scope.spec.ts replays decisions with both).
 */
export function evolveOwned(state: ExecutionState, event: ExecutionEvent, scope: FoldScope): ExecutionState {
  return evolveWithin(state, event, scope);
}

function evolveWithin(state: ExecutionState, event: ExecutionEvent, scope: FoldScope | undefined): ExecutionState {
  const failure = event.type !== 'ExecutionRedriven' && isFailureCascadeEvent(event);
  // The snapshot keeps the threads (and the books in them) as they were: nothing it reaches
  // may change in place from here on.
  if (scope && failure && !state.redriveSnapshot) scope.owned.clear();
  let evolved = applyEvent(state, event, scope);
  if (event.x.hidden === true && evolved.start?.behaviour !== undefined && evolved.start.behaviour >= EngineBehaviour.ChildHistoryQuota) {
    evolved = countedInChild(scope, evolved, event.x.th);
  }
  if (event.type === 'ExecutionRedriven') return evolved;
  // What a redrive resumes: the threads before the trailing run of failure events.
  const snapshot = failure ? (state.redriveSnapshot ?? state.threads) : undefined;
  if (evolved.redriveSnapshot === snapshot) return evolved;
  if (!scope) return { ...evolved, redriveSnapshot: snapshot };
  (evolved as Mutable<ExecutionState>).redriveSnapshot = snapshot; // the fold's own (counted)
  return evolved;
}

/**
 * EngineBehaviour.InlineMapRedriveConcurrency: an inline Map's iterations that failed within the
 * tolerance wait to be redriven (the book's redriveQueue, in the order they failed), leaving the
 * failed count; startIterations starts them as MaxConcurrency leaves room.
 */
function inlineMapRedriveQueued(thread: ThreadState): ThreadState {
  const cursor = thread.cursor;
  const book = cursor?.children;
  if (!cursor || !book || book.kind !== 'Map' || book.distributed === true || !book.failedIndices?.length) return thread;
  const queue = [...book.failedIndices, ...(book.redriveQueue ?? [])];
  return { ...thread, cursor: { ...cursor, children: { ...book, failed: book.failed - book.failedIndices.length, failedIndices: [], redriveQueue: queue } } };
}

/** A state entered has retried nothing yet: one shared array (failedAttempt copies before it counts). */
const NO_RETRIES: readonly number[] = Object.freeze([]);

/**
 * The cursor of a state just entered. A Task's has every field its task events set from the
 * start, all absent until TaskScheduled: they then change it in place (fold-task.ts) without
 * changing its shape. Both are object literals: the Task one had been `{ ...entered,
 * ...TASK_CURSOR_FIELDS }`, and a second spread (of a frozen object) left a dictionary-mode
 * object, so every task event's stores into it were hash-table stores (bench/README.md).
 */
function enteredCursor(kind: StateKind, name: string, event: ExecutionEvent, input: unknown): Cursor {
  const wakeAt = event.x.wakeAt;
  const phase = wakeAt ? 'wait' : 'running';
  if (kind !== 'Task') {
    return { name, kind, enteredEventId: event.id, enteredPointer: event.previousEventId, enteredTime: event.timestamp, input, phase, wakeAt, retryCounts: NO_RETRIES };
  }
  return {
    name,
    kind,
    enteredEventId: event.id,
    enteredPointer: event.previousEventId,
    enteredTime: event.timestamp,
    input,
    phase,
    wakeAt,
    retryCounts: NO_RETRIES,
    token: undefined,
    taskStarted: undefined,
    taskResource: undefined,
    taskResourceType: undefined,
    taskParameters: undefined,
    taskFamily: undefined,
    taskSubmitted: undefined,
    taskInvocation: undefined,
    taskTimeoutSeconds: undefined,
    heartbeatSeconds: undefined,
    taskClockFrom: undefined,
    lastBeatAt: undefined,
    children: undefined,
  };
}

const CLOSING_DETAILS_FIELD = {
  ExecutionSucceeded: 'executionSucceededEventDetails',
  ExecutionFailed: 'executionFailedEventDetails',
  ExecutionAborted: 'executionAbortedEventDetails',
  ExecutionTimedOut: 'executionTimedOutEventDetails',
} as const;

function applyEvent(state: ExecutionState, event: ExecutionEvent, scope: FoldScope | undefined): ExecutionState {
  const next = counted(scope, state, event);
  const type = event.type;
  const threadId = event.x.th;

  if (type === 'ExecutionStarted') {
    const start = event.x.start!;
    const details = event.executionStartedEventDetails;
    const definition = internDefinition(start.definition);
    const definitionObject = definition.object;
    const started: StartedExecution = {
      executionArn: start.executionArn,
      stateMachineArn: start.stateMachineArn,
      name: start.name,
      type: start.type,
      definition: definition.text,
      timeoutAt: start.timeoutAt,
      traceHeader: start.traceHeader,
      testCase: start.testCase,
      behaviour: start.behaviour,
      redriveCount: start.redriveCount,
      input: parsedField(details, 'input'),
      inputText: details.input as string,
      roleArn: details.roleArn as string,
      startDate: event.timestamp,
      definitionObject,
    };
    const root = newThread({
      id: ROOT_THREAD,
      index: 0,
      states: definitionObject.States as StatesMap,
      queryLanguage: definitionObject.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath',
      pointer: 0,
      variables: {},
    });
    const threads = { [ROOT_THREAD]: root };
    if (!scope) return { ...next, status: 'RUNNING', start: started, threads };
    // `next` is this fold's own (counted): changed in place, and what it now holds is its own too.
    const own = next as Mutable<ExecutionState>;
    own.status = 'RUNNING';
    own.start = started;
    own.threads = threads;
    scope.owned.add(threads);
    scope.owned.add(root);
    return own;
  }
  if (type === 'ExecutionRedriven') {
    // The threads before the failure come back; the decider re-enters their unsuccessful states.
    const threads: Record<string, ThreadState> = {};
    const paced = (state.start?.behaviour ?? EngineBehaviour.Initial) >= EngineBehaviour.InlineMapRedriveConcurrency;
    for (const [id, thread] of Object.entries(state.redriveSnapshot ?? {})) threads[id] = paced ? inlineMapRedriveQueued({ ...thread, pointer: event.id }) : { ...thread, pointer: event.id };
    const details = event.executionRedrivenEventDetails as { redriveCount: number };
    return {
      ...next,
      status: 'RUNNING',
      threads,
      start: state.start && { ...state.start, redriveCount: details.redriveCount, timeoutAt: event.x.redrive?.timeoutAt ?? state.start.timeoutAt },
      stopDate: undefined,
      output: undefined,
      error: undefined,
      cause: undefined,
      redriveSnapshot: undefined,
      redriveDate: event.timestamp,
      redriveClientToken: event.x.redrive?.clientToken,
    };
  }
  if (
    type === 'ExecutionSucceeded' ||
    type === 'ExecutionFailed' ||
    type === 'ExecutionAborted' ||
    type === 'ExecutionTimedOut'
  ) {
    const status =
      type === 'ExecutionSucceeded' ? 'SUCCEEDED' : type === 'ExecutionFailed' ? 'FAILED' : type === 'ExecutionAborted' ? 'ABORTED' : 'TIMED_OUT';
    const details = (event[CLOSING_DETAILS_FIELD[type]] ?? {}) as Record<string, unknown>;
    const own = (scope ? next : { ...next }) as Mutable<ExecutionState>;
    own.status = status;
    own.threads = {};
    own.stopDate = event.timestamp;
    own.output = details.output as string | undefined;
    own.error = details.error as string | undefined;
    own.cause = details.cause as string | undefined;
    return own;
  }

  const thread = state.threads[threadId];
  if (!thread) return next; // events of a thread already ended (e.g. aborted siblings)

  if (type.endsWith('StateEntered')) {
    const details = event.stateEnteredEventDetails as Record<string, unknown>;
    const kind = type.slice(0, -'StateEntered'.length) as StateKind;
    const cursor = enteredCursor(kind, details.name as string, event, parsedField(details, 'input'));
    scope?.owned.add(cursor);
    if (scope?.owned.has(thread)) {
      const own = thread as Mutable<ThreadState>;
      own.cursor = cursor;
      own.pointer = event.id;
      if (own.next !== undefined) delete own.next;
      return next;
    }
    if (thread.next !== undefined) {
      const { next: _continued, ...rest } = thread;
      return withOwnedThread(scope, next, { ...rest, cursor, pointer: event.id });
    }
    return withOwnedThread(scope, next, { ...thread, cursor, pointer: event.id });
  }
  if (type.endsWith('StateExited')) {
    const details = event.stateExitedEventDetails as Record<string, unknown>;
    const assigned = details.assignedVariables as Record<string, string> | undefined;
    let variables = thread.variables;
    if (assigned) {
      variables = { ...variables };
      const parsed = parsedField(details, 'assignedVariables$parsed') as Record<string, unknown> | undefined;
      for (const [name, text] of Object.entries(assigned)) {
        (variables as Record<string, unknown>)[name] = parsed && name in parsed ? parsed[name] : JSON.parse(text);
      }
    }
    const ended = event.x.next === undefined;
    const lastOutput = parsedField(details, 'output');
    const cleaned = thread.cursor?.children ? withoutChildren(scope, next, threadId) : next;
    if (scope?.owned.has(thread)) {
      const own = thread as Mutable<ThreadState>;
      own.cursor = undefined;
      own.pointer = event.id;
      own.variables = variables;
      own.lastOutput = lastOutput;
      own.done = ended;
      if (event.x.next !== undefined) own.next = event.x.next;
      else if (own.next !== undefined) delete own.next;
      return cleaned;
    }
    return withOwnedThread(scope, cleaned, {
      ...thread,
      cursor: undefined,
      pointer: event.id,
      variables,
      lastOutput,
      done: ended,
      ...(event.x.next !== undefined ? { next: event.x.next } : {}),
    });
  }
  if (type.endsWith('StateAborted')) {
    // An abort AWS does not write (a Wait stopped with its execution, hidden in a visible thread)
    // leaves the next event linked to the one before it.
    const unrecorded = event.x.hidden === true && thread.hidden !== true;
    return withThread(scope, next, { ...thread, cursor: undefined, pointer: unrecorded ? thread.pointer : event.id, done: true });
  }

  switch (type) {
    case 'EvaluationFailed':
      return withThread(scope, next, { ...thread, pointer: event.id });
    case 'TaskScheduled':
    case 'LambdaFunctionScheduled':
    case 'ActivityScheduled':
      return foldTaskScheduled(scope, next, thread, event);
    case 'TaskStarted':
    case 'LambdaFunctionStarted':
    case 'ActivityStarted':
      return foldTaskStarted(scope, next, thread, event);
    case 'TaskSubmitted':
      return foldTaskSubmitted(scope, next, thread, event);
    case 'TaskHeartbeatRecorded':
      return foldTaskHeartbeat(scope, next, thread, event);
    case 'TaskSucceeded':
    case 'LambdaFunctionSucceeded':
    case 'ActivitySucceeded':
      return foldTaskSucceeded(scope, next, thread, event);
    case 'TaskFailed':
    case 'TaskTimedOut':
    case 'LambdaFunctionFailed':
    case 'LambdaFunctionTimedOut':
    case 'ActivityFailed':
    case 'ActivityTimedOut':
    case 'ParallelStateFailed':
    case 'MapStateFailed':
      return failedAttempt(scope, next, thread, event);
    case 'ParallelStateStarted':
      return foldParallelStarted(scope, next, thread, event);
    case 'MapStateStarted': {
      const started = foldMapStarted(scope, next, thread, event);
      // A retried Map starts a new Map Run whose children reuse the thread ids: the last run's
      // quota failures are not theirs (EngineBehaviour.QuotaFailuresKept).
      const unredrivable = started.unredrivable;
      if (!unredrivable || !thread.cursor) return started;
      const prefix = `${thread.id}/${thread.cursor.enteredEventId}.`;
      const kept = unredrivable.filter((childId) => !childId.startsWith(prefix));
      if (kept.length === unredrivable.length) return started;
      const rest = kept.length > 0 ? kept : undefined;
      if (!scope?.owned.has(started)) return { ...started, unredrivable: rest };
      (started as Mutable<ExecutionState>).unredrivable = rest;
      return started;
    }
    case 'MapIterationStarted':
      return foldMapIterationStarted(scope, next, thread, event);
    case 'MapIterationSucceeded':
    case 'MapIterationAborted':
      return foldMapIterationEnded(scope, next, thread, event);
    case 'MapIterationFailed': {
      const ended = foldMapIterationEnded(scope, next, thread, event);
      if (event.x.notRedrivable !== true || !thread.cursor) return ended;
      const childId = childThreadId(thread.id, thread.cursor.enteredEventId, (event.mapIterationFailedEventDetails as { index: number }).index);
      const unredrivable = [...(ended.unredrivable ?? []), childId];
      if (!scope?.owned.has(ended)) return { ...ended, unredrivable };
      (ended as Mutable<ExecutionState>).unredrivable = unredrivable;
      return ended;
    }
    case 'MapRunStarted':
      return foldMapRunStarted(scope, next, thread, event);
    case 'MapItemsRecorded':
      return foldMapItemsRecorded(scope, next, thread, event);
    case 'MapRunRedriven':
      return foldMapRunRedriven(scope, next, thread, event);
    case 'MapRunUpdated':
      return foldMapRunUpdated(scope, next, thread, event);
    case 'MapStateSucceeded':
      return foldMapStateSucceeded(scope, next, thread, event);
    case 'ParallelStateSucceeded':
    case 'ParallelStateAborted':
    case 'MapStateAborted':
      return foldChildrenClosed(scope, next, thread, event);
    // The rest only advance the thread's chain (the Entered, Exited and most Aborted events
    // returned above; listed so that a new event type must be placed here).
    case 'ChoiceStateAborted':
    case 'ChoiceStateEntered':
    case 'ChoiceStateExited':
    case 'FailStateAborted':
    case 'FailStateEntered':
    case 'FailStateExited':
    case 'MapRunAborted':
    case 'MapRunFailed':
    case 'MapRunSucceeded':
    case 'MapStateEntered':
    case 'MapStateExited':
    case 'ParallelStateEntered':
    case 'ParallelStateExited':
    case 'PassStateAborted':
    case 'PassStateEntered':
    case 'PassStateExited':
    case 'SucceedStateAborted':
    case 'SucceedStateEntered':
    case 'SucceedStateExited':
    case 'TaskStateAborted':
    case 'TaskStateEntered':
    case 'TaskStateExited':
    case 'WaitStateAborted':
    case 'WaitStateEntered':
    case 'WaitStateExited':
      return withThread(scope, next, { ...thread, pointer: event.id });
    default: {
      // A type added to history-event.ts without a case here fails to compile. At run time an
      // unknown type (a stream written by a newer engine) only advances the chain, as before.
      const unknown: never = type;
      void unknown;
      return withThread(scope, next, { ...thread, pointer: (event as ExecutionEvent).id });
    }
  }
}

