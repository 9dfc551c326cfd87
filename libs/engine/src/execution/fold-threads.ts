import type { ChildrenBook, Cursor, ExecutionState, IterationRecord, ThreadState } from './execution-state';
import type { ExecutionEvent } from './history-event';
/**
 * The fold's thread bookkeeping: copy-on-write of threads, cursors and children books, made
 * in place for objects the fold's scope owns (see FoldScope).
 */

/**
 * Objects (a threads map, a Map's results) that one fold created and nobody else holds: the
 * fold may change them in place instead of copying them per event. A copy of the threads map
 * per event made a Map of n iterations cost O(n²) (57% of its profile in withThread).
 */
export interface FoldScope {
  readonly owned: Set<object>;
  /**
   * Child thread ids by parent id, for the owned threads map `of`; made on first need. Dropping
   * a finished Map iteration scanned every thread id for its descendants: O(n²) over a Map of n
   * items (13% of one over 100 items).
   */
  childIndex?: { readonly of: object; readonly byParent: Map<string, Set<string>> };
}

export function createFoldScope(): FoldScope {
  return { owned: new Set() };
}

/**
 * A thread and its cursor as this fold's own objects: each copied at most once per scope, then
 * changed in place by every later event of the fold. A task's attempt is five events (scheduled,
 * started, failed, and the next attempt's), and a copy of the thread and of its cursor (some
 * twenty fields) per event was most of the Retry loop's fold.
 */
export function ownCursor(
  scope: FoldScope | undefined,
  state: ExecutionState,
  thread: ThreadState,
  cursor: Cursor,
): { state: ExecutionState; thread: Mutable<ThreadState>; cursor: Mutable<Cursor> } {
  const owned = scope?.owned;
  let ownCursor = cursor as Mutable<Cursor>;
  if (!owned?.has(cursor)) {
    ownCursor = { ...cursor };
    owned?.add(ownCursor);
  }
  if (owned?.has(thread)) {
    (thread as Mutable<ThreadState>).cursor = ownCursor;
    return { state, thread: thread as Mutable<ThreadState>, cursor: ownCursor };
  }
  const ownThread: Mutable<ThreadState> = { ...thread, cursor: ownCursor };
  owned?.add(ownThread);
  return { state: withThread(scope, state, ownThread), thread: ownThread, cursor: ownCursor };
}

/**
 * A thread with a children book (Parallel, Map), its cursor and the book as this fold's own
 * objects (see ownCursor). Three spreads per iteration event, of a book that grows, were most
 * of a Map's fold.
 */
export function ownChildren(
  scope: FoldScope | undefined,
  state: ExecutionState,
  thread: ThreadState,
  cursor: Cursor,
  book: ChildrenBook,
): { state: ExecutionState; thread: Mutable<ThreadState>; book: Mutable<ChildrenBook> } {
  const own = ownCursor(scope, state, thread, cursor);
  const ownBook = (scope?.owned.has(book) ? book : { ...book }) as Mutable<ChildrenBook>;
  own.cursor.children = ownBook;
  scope?.owned.add(ownBook);
  return { state: own.state, thread: own.thread, book: ownBook };
}

/** A failed attempt of a Task, Parallel or Map: waits for a retry when the event says so. */
export function failedAttempt(scope: FoldScope | undefined, state: ExecutionState, thread: ThreadState, event: ExecutionEvent): ExecutionState {
  const cursor = thread.cursor;
  const cleaned = event.type === 'ParallelStateFailed' || event.type === 'MapStateFailed' ? withoutChildren(scope, state, thread.id) : state;
  if (!cursor) return withThread(scope, cleaned, { ...thread, pointer: event.id });
  const retry = event.x.retry;
  const own = ownCursor(scope, cleaned, thread, cursor);
  if (retry) {
    const retryCounts = ownedArray(scope, cursor.retryCounts);
    retryCounts[retry.retrier] = retry.attempt;
    own.cursor.retryCounts = retryCounts;
  }
  // A failure AWS does not write (a retried Parallel's, hidden in a visible thread) leaves the
  // next event linked to the one before it.
  const unrecorded = event.x.hidden === true && thread.hidden !== true;
  if (event.type !== 'MapIterationFailed') own.thread.pointer = unrecorded ? event.previousEventId : event.id;
  own.cursor.phase = event.x.wakeAt ? 'retry' : 'running';
  own.cursor.wakeAt = event.x.wakeAt;
  own.cursor.token = undefined;
  own.cursor.children = undefined;
  return own.state;
}

export function withRecord(
  scope: FoldScope | undefined,
  records: readonly (IterationRecord | undefined)[],
  index: number,
  record: IterationRecord,
): (IterationRecord | undefined)[] {
  const copy = ownedArray(scope, records);
  copy[index] = record;
  return copy;
}

/** The array itself when this fold owns it, otherwise a copy the fold then owns. */
export function ownedArray<T>(scope: FoldScope | undefined, array: readonly T[]): T[] {
  if (scope?.owned.has(array)) return array as T[];
  const copy = array.slice();
  scope?.owned.add(copy);
  return copy;
}

/**
 * The state with the event counted (its id, or one more hidden event). In a scope, the state
 * object itself becomes the fold's own and is updated in place from then on: a copy of the
 * whole state per event was most of the fold's allocations.
 */
export function counted(scope: FoldScope | undefined, state: ExecutionState, event: ExecutionEvent): ExecutionState {
  const hidden = event.x.hidden === true;
  if (scope?.owned.has(state)) {
    const own = state as Mutable<ExecutionState>;
    if (hidden) own.hiddenEvents += 1;
    else own.lastEventId = event.id;
    return state;
  }
  const next = hidden ? { ...state, hiddenEvents: state.hiddenEvents + 1 } : { ...state, lastEventId: event.id };
  scope?.owned.add(next);
  return next;
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type NewThreadFields = Pick<ThreadState, 'id' | 'index' | 'states' | 'queryLanguage' | 'pointer' | 'variables'> &
  Partial<Pick<ThreadState, 'parentId' | 'item' | 'hidden'>>;

/**
 * Every thread has every field, in one order: copies of it (`{ ...thread, pointer }`) then
 * share one hidden class, and the fold's property reads stay monomorphic.
 */
export function newThread(fields: NewThreadFields): ThreadState {
  return {
    id: fields.id,
    parentId: fields.parentId,
    index: fields.index,
    states: fields.states,
    queryLanguage: fields.queryLanguage,
    pointer: fields.pointer,
    variables: fields.variables,
    cursor: undefined,
    done: false,
    lastOutput: undefined,
    hidden: fields.hidden,
    item: fields.item,
    ownEvents: undefined,
  };
}

/**
 * The root thread of the Distributed Map child `threadId` belongs to (the thread whose parent
 * runs the Map Run), or undefined outside one. Children's threads are hidden: others cost one test.
 */
export function childRootOf(threads: Readonly<Record<string, ThreadState>>, threadId: string): ThreadState | undefined {
  let thread = threads[threadId];
  while (thread?.hidden === true && thread.parentId !== undefined) {
    const parent = threads[thread.parentId];
    if (parent?.cursor?.children?.distributed === true) return thread;
    thread = parent;
  }
  return undefined;
}

/** One more event of a Distributed Map child's own history (EngineBehaviour.ChildHistoryQuota). */
export function countedInChild(scope: FoldScope | undefined, state: ExecutionState, threadId: string): ExecutionState {
  const root = childRootOf(state.threads, threadId);
  if (!root) return state;
  if (scope?.owned.has(root)) {
    (root as Mutable<ThreadState>).ownEvents = (root.ownEvents ?? 0) + 1;
    return state;
  }
  return withOwnedThread(scope, state, { ...root, ownEvents: (root.ownEvents ?? 0) + 1 });
}

/** withThread for a thread object this fold just made: later events of the fold change it in place. */
export function withOwnedThread(scope: FoldScope | undefined, state: ExecutionState, thread: ThreadState): ExecutionState {
  scope?.owned.add(thread);
  return withThread(scope, state, thread);
}

export function withThread(scope: FoldScope | undefined, state: ExecutionState, thread: ThreadState): ExecutionState {
  if (scope?.owned.has(state.threads)) {
    const owned = state.threads as Record<string, ThreadState>;
    const index = scope.childIndex;
    if (index?.of === owned && thread.parentId !== undefined && !(thread.id in owned)) addChild(index.byParent, thread.parentId, thread.id);
    owned[thread.id] = thread;
    return state;
  }
  const threads = { ...state.threads, [thread.id]: thread };
  if (!scope) return { ...state, threads };
  scope.owned.add(threads);
  if (scope.owned.has(state)) {
    (state as Mutable<ExecutionState>).threads = threads;
    return state;
  }
  const copy = { ...state, threads };
  scope.owned.add(copy);
  return copy;
}

/** Drops a thread's descendants (thread ids nest as `parent/child`), and the thread itself when asked. */
export function withoutDescendants(scope: FoldScope | undefined, state: ExecutionState, threadId: string, includingItself: boolean): ExecutionState {
  if (scope?.owned.has(state.threads)) {
    const owned = state.threads as Record<string, ThreadState>;
    const byParent = childIndexOf(scope, owned);
    const drop = (id: string): void => {
      for (const child of byParent.get(id) ?? []) drop(child);
      byParent.delete(id);
      delete owned[id];
    };
    for (const child of byParent.get(threadId) ?? []) drop(child);
    byParent.delete(threadId);
    if (includingItself) {
      const parentId = owned[threadId]?.parentId;
      if (parentId !== undefined) byParent.get(parentId)?.delete(threadId);
      delete owned[threadId];
    }
    return state;
  }
  const prefix = `${threadId}/`;
  const dropped = (id: string) => id.startsWith(prefix) || (includingItself && id === threadId);
  const threads: Record<string, ThreadState> = {};
  for (const [id, thread] of Object.entries(state.threads)) {
    if (!dropped(id)) threads[id] = thread;
  }
  scope?.owned.add(threads);
  return { ...state, threads };
}

/** Child ids by parent id of an owned threads map: the scope's index when it is of this map, else a new one. */
export function childIndexOf(scope: FoldScope, threads: Readonly<Record<string, ThreadState>>): Map<string, Set<string>> {
  if (scope.childIndex?.of === threads) return scope.childIndex.byParent;
  const byParent = new Map<string, Set<string>>();
  for (const id in threads) {
    const parentId = threads[id].parentId;
    if (parentId !== undefined) addChild(byParent, parentId, id);
  }
  scope.childIndex = { of: threads, byParent };
  return byParent;
}

export function addChild(byParent: Map<string, Set<string>>, parentId: string, childId: string): void {
  const children = byParent.get(parentId);
  if (children) children.add(childId);
  else byParent.set(parentId, new Set([childId]));
}

export function withoutThreadTree(scope: FoldScope | undefined, state: ExecutionState, rootId: string): ExecutionState {
  return withoutDescendants(scope, state, rootId, true);
}

export function withoutChildren(scope: FoldScope | undefined, state: ExecutionState, parentId: string): ExecutionState {
  return withoutDescendants(scope, state, parentId, false);
}
