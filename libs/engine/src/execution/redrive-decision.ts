import { childrenFailed, finishChildren } from './children';
import type { ExecutionCommand } from './commands';
import type { Decision } from './decision';
import { compact, exceedsTolerance, firstStateOf, HISTORY_LIMIT_CAUSE } from './decision-support';
import { childThreadId, ROOT_THREAD, type ThreadState } from './execution-state';
import { MAX_EXECUTION_DURATION_MS, redrivabilityOf } from './redrive';
import { startIterationsOrFail } from './states/map';
import { compileState } from './compile';
import { decidesWith, EngineBehaviour } from './behaviour';

/**
 * Resumes a closed execution where it failed (AWS "Redriving executions"): ExecutionRedriven,
 * then every state that was running when the failure began is entered again with the input it
 * had; Parallel branches and Map iterations that succeeded keep their results, the failed and
 * aborted ones run again, Map iterations never started start as usual. Retry counts restart.
 */
export function redrive(d: Decision, command: Extract<ExecutionCommand, { type: 'RedriveExecution' }>): void {
  if (redrivabilityOf(d.state, d.env.now).redriveStatus !== 'REDRIVABLE') return;
  const start = d.state.start!;
  const ownTimeout = start.definitionObject.TimeoutSeconds;
  const maxDurationAt = Date.parse(start.startDate) + MAX_EXECUTION_DURATION_MS;
  const timeoutAt = new Date(typeof ownTimeout === 'number' ? Math.min(d.env.now.getTime() + ownTimeout * 1000, maxDurationAt) : maxDurationAt).toISOString();
  const redriven = d.emit(
    ROOT_THREAD,
    'ExecutionRedriven',
    'executionRedrivenEventDetails',
    { redriveCount: (start.redriveCount ?? 0) + 1 },
    { redrive: compact({ timeoutAt, clientToken: command.clientToken }), actor: command.actor },
    d.state.lastEventId,
  );
  const threads = Object.values(d.state.threads).sort((a, b) => a.id.localeCompare(b.id));
  const paced = decidesWith(start, EngineBehaviour.MapRedriveConcurrency);
  // A Distributed Map's run resumes too (AWS "Redriving Map Runs"): same Map Run ARN, its
  // unsuccessful and never-started children run again, and history records MapRunRedriven.
  const pacedMaps: string[] = [];
  const resumed = new Set<string>();
  for (const thread of threads) {
    const book = thread.done ? undefined : thread.cursor?.children;
    if (!book?.distributed || book.mapRunArn === undefined) continue;
    // MapRedriveConcurrency: the unsuccessful children wait (pendingRedrive) and start as
    // MaxConcurrency leaves room, the ones a failure stopped inside a state first.
    // QuotaFailuresKept: children that failed on their own history quota are not redriven.
    const unsuccessful = paced ? redriveQueueOf(thread) : undefined;
    const keptFailed = unsuccessful?.filter((index) => isUnredrivable(d, thread, index));
    const queue = keptFailed?.length ? unsuccessful!.filter((index) => !keptFailed.includes(index)) : unsuccessful;
    d.emit(
      thread.id,
      'MapRunRedriven',
      'mapRunRedrivenEventDetails',
      { mapRunArn: book.mapRunArn, redriveCount: (book.redriveCount ?? 0) + 1 },
      compact({ redriveIndices: queue, keptFailed: keptFailed?.length ? keptFailed : undefined }),
      redriven.id,
    );
    const after = d.cursorOf(thread.id).children!;
    if (keptFailed?.length && exceedsTolerance(after)) {
      // The kept failures alone exceed the tolerance: the Map Run fails again, as the last of
      // them failed it (AWS counts them "toward the tolerated failure threshold").
      const tolerant = after.toleratedFailureCount !== undefined || after.toleratedFailurePercentage !== undefined;
      const failure = tolerant ? { error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded' } : { error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE };
      for (let at: string | undefined = thread.id; at !== undefined; at = d.state.threads[at]?.parentId) resumed.add(at);
      d.jobs.push(() => {
        if (d.state.threads[thread.id]?.cursor?.children) childrenFailed(d, thread.id, failure.error, failure.cause);
      });
      continue;
    }
    if (queue?.length) pacedMaps.push(thread.id);
  }
  // The waiting children's threads are parked in their Map's book now: the rest resume here.
  for (const id of pacedMaps) {
    for (let at: string | undefined = id; at !== undefined; at = d.state.threads[at]?.parentId) resumed.add(at);
    d.jobs.push(async () => {
      if (d.state.threads[id]?.cursor?.children) await startIterationsOrFail(d, id);
    });
  }
  resumeThreads(d, pacedMaps.length > 0 ? Object.values(d.state.threads).sort((a, b) => a.id.localeCompare(b.id)) : threads, resumed);
}

/** Whether the child `index` of this Distributed Map failed for good (EngineBehaviour.QuotaFailuresKept). */
function isUnredrivable(d: Decision, thread: ThreadState, index: number): boolean {
  const unredrivable = d.state.unredrivable;
  return unredrivable !== undefined && unredrivable.includes(childThreadId(thread.id, thread.cursor!.enteredEventId, index));
}

/**
 * The children a redrive of this Distributed Map runs again, by index: the one whose failure
 * failed the Map Run and the ones it aborted (still running in the threads the redrive
 * restored), those that failed within the tolerance, and those a previous redrive left waiting.
 */
function redriveQueueOf(thread: ThreadState): number[] {
  const book = thread.cursor!.children!;
  const prefix = `${thread.id}/${thread.cursor!.enteredEventId}.`;
  const stopped = book.running.filter((id) => id.startsWith(prefix)).map((id) => Number(id.slice(prefix.length)));
  return [...new Set([...stopped, ...(book.failedIndices ?? []), ...(book.redriveQueue ?? [])])];
}

/**
 * Resumes `threads` (sorted by id, parents first) as a redrive does: every state that was
 * running when the failure began is entered again with the input it had; Parallel branches and
 * Map iterations that succeeded keep their results, the failed and aborted ones run again, Map
 * iterations never started start as usual. `resumed` names containers already taken care of.
 */
export function resumeThreads(d: Decision, threads: readonly ThreadState[], resumed: Set<string> = new Set()): void {
  for (const thread of threads) {
    if (thread.done) continue;
    const cursor = thread.cursor;
    if (cursor?.children) continue; // a Parallel or Map resumes through its children
    if (cursor) {
      d.schedule(thread.id, { kind: 'enter', name: cursor.name, input: cursor.input });
    } else if (thread.parentId !== undefined) {
      // A branch or iteration the failure stopped before its first state.
      d.scheduleAsync(thread.id, async () => ({ kind: 'enter', name: firstStateOf(d.thread(thread.parentId!), thread), input: await childInput(d, thread) }));
    } else {
      continue;
    }
    for (let id: string | undefined = thread.parentId; id !== undefined; id = d.state.threads[id]?.parentId) resumed.add(id);
  }
  // Map iterations that failed within the tolerance before the Map failed run again too.
  for (const thread of threads) {
    const failedIndices = thread.done ? undefined : thread.cursor?.children?.failedIndices;
    if (!failedIndices?.length) continue;
    resumed.add(thread.id);
    d.jobs.push(async () => {
      const cursor = d.state.threads[thread.id]?.cursor;
      if (!cursor?.children) return;
      for (const index of failedIndices) {
        d.emit(thread.id, 'MapIterationStarted', 'mapIterationStartedEventDetails', { index, name: cursor.name });
        const child = d.thread(childThreadId(thread.id, cursor.enteredEventId, index));
        d.scheduleAsync(child.id, async () => ({ kind: 'enter', name: firstStateOf(d.thread(thread.id), child), input: await childInput(d, child) }));
      }
    });
  }
  // An inline Map's iterations waiting to be redriven (EngineBehaviour.InlineMapRedriveConcurrency)
  // start as MaxConcurrency leaves room, next to the ones resumed above.
  for (const thread of threads) {
    const book = thread.done ? undefined : thread.cursor?.children;
    if (!book || book.kind !== 'Map' || book.distributed === true || !book.redriveQueue?.length) continue;
    resumed.add(thread.id);
    d.jobs.push(async () => {
      if (d.state.threads[thread.id]?.cursor?.children) await startIterationsOrFail(d, thread.id);
    });
  }
  // A container none of whose children runs again failed after them (e.g. in ResultSelector): finish it again.
  for (const thread of threads) {
    const book = thread.cursor?.children;
    if (!book || thread.done || resumed.has(thread.id)) continue;
    if (book.kind === 'Map' && book.nextIndex < book.total) {
      d.jobs.push(async () => {
        if (d.state.threads[thread.id]?.cursor?.children) await startIterationsOrFail(d, thread.id);
      });
    } else {
      d.scheduleAsync(thread.id, () => finishChildren(d, thread.id));
    }
  }
}

/** The input a Parallel branch or Map iteration starts with (as startParallel/startIterations compute it). */
export async function childInput(d: Decision, child: ThreadState): Promise<unknown> {
  const parentId = child.parentId!;
  const cursor = d.cursorOf(parentId);
  const definition = d.stateDefinition(parentId, cursor.name);
  const language = d.queryLanguageOf(parentId, definition);
  if (cursor.kind === 'Parallel') {
    if (language === 'JSONata') {
      return definition.Arguments !== undefined ? d.jsonata(parentId, definition.Arguments, d.jsonataStates(parentId, cursor.input), 'Arguments') : cursor.input;
    }
    const effective = d.selectInput(parentId, definition.InputPath, cursor.input);
    return definition.Parameters !== undefined ? d.payload(definition.Parameters, d.scope(parentId, effective)) : effective;
  }
  const selector = compileState(definition).map!.itemSelector;
  if (selector === undefined) return child.item;
  const context = { ...(d.context(parentId) as object), Map: { Item: { Index: child.index, Value: child.item } } };
  if (language === 'JSONata') return d.jsonata(parentId, selector, { input: cursor.input, context }, 'ItemSelector');
  const effective = d.selectInput(parentId, definition.InputPath, cursor.input);
  return d.payload(selector, { input: effective, context, variables: d.thread(parentId).variables });
}
