import { internDefinition, parsedField } from './payload-cache';
import { taskDetailsField, taskEventFamilyOfEvent } from './task-resource';
import { isFailureCascadeEvent } from './redrive';
import {
  type FoldScope,
  type Mutable,
  counted,
  failedAttempt,
  newThread,
  ownChildren,
  ownedArray,
  withOwnedThread,
  withRecord,
  withThread,
  withoutChildren,
  withoutThreadTree,
} from './fold-threads';

export { createFoldScope } from './fold-threads';
export type { FoldScope } from './fold-threads';
import type { ExecutionEvent, StateKind } from './history-event';
import {
  type ChildrenBook,
  type Cursor,
  type ExecutionState,
  type StartedExecution,
  type StatesMap,
  type ThreadState,
  ROOT_THREAD,
  childThreadId,
} from './execution-state';

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
  const evolved = applyEvent(state, event, scope);
  if (event.type === 'ExecutionRedriven') return evolved;
  // What a redrive resumes: the threads before the trailing run of failure events.
  const snapshot = failure ? (state.redriveSnapshot ?? state.threads) : undefined;
  if (evolved.redriveSnapshot === snapshot) return evolved;
  if (!scope) return { ...evolved, redriveSnapshot: snapshot };
  (evolved as Mutable<ExecutionState>).redriveSnapshot = snapshot; // the fold's own (counted)
  return evolved;
}

/** A state entered has retried nothing yet: one shared array (failedAttempt copies before it counts). */
const NO_RETRIES: readonly number[] = Object.freeze([]);

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
    for (const [id, thread] of Object.entries(state.redriveSnapshot ?? {})) threads[id] = { ...thread, pointer: event.id };
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
    const cursor: Cursor = {
      name: details.name as string,
      kind,
      enteredEventId: event.id,
      enteredPointer: event.previousEventId,
      enteredTime: event.timestamp,
      input: parsedField(details, 'input'),
      phase: event.x.wakeAt ? 'wait' : 'running',
      wakeAt: event.x.wakeAt,
      retryCounts: NO_RETRIES,
    };
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
    return withThread(scope, next, { ...thread, cursor: undefined, pointer: event.id, done: true });
  }

  const cursor = thread.cursor;
  switch (type) {
    case 'EvaluationFailed':
      return withThread(scope, next, { ...thread, pointer: event.id });
    case 'TaskScheduled':
    case 'LambdaFunctionScheduled':
    case 'ActivityScheduled': {
      if (!cursor) return withThread(scope, next, { ...thread, pointer: event.id });
      const family = taskEventFamilyOfEvent(type)!;
      const details = event[taskDetailsField(family, 'Scheduled')] as Record<string, unknown>;
      const invocation = state.taskSchedulings?.[cursor.name] ?? 0;
      // Activities start counting TimeoutSeconds when a worker takes them (ActivityStarted);
      // integrations are called as they are scheduled.
      const clock = family === 'Activity' ? undefined : event.timestamp;
      return withThread(scope, 
        { ...next, taskSchedulings: { ...state.taskSchedulings, [cursor.name]: invocation + 1 } },
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
    case 'TaskStarted':
    case 'LambdaFunctionStarted':
    case 'ActivityStarted':
      return withThread(scope, next, {
        ...thread,
        pointer: event.id,
        cursor: cursor && { ...cursor, taskStarted: true, taskClockFrom: cursor.taskClockFrom ?? event.timestamp, lastBeatAt: event.timestamp },
      });
    case 'TaskSubmitted':
      // The job (or the message carrying the token) is out; the task stays open until its result.
      return withThread(scope, next, { ...thread, pointer: event.id, cursor: cursor && { ...cursor, taskSubmitted: true, lastBeatAt: event.timestamp } });
    case 'TaskHeartbeatRecorded':
      // Hidden: the chain of AWS's event ids does not move.
      return withThread(scope, next, { ...thread, cursor: cursor && { ...cursor, lastBeatAt: event.timestamp } });
    case 'TaskSucceeded':
    case 'LambdaFunctionSucceeded':
    case 'ActivitySucceeded':
      return withThread(scope, next, { ...thread, pointer: event.id, cursor: cursor && { ...cursor, phase: 'running', token: undefined } });
    case 'TaskFailed':
    case 'TaskTimedOut':
    case 'LambdaFunctionFailed':
    case 'LambdaFunctionTimedOut':
    case 'ActivityFailed':
    case 'ActivityTimedOut':
    case 'ParallelStateFailed':
    case 'MapStateFailed':
      return failedAttempt(scope, next, thread, event);
    case 'ParallelStateStarted': {
      if (!cursor) return next;
      const branches = (thread.states[cursor.name]?.Branches ?? []) as Array<Record<string, any>>;
      const book: ChildrenBook = {
        kind: 'Parallel',
        total: branches.length,
        nextIndex: branches.length,
        running: branches.map((_, index) => childThreadId(threadId, cursor.enteredEventId, index)),
        results: [],
        succeeded: 0,
        failed: 0,
        maxConcurrency: 0,
      };
      let result = withThread(scope, next, { ...thread, pointer: event.id, cursor: { ...cursor, phase: 'children', children: book } });
      branches.forEach((branch, index) => {
        result = withThread(scope, result, newThread({
          id: childThreadId(threadId, cursor.enteredEventId, index),
          parentId: threadId,
          index,
          states: branch.States as StatesMap,
          queryLanguage: branch.QueryLanguage ?? thread.queryLanguage,
          pointer: event.id,
          variables: thread.variables,
        }));
      });
      return result;
    }
    case 'MapStateStarted': {
      if (!cursor) return next;
      const items = JSON.parse(event.x.items ?? '[]') as unknown[];
      const book: ChildrenBook = {
        kind: 'Map',
        total: items.length,
        items,
        nextIndex: 0,
        running: [],
        results: new Array(items.length).fill(null),
        succeeded: 0,
        failed: 0,
        maxConcurrency: event.x.maxConcurrency ?? 0,
        distributed: event.x.distributed,
        ...(event.x.mapRun ? { mapRun: event.x.mapRun, awaitingItems: event.x.mapRun.reader !== undefined } : {}),
        ...(event.x.mapRun?.writer ? { records: [] } : {}),
        toleratedFailureCount: event.x.toleratedFailureCount,
        toleratedFailurePercentage: event.x.toleratedFailurePercentage,
      };
      return withThread(scope, next, { ...thread, pointer: event.id, cursor: { ...cursor, phase: 'children', children: book } });
    }
    case 'MapIterationStarted': {
      const book = cursor?.children;
      if (!cursor || !book) return next;
      const index = (event.mapIterationStartedEventDetails as { index: number }).index;
      const processor = (thread.states[cursor.name]?.ItemProcessor ?? thread.states[cursor.name]?.Iterator) as Record<string, any>;
      const childId = childThreadId(threadId, cursor.enteredEventId, index);
      const records = book.records && withRecord(scope, book.records, index, { status: 'PENDING', input: JSON.parse(event.x.input ?? 'null'), startDate: event.timestamp });
      // A redrive starts iterations that failed earlier again: they leave the failed count.
      const rerun = book.failedIndices?.includes(index) === true;
      const running = ownedArray(scope, book.running);
      running.push(childId);
      const own = ownChildren(scope, next, thread, cursor, book);
      own.book.nextIndex = Math.max(book.nextIndex, index + 1);
      own.book.running = running;
      if (records) own.book.records = records;
      if (rerun) {
        own.book.failed = book.failed - 1;
        own.book.failedIndices = book.failedIndices!.filter((failed) => failed !== index);
      }
      return withThread(scope, own.state, newThread({
        id: childId,
        parentId: threadId,
        index,
        states: processor.States as StatesMap,
        queryLanguage: processor.QueryLanguage ?? thread.queryLanguage,
        pointer: event.id,
        variables: thread.variables,
        item: book.items?.[index],
        hidden: book.distributed || thread.hidden ? true : undefined,
      }));
    }
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
    case 'MapIterationAborted': {
      const book = cursor?.children;
      if (!cursor || !book) return next;
      const details = (event.mapIterationSucceededEventDetails ??
        event.mapIterationFailedEventDetails ??
        event.mapIterationAbortedEventDetails) as { index: number };
      const childId = childThreadId(threadId, cursor.enteredEventId, details.index);
      const child = state.threads[childId];
      const results = ownedArray(scope, book.results);
      if (type === 'MapIterationSucceeded') results[details.index] = child?.lastOutput ?? null;
      const record = book.records?.[details.index];
      const records = book.records && record && type !== 'MapIterationAborted'
        ? withRecord(scope, book.records, details.index, {
            ...record,
            status: type === 'MapIterationSucceeded' ? 'SUCCEEDED' : 'FAILED',
            stopDate: event.timestamp,
            ...(type === 'MapIterationFailed' ? { error: event.x.error, cause: event.x.cause } : {}),
          })
        : book.records;
      const updated = withoutThreadTree(scope, next, childId);
      if (type === 'MapIterationFailed' && event.x.wakeAt) {
        return failedAttempt(scope, withoutChildren(scope, updated, threadId), { ...thread, pointer: child ? child.pointer : thread.pointer }, event);
      }
      const running = ownedArray(scope, book.running);
      const at = running.indexOf(childId);
      if (at >= 0) running.splice(at, 1);
      const visible = !event.x.hidden;
      const own = ownChildren(scope, updated, thread, cursor, book);
      own.thread.pointer = visible && child ? child.pointer : thread.pointer;
      own.book.running = running;
      own.book.results = results;
      if (records) own.book.records = records;
      own.book.lastIterationEventId = visible ? event.id : book.lastIterationEventId;
      if (type === 'MapIterationSucceeded') own.book.succeeded = book.succeeded + 1;
      if (type === 'MapIterationFailed') {
        own.book.failed = book.failed + 1;
        own.book.failedIndices = [...(book.failedIndices ?? []), details.index];
      }
      return own.state;
    }
    case 'MapRunStarted': {
      const book = cursor?.children;
      if (!cursor || !book) return withThread(scope, next, { ...thread, pointer: event.id });
      const mapRunArn = (event.mapRunStartedEventDetails as { mapRunArn?: string } | undefined)?.mapRunArn;
      let updated: ChildrenBook = { ...book, mapRunStartedEventId: event.id, mapRunArn };
      if (book.awaitingItems) {
        // ItemReader: the items arrive with the Map Run (none when reading failed), or came
        // before it in MapItemsRecorded events (EngineBehaviour.BatchedItems).
        const items = event.x.items !== undefined ? (JSON.parse(event.x.items) as unknown[]) : (book.items ?? []);
        updated = { ...updated, awaitingItems: false, items, total: items.length, results: event.x.items !== undefined ? new Array(items.length).fill(null) : book.results };
      }
      return withThread(scope, next, { ...thread, pointer: event.id, cursor: { ...cursor, children: updated } });
    }
    case 'MapItemsRecorded': {
      // Hidden: the chain does not move; the Map's items (or batches) grow by this batch.
      const book = cursor?.children;
      if (!cursor || !book) return next;
      const batch = JSON.parse(event.x.items ?? '[]') as unknown[];
      const own = ownChildren(scope, next, thread, cursor, book);
      const items = ownedArray(scope, book.items ?? []);
      const results = ownedArray(scope, book.results);
      for (const item of batch) {
        items.push(item);
        results.push(null);
      }
      own.book.items = items;
      own.book.results = results;
      own.book.total = items.length;
      return own.state;
    }
    case 'MapRunRedriven': {
      const book = cursor?.children;
      if (!cursor || !book) return withThread(scope, next, { ...thread, pointer: event.id });
      const redriveCount = (event.mapRunRedrivenEventDetails as { redriveCount?: number } | undefined)?.redriveCount ?? (book.redriveCount ?? 0) + 1;
      return withThread(scope, next, { ...thread, pointer: event.id, cursor: { ...cursor, children: { ...book, redriveCount } } });
    }
    case 'MapRunUpdated': {
      // Hidden: the chain does not move; the book takes the new limits (absent ones stay).
      const book = cursor?.children;
      if (!cursor || !book || book.mapRunArn !== event.x.mapRunArn) return next;
      const updated: ChildrenBook = {
        ...book,
        maxConcurrency: event.x.maxConcurrency ?? book.maxConcurrency,
        toleratedFailureCount: event.x.toleratedFailureCount ?? book.toleratedFailureCount,
        toleratedFailurePercentage: event.x.toleratedFailurePercentage ?? book.toleratedFailurePercentage,
      };
      return withThread(scope, next, { ...thread, cursor: { ...cursor, children: updated } });
    }
    case 'MapStateSucceeded': {
      // AWS does not advance the chain here: MapStateExited links where this event linked,
      // or, after a Map Run, at MapRunStarted (AWS's histories since late 2024; earlier
      // recordings link it at MapRunSucceeded).
      const cleaned = withoutChildren(scope, next, threadId);
      return withThread(scope, cleaned, {
        ...thread,
        pointer: cursor?.children?.mapRunStartedEventId ?? event.previousEventId,
        cursor: cursor && { ...cursor, phase: 'running', children: undefined },
      });
    }
    case 'ParallelStateSucceeded':
    case 'ParallelStateAborted':
    case 'MapStateAborted': {
      const cleaned = withoutChildren(scope, next, threadId);
      return withThread(scope, cleaned, {
        ...thread,
        pointer: event.id,
        cursor: cursor && { ...cursor, phase: 'running', children: undefined },
      });
    }
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

