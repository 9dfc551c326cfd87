import type { ExecutionEvent } from './history-event';
import { type ChildrenBook, type ExecutionState, type StatesMap, type ThreadState, childThreadId } from './execution-state';
import { type FoldScope, failedAttempt, newThread, ownChildren, ownedArray, withRecord, withThread, withoutChildren, withoutThreadTree } from './fold-threads';

/**
 * The fold of Parallel and Map events (see evolve): children books, the threads of branches and
 * iterations, Map Runs. Each takes the state with the event counted (`next`) and the event's thread.
 */

/** ParallelStateStarted: a thread per branch, each starting at its StartAt. */
export function foldParallelStarted(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  const threadId = thread.id;
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

/** MapStateStarted: the children book (items, limits, Map Run settings); iterations start later. */
export function foldMapStarted(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
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

/** MapIterationStarted: the iteration's thread, and the book counts it running. */
export function foldMapIterationStarted(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  const threadId = thread.id;
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
  if (book.redriveQueue?.includes(index)) {
    // A child waiting to be redriven starts: where it stopped (its parked threads), or afresh.
    own.book.redriveQueue = book.redriveQueue.filter((queued) => queued !== index);
    const parked = book.parked?.[childId];
    if (parked) {
      const rest: Record<string, ThreadState> = {};
      let state = own.state;
      for (const [id, parkedThread] of Object.entries(book.parked!)) {
        if (id === childId || id.startsWith(`${childId}/`)) state = withThread(scope, state, id === childId ? { ...parkedThread, pointer: event.id } : parkedThread);
        else rest[id] = parkedThread;
      }
      own.book.parked = rest;
      return state;
    }
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

/** MapIterationSucceeded/Failed/Aborted: the iteration's threads go, the book keeps its result. */
export function foldMapIterationEnded(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  const threadId = thread.id;
  const type = event.type;
  const book = cursor?.children;
  if (!cursor || !book) return next;
  const details = (event.mapIterationSucceededEventDetails ??
    event.mapIterationFailedEventDetails ??
    event.mapIterationAbortedEventDetails) as { index: number };
  const childId = childThreadId(threadId, cursor.enteredEventId, details.index);
  const child = next.threads[childId];
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

/** MapRunStarted: the Map Run's ARN, and with ItemReader the items it read. */
export function foldMapRunStarted(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
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

/** MapItemsRecorded (hidden: the chain does not move): the Map's items grow by this batch. */
export function foldMapItemsRecorded(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
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
  if (event.x.read) own.book.itemRead = event.x.read;
  return own.state;
}

/**
 * MapRunRedriven: how many times the Map Run was redriven. With `x.redriveIndices`
 * (EngineBehaviour.MapRedriveConcurrency) those children wait to be redriven: they leave the
 * running and failed counts, and the threads of those that stopped inside a state are parked
 * in the book (sorted by id, parents first) until they start again. With `x.keptFailed`
 * (EngineBehaviour.QuotaFailuresKept) those children stay failed: a stopped one's threads go
 * and it counts as failed, a failed one stays counted but no longer waits to run again.
 */
export function foldMapRunRedriven(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  const original = cursor?.children;
  if (!cursor || !original) return withThread(scope, next, { ...thread, pointer: event.id });
  const redriveCount = (event.mapRunRedrivenEventDetails as { redriveCount?: number } | undefined)?.redriveCount ?? (original.redriveCount ?? 0) + 1;
  const queue = event.x.redriveIndices;
  const kept = event.x.keptFailed;
  let book = original;
  let current = next;
  if (kept?.length) {
    const keptIds = new Set(kept.map((index) => childThreadId(thread.id, cursor.enteredEventId, index)));
    for (const id of keptIds) if (current.threads[id]) current = withoutThreadTree(scope, current, id);
    const running = book.running.filter((id) => !keptIds.has(id));
    book = { ...book, running, failed: book.failed + book.running.length - running.length, failedIndices: (book.failedIndices ?? []).filter((index) => !kept.includes(index)) };
  }
  if (!queue) return withThread(scope, current, { ...thread, pointer: event.id, cursor: { ...cursor, children: { ...book, redriveCount } } });
  const queuedIds = new Set(queue.map((index) => childThreadId(thread.id, cursor.enteredEventId, index)));
  const parked: Record<string, ThreadState> = { ...(book.parked ?? {}) };
  const prefix = `${thread.id}/`;
  for (const id of Object.keys(current.threads).sort()) {
    if (!id.startsWith(prefix)) continue;
    const slash = id.indexOf('/', prefix.length);
    if (queuedIds.has(slash < 0 ? id : id.slice(0, slash))) parked[id] = current.threads[id];
  }
  let state = current;
  for (const id of queuedIds) if (current.threads[id]) state = withoutThreadTree(scope, state, id);
  const failedIndices = (book.failedIndices ?? []).filter((index) => !queue.includes(index));
  const children: ChildrenBook = {
    ...book,
    redriveCount,
    running: book.running.filter((id) => !queuedIds.has(id)),
    failed: book.failed - ((book.failedIndices?.length ?? 0) - failedIndices.length),
    failedIndices,
    redriveQueue: queue,
    parked,
  };
  return withThread(scope, state, { ...thread, pointer: event.id, cursor: { ...cursor, children } });
}

/** MapRunUpdated (UpdateMapRun). */
export function foldMapRunUpdated(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
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

/** MapStateSucceeded: the book closes; the chain goes on where AWS links it. */
export function foldMapStateSucceeded(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  const threadId = thread.id;
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

/** ParallelStateSucceeded, ParallelStateAborted, MapStateAborted: the book closes. */
export function foldChildrenClosed(scope: FoldScope | undefined, next: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  const threadId = thread.id;
  const cleaned = withoutChildren(scope, next, threadId);
  return withThread(scope, cleaned, {
    ...thread,
    pointer: event.id,
    cursor: cursor && { ...cursor, phase: 'running', children: undefined },
  });
}
