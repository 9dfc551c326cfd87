import { internDefinition, parsedField } from './payload-cache';
import type { ExecutionEvent, StateKind } from './history-event';
import {
  type ChildrenBook,
  type Cursor,
  type ExecutionState,
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
  const next = event.x.hidden
    ? { ...state, hiddenEvents: state.hiddenEvents + 1 }
    : { ...state, lastEventId: event.id };
  const type = event.type;
  const threadId = event.x.th;

  if (type === 'ExecutionStarted') {
    const start = event.x.start!;
    const details = event.executionStartedEventDetails as Record<string, unknown>;
    const definition = internDefinition(start.definition);
    const definitionObject = definition.object;
    return {
      ...next,
      status: 'RUNNING',
      start: {
        ...start,
        definition: definition.text,
        input: parsedField(details, 'input'),
        inputText: details.input as string,
        roleArn: details.roleArn as string,
        startDate: event.timestamp,
        definitionObject,
      },
      threads: {
        [ROOT_THREAD]: {
          id: ROOT_THREAD,
          index: 0,
          states: definitionObject.States as StatesMap,
          queryLanguage: definitionObject.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath',
          pointer: 0,
          variables: {},
          done: false,
        },
      },
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
    const details = (event[`${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`] ?? {}) as Record<string, unknown>;
    return {
      ...next,
      status,
      threads: {},
      stopDate: event.timestamp,
      output: details.output as string | undefined,
      error: details.error as string | undefined,
      cause: details.cause as string | undefined,
    };
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
      retryCounts: [],
    };
    return withThread(next, { ...thread, cursor, pointer: event.id });
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
    return withThread(thread.cursor?.children ? withoutChildren(next, threadId) : next, {
      ...thread,
      cursor: undefined,
      pointer: event.id,
      variables,
      lastOutput: parsedField(details, 'output'),
      done: ended,
    });
  }
  if (type.endsWith('StateAborted')) {
    return withThread(next, { ...thread, cursor: undefined, pointer: event.id, done: true });
  }

  const cursor = thread.cursor;
  switch (type) {
    case 'EvaluationFailed':
      return withThread(next, { ...thread, pointer: event.id });
    case 'TaskScheduled': {
      const details = event.taskScheduledEventDetails as Record<string, unknown>;
      return withThread(next, {
        ...thread,
        pointer: event.id,
        cursor: cursor && {
          ...cursor,
          phase: 'task',
          token: event.x.token,
          taskStarted: false,
          taskResource: `${details.resourceType}:${details.resource}`,
          taskParameters: details.parameters as string,
        },
      });
    }
    case 'TaskStarted':
      return withThread(next, { ...thread, pointer: event.id, cursor: cursor && { ...cursor, taskStarted: true } });
    case 'TaskSucceeded':
    case 'TaskSubmitted':
      return withThread(next, { ...thread, pointer: event.id, cursor: cursor && { ...cursor, phase: 'running', token: undefined } });
    case 'TaskFailed':
    case 'TaskTimedOut':
    case 'ParallelStateFailed':
    case 'MapStateFailed':
      return failedAttempt(next, thread, event);
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
      let result = withThread(next, { ...thread, pointer: event.id, cursor: { ...cursor, phase: 'children', children: book } });
      branches.forEach((branch, index) => {
        result = withThread(result, {
          id: childThreadId(threadId, cursor.enteredEventId, index),
          parentId: threadId,
          index,
          states: branch.States as StatesMap,
          queryLanguage: branch.QueryLanguage ?? thread.queryLanguage,
          pointer: event.id,
          variables: thread.variables,
          done: false,
        });
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
        toleratedFailureCount: event.x.toleratedFailureCount,
        toleratedFailurePercentage: event.x.toleratedFailurePercentage,
      };
      return withThread(next, { ...thread, pointer: event.id, cursor: { ...cursor, phase: 'children', children: book } });
    }
    case 'MapIterationStarted': {
      const book = cursor?.children;
      if (!cursor || !book) return next;
      const index = (event.mapIterationStartedEventDetails as { index: number }).index;
      const processor = (thread.states[cursor.name]?.ItemProcessor ?? thread.states[cursor.name]?.Iterator) as Record<string, any>;
      const childId = childThreadId(threadId, cursor.enteredEventId, index);
      const result = withThread(next, {
        ...thread,
        cursor: { ...cursor, children: { ...book, nextIndex: index + 1, running: [...book.running, childId] } },
      });
      return withThread(result, {
        id: childId,
        parentId: threadId,
        index,
        states: processor.States as StatesMap,
        queryLanguage: processor.QueryLanguage ?? thread.queryLanguage,
        pointer: event.id,
        variables: thread.variables,
        done: false,
        item: book.items?.[index],
        ...(book.distributed || thread.hidden ? { hidden: true } : {}),
      });
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
      const results = book.results.slice();
      if (type === 'MapIterationSucceeded') results[details.index] = child?.lastOutput ?? null;
      const running = book.running.filter((id) => id !== childId);
      const updated = withoutThreadTree(next, childId);
      if (type === 'MapIterationFailed' && event.x.wakeAt) {
        return failedAttempt(withoutChildren(updated, threadId), { ...thread, pointer: child ? child.pointer : thread.pointer }, event);
      }
      const visible = !event.x.hidden;
      return withThread(updated, {
        ...thread,
        pointer: visible && child ? child.pointer : thread.pointer,
        cursor: {
          ...cursor,
          children: {
            ...book,
            running,
            results,
            lastIterationEventId: visible ? event.id : book.lastIterationEventId,
            succeeded: book.succeeded + (type === 'MapIterationSucceeded' ? 1 : 0),
            failed: book.failed + (type === 'MapIterationFailed' ? 1 : 0),
          },
        },
      });
    }
    case 'MapStateSucceeded': {
      // AWS does not advance the chain here: MapStateExited links where this event linked.
      const cleaned = withoutChildren(next, threadId);
      return withThread(cleaned, {
        ...thread,
        pointer: event.previousEventId,
        cursor: cursor && { ...cursor, phase: 'running', children: undefined },
      });
    }
    case 'ParallelStateSucceeded':
    case 'ParallelStateAborted':
    case 'MapStateAborted': {
      const cleaned = withoutChildren(next, threadId);
      return withThread(cleaned, {
        ...thread,
        pointer: event.id,
        cursor: cursor && { ...cursor, phase: 'running', children: undefined },
      });
    }
    default:
      return withThread(next, { ...thread, pointer: event.id });
  }
}

/** A failed attempt of a Task, Parallel or Map: waits for a retry when the event says so. */
function failedAttempt(state: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  const cleaned = event.type === 'ParallelStateFailed' || event.type === 'MapStateFailed' ? withoutChildren(state, thread.id) : state;
  if (!cursor) return withThread(cleaned, { ...thread, pointer: event.id });
  const retry = event.x.retry;
  const retryCounts = cursor.retryCounts.slice();
  if (retry) retryCounts[retry.retrier] = retry.attempt;
  return withThread(cleaned, {
    ...thread,
    pointer: event.type === 'MapIterationFailed' ? thread.pointer : event.id,
    cursor: {
      ...cursor,
      phase: event.x.wakeAt ? 'retry' : 'running',
      wakeAt: event.x.wakeAt,
      retryCounts,
      token: undefined,
      children: undefined,
    },
  });
}

function withThread(state: ExecutionState, thread: ThreadState): ExecutionState {
  return { ...state, threads: { ...state.threads, [thread.id]: thread } };
}

/** Drops a thread's descendants (thread ids nest as `parent/child`), and the thread itself when asked. */
function withoutDescendants(state: ExecutionState, threadId: string, includingItself: boolean): ExecutionState {
  const threads: Record<string, ThreadState> = {};
  const prefix = `${threadId}/`;
  for (const [id, thread] of Object.entries(state.threads)) {
    if (!id.startsWith(prefix) && !(includingItself && id === threadId)) threads[id] = thread;
  }
  return { ...state, threads };
}

function withoutThreadTree(state: ExecutionState, rootId: string): ExecutionState {
  return withoutDescendants(state, rootId, true);
}

function withoutChildren(state: ExecutionState, parentId: string): ExecutionState {
  return withoutDescendants(state, parentId, false);
}
