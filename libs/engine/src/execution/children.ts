import { decidesWith, EngineBehaviour } from './behaviour';
import type { Decision } from './decision';
import { compact, exceedsTolerance, HISTORY_LIMIT_CAUSE, type Step, toFailure } from './decision-support';
import { ROOT_THREAD, type ThreadState } from './execution-state';
import { mapRunResult } from './map-run';
import { processResult, retryPlan, retryWhenDue, stateFailed, tryCatch } from './state-outcome';
import { finishOrWrite } from './states/distributed-map';
import { hasIterationsToStart, startIterationsOrFail } from './states/map';

export function branchEnded(d: Decision, child: ThreadState, step: Extract<Step, { kind: 'end' | 'fail' }>): void {
  const parentId = child.parentId!;
  const parent = d.thread(parentId);
  const cursor = parent.cursor;
  const book = cursor?.children;
  if (!cursor || !book) return;
  // The parent's next event links to the branch's last event, as it stood before any abort.
  const branchLast = child.pointer;
  if (step.kind === 'fail' && step.taskAttempt && child.cursor?.kind === 'Task') {
    // AWS aborts the Task state whose uncaught failure ends a branch (corpus:
    // test_sqs_failure_in_wait_for_task_tok_no_error_field_SQS_PARALLEL, test_service_lambda_map_timeout).
    d.emit(child.id, 'TaskStateAborted', undefined, undefined, {}, branchLast);
  }
  if (book.kind === 'Parallel') {
    if (step.kind === 'fail') {
      abortChildren(d, parentId, child.id);
      childrenFailed(d, parentId, step.error, step.cause, branchLast);
      return;
    }
    const siblings = book.running.map((id) => d.state.threads[id]);
    if (siblings.every((sibling) => sibling?.done)) d.scheduleAsync(parentId, () => finishChildren(d, parentId, child.pointer));
    return;
  }
  // Map
  const name = cursor.name;
  const details = { index: child.index, name };
  if (step.kind === 'end') {
    d.emit(parentId, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', details, {}, child.pointer);
  } else {
    const failing = exceedsTolerance({ ...book, failed: book.failed + 1 });
    const tolerant = book.toleratedFailureCount !== undefined || book.toleratedFailurePercentage !== undefined;
    const error = failing && tolerant ? 'States.ExceedToleratedFailureThreshold' : step.error;
    const cause = failing && tolerant ? 'The specified tolerated failure threshold was exceeded' : step.cause;
    // A retried Map starts over after its backoff (AWS writes MapStateStarted again, no MapStateFailed).
    const plan = failing ? retryPlan(d, parentId, error) : undefined;
    if (failing) abortChildren(d, parentId, child.id);
    d.emit(
      parentId,
      'MapIterationFailed',
      'mapIterationFailedEventDetails',
      details,
      compact({ error: step.error, cause: step.cause, ...(plan ?? {}), notRedrivable: step.notRedrivable }),
      branchLast,
    );
    if (plan) return retryWhenDue(d, parentId, plan);
    if (failing) {
      childrenFailed(d, parentId, error, cause);
      return;
    }
  }
  const updated = d.cursorOf(parentId).children!;
  if (hasIterationsToStart(updated)) {
    // Starting an iteration may evaluate ItemSelector (async JSONata): queue it.
    d.jobs.push(async () => {
      if (d.state.threads[parentId]?.cursor?.children) await startIterationsOrFail(d, parentId);
    });
    return;
  }
  if (updated.running.length === 0) d.scheduleAsync(parentId, async () => finishOrWrite(d, parentId));
}

/** A Distributed Map child reached its own history quota: it fails as AWS fails an execution there. */
export function childHistoryFull(d: Decision, childId: string): void {
  const child = d.state.threads[childId];
  if (!child || child.done || child.parentId === undefined) return;
  const notRedrivable = decidesWith(d.state.start, EngineBehaviour.QuotaFailuresKept) || undefined;
  branchEnded(d, child, { kind: 'fail', error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE, notRedrivable });
}

export async function finishChildren(d: Decision, threadId: string, pointer?: number): Promise<Step> {
  const cursor = d.cursorOf(threadId);
  const book = cursor.children!;
  let results: unknown[];
  if (book.kind === 'Parallel') {
    // AWS writes no ParallelStateSucceeded: the Exited event follows the last branch's last event.
    results = book.running.map((id) => d.state.threads[id]?.lastOutput ?? null);
    if (pointer !== undefined) d.pointerOverrides.set(threadId, pointer);
  } else {
    results = book.distributed ? (mapRunResult(book) as unknown[]) : book.results.slice();
    if (book.distributed) d.emit(threadId, 'MapRunSucceeded');
    d.emit(threadId, 'MapStateSucceeded', undefined, undefined, {}, book.distributed ? undefined : book.lastIterationEventId);
  }
  try {
    return await processResult(d, threadId, results);
  } catch (error) {
    return stateFailed(d, threadId, toFailure(error));
  }
}

/**
 * TestState's mock of a Parallel or Map: the children do not run; their mocked result goes
 * through the state's result processing, or their mocked error through its Retry and Catch,
 * exactly as the children's own outcome would (finishChildren, childrenFailed).
 */
export async function mockedChildren(d: Decision, threadId: string, mocked: NonNullable<NonNullable<Decision['env']['testState']>['children']>): Promise<Step> {
  const book = d.cursorOf(threadId).children;
  const failed = 'result' in mocked ? (mocked.failedIterations ?? 0) : 0;
  const tolerant = book?.kind === 'Map' && (book.toleratedFailureCount !== undefined || book.toleratedFailurePercentage !== undefined);
  // stateConfiguration.mapIterationFailureCount: that many iterations failed; past the tolerated
  // threshold the Map fails as branchEnded fails it. A Map with no threshold keeps its mocked
  // result (LocalStack's AWS-validated test_map_state_failure_count[*-BASE_MAP_STATE], 2025-11-18).
  if (book && tolerant && failed > 0 && exceedsTolerance({ ...book, failed, total: Math.max(book.total, failed) })) {
    childrenFailed(d, threadId, 'States.ExceedToleratedFailureThreshold', 'The specified tolerated failure threshold was exceeded');
    return { kind: 'blocked' };
  }
  if ('result' in mocked) {
    try {
      return await processResult(d, threadId, mocked.result);
    } catch (error) {
      return stateFailed(d, threadId, toFailure(error));
    }
  }
  childrenFailed(d, threadId, mocked.error, mocked.cause);
  return { kind: 'blocked' };
}

/** A branch failed (or Map tolerance was exceeded): the whole Parallel/Map state failed. */
export function childrenFailed(d: Decision, threadId: string, error: string | undefined, cause: string | undefined, pointer?: number): void {
  const cursor = d.cursorOf(threadId);
  d.inspect('failed', { error, cause });
  if (cursor.children?.distributed) d.emit(threadId, 'MapRunFailed', 'mapRunFailedEventDetails', compact({ error, cause }));
  const plan = retryPlan(d, threadId, error);
  // A retried Parallel starts over with ParallelStateStarted: AWS writes no ParallelStateFailed
  // for the attempts it retries (LocalStack's snapshot test_parallel_state_retry, and
  // test_parallel_catch_error[PARALLEL_CATCH_ERROR_OUTPUT_WITH_RETRY], AWS 2024-11), only for
  // the last one. The event is kept, hidden, for the retry it carries.
  const unrecorded = plan !== undefined && cursor.kind === 'Parallel' && decidesWith(d.state.start, EngineBehaviour.ParallelRetryUnrecorded);
  d.emit(
    threadId,
    cursor.kind === 'Parallel' ? 'ParallelStateFailed' : 'MapStateFailed',
    undefined,
    undefined,
    unrecorded ? { ...plan, hidden: true } : plan ?? {},
    pointer,
  );
  if (plan) return retryWhenDue(d, threadId, plan);
  d.scheduleAsync(threadId, async () => (await tryCatch(d, threadId, error, cause, {}, true)) ?? { kind: 'fail', error, cause });
}

/** Aborts the running branches of a Parallel/Map (all but `except`), deepest first. */
/** `withExecution`: the whole execution is being stopped or timed out (abortAll), not one branch. */
export function abortChildren(d: Decision, parentId: string, except?: string, withExecution = false): void {
  const book = d.cursorOf(parentId).children;
  if (!book) return;
  // A copy: the fold may change the running list in place as iterations are aborted.
  for (const childId of [...book.running]) {
    if (childId === except) continue;
    const child = d.state.threads[childId];
    if (!child || child.done) continue;
    abortThread(d, childId, withExecution);
    if (book.kind === 'Map') {
      d.emit(parentId, 'MapIterationAborted', 'mapIterationAbortedEventDetails', { index: child.index, name: d.cursorOf(parentId).name });
    }
  }
}

export function abortThread(d: Decision, threadId: string, withExecution = false): void {
  const thread = d.state.threads[threadId];
  const cursor = thread?.cursor;
  if (!cursor) return;
  if (cursor.children) abortChildren(d, threadId, undefined, withExecution);
  if (cursor.children?.distributed) d.emit(threadId, 'MapRunAborted');
  // AWS has an Aborted event for the states that can be in flight: Task, Wait, Map, Parallel;
  // but a Wait stopped with its execution is not recorded (EngineBehaviour.StoppedWaitUnrecorded).
  if (cursor.kind === 'Task' || cursor.kind === 'Wait' || cursor.kind === 'Map' || cursor.kind === 'Parallel') {
    const unrecorded = withExecution && cursor.kind === 'Wait' && decidesWith(d.state.start, EngineBehaviour.StoppedWaitUnrecorded);
    d.emit(threadId, `${cursor.kind}StateAborted`, undefined, undefined, unrecorded ? { hidden: true } : undefined);
  }
}

export function abortAll(d: Decision): void {
  d.jobs.length = 0;
  abortThread(d, ROOT_THREAD, true);
}
