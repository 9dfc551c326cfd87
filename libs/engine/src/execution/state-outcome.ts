import type { Decision } from './decision';
import { compact, type ErrorMatching, type Failure, isPromise, type MaybePromise, type Step, toFailure, UNCATCHABLE } from './decision-support';
import type { Cursor } from './execution-state';
import { applyResultPath } from './language';
import { computeBackoffSeconds, findCatcher, findRetrier } from './retry';
import { startMap } from './states/map';
import { startParallel } from './states/parallel';
import { exitWait } from './states/wait';
import { scheduleTask } from './states/task';

/**
 * A state failed outside a task attempt (evaluation errors, a Fail state, a branch). Catch
 * may route it; otherwise the branch (or the execution) fails.
 */
export async function stateFailed(d: Decision, threadId: string, failure: Failure): Promise<Step> {
  const cursor = d.cursorOf(threadId);
  const cause = failure.evaluation ? withStatePrefix(d, cursor, failure) : failure.cause;
  const caught = await tryCatch(d, threadId, failure.error, cause);
  if (caught) return caught;
  if (failure.evaluation && failure.error === 'States.QueryEvaluationError') {
    emitEvaluationFailed(d, threadId, cursor, failure, cause);
    if (cursor.kind === 'Map' || cursor.kind === 'Parallel') d.emit(threadId, `${cursor.kind}StateFailed`);
  }
  return { kind: 'fail', error: failure.error, cause };
}

/**
 * AWS records JSONata failures as EvaluationFailed, pointing where the state's Entered pointed
 * (a Wait's deadline, evaluated once the state is entered: at the Entered event). The field is
 * named in AWS's message: "...specified for the field 'Output'" for a failing expression
 * ('Arguments/FunctionName' inside Arguments), "The Timestamp field cannot be parsed..." for a
 * bad result; the location is that field.
 */
function emitEvaluationFailed(d: Decision, threadId: string, cursor: Cursor, failure: Failure, cause: string | undefined): void {
  const location = /specified for the field '([^']+)'|The (\w+) field cannot be parsed/.exec(cause ?? '')?.slice(1).find((name) => name !== undefined);
  d.emit(
    threadId,
    'EvaluationFailed',
    'evaluationFailedEventDetails',
    compact({ cause, error: failure.error, location, state: cursor.name }),
    {},
    failure.afterEntered ? cursor.enteredEventId : cursor.enteredPointer,
  );
}

/** AWS prefixes evaluation errors with the state and the id of its Entered event. */
export function withStatePrefix(d: Decision, cursor: Cursor, failure: Failure): string | undefined {
  if (failure.cause === undefined) return undefined;
  const prefix = `An error occurred while executing the state '${cursor.name}' (entered at the event id #${cursor.enteredEventId}). `;
  return failure.cause.startsWith('An error occurred while executing the state') ? failure.cause : prefix + failure.cause;
}

export async function tryCatch(d: Decision, threadId: string, error: string | undefined, cause: string | undefined, matching: ErrorMatching = {}): Promise<Step | undefined> {
  const cursor = d.cursorOf(threadId);
  const definition = d.stateDefinition(threadId, cursor.name);
  if ((matching.uncatchable ?? UNCATCHABLE).has(error ?? '') || !Array.isArray(definition.Catch)) return undefined;
  const catcher = findCatcher(definition.Catch, error ?? '', matching.alias);
  if (!catcher) return undefined;
  d.inspect('caught', { catchIndex: definition.Catch.indexOf(catcher), error, cause });
  // A failure that names no error (SendTaskFailure without one) reaches Catch as nulls, as on AWS.
  const errorOutput = error === undefined ? { Error: null, Cause: cause ?? null } : compact({ Error: error, Cause: cause });
  const language = d.queryLanguageOf(threadId, definition);
  try {
    let output: unknown;
    let assigned: Record<string, unknown> | undefined;
    if (language === 'JSONata') {
      const states = d.jsonataStates(threadId, cursor.input, { errorOutput });
      output = 'Output' in catcher ? await d.jsonata(threadId, catcher.Output, states, 'Output') : errorOutput;
      assigned = catcher.Assign !== undefined ? await d.jsonataAssign(threadId, { Assign: catcher.Assign }, states) : undefined;
    } else {
      assigned = d.jsonPathAssign(catcher, d.scope(threadId, errorOutput));
      output = applyResultPath(catcher.ResultPath, cursor.input, errorOutput);
      d.inspect('afterResultPath', output);
    }
    return d.exitState(threadId, {}, output, assigned, catcher.Next as string);
  } catch (thrown) {
    // The catcher's own Output, Assign or ResultPath failed (a JSONata error, a ResultPath that
    // cannot be applied): the state fails with that error, and no catcher runs again. Thrown on,
    // it would leave the decision, and the execution RUNNING for good.
    const failure = toFailure(thrown);
    const failedCause = withStatePrefix(d, cursor, failure);
    if (failure.error === 'States.QueryEvaluationError') emitEvaluationFailed(d, threadId, cursor, failure, failedCause);
    return { kind: 'fail', error: failure.error, cause: failedCause };
  }
}

/**
 * The retrier that applies to `error` now, as the fields the failure event carries (which
 * retrier, which attempt, when the backoff ends), or undefined when no retry applies.
 */
export function retryPlan(d: Decision,
  threadId: string,
  error: string | undefined,
  matching: ErrorMatching = {},
): { retry: { retrier: number; attempt: number }; wakeAt: string } | undefined {
  const cursor = d.cursorOf(threadId);
  const definition = d.stateDefinition(threadId, cursor.name);
  if ((matching.uncatchable ?? UNCATCHABLE).has(error ?? '') || !Array.isArray(definition.Retry)) return undefined;
  const found = findRetrier(definition.Retry, error ?? '', matching.alias);
  if (!found) return undefined;
  const attempt = cursor.retryCounts[found.index] ?? 0;
  const maxAttempts = typeof found.retrier.MaxAttempts === 'number' ? found.retrier.MaxAttempts : 3;
  if (attempt >= maxAttempts) {
    d.inspect('retrierSpent', found.index);
    return undefined;
  }
  const delayMs = Math.round(computeBackoffSeconds(found.retrier, attempt, d.env.random) * 1000);
  return {
    retry: { retrier: found.index, attempt: attempt + 1 },
    // IntervalSeconds 0: the retry is due now, at the decision's own timestamp.
    wakeAt: delayMs === 0 ? d.nowIso : new Date(d.env.now.getTime() + delayMs).toISOString(),
  };
}

/** Notes a retry whose backoff has already ended, for drain to start within this decision. */
export function retryWhenDue(d: Decision, threadId: string, plan: { readonly wakeAt: string }): void {
  if (plan.wakeAt !== d.nowIso && Date.parse(plan.wakeAt) > d.env.now.getTime()) return;
  d.dueRetries.push({ threadId, enteredEventId: d.cursorOf(threadId).enteredEventId });
}

/** Task, Parallel and Map results: ResultSelector, ResultPath, OutputPath (or Output), Assign. */
export async function processResult(d: Decision, threadId: string, result: unknown): Promise<Step> {
  const cursor = d.cursorOf(threadId);
  const definition = d.stateDefinition(threadId, cursor.name);
  if (d.queryLanguageOf(threadId, definition) === 'JSONata') {
    d.inspect('result', result);
    const states = d.jsonataStates(threadId, cursor.input, { result });
    const output = 'Output' in definition ? await d.jsonata(threadId, definition.Output, states, 'Output') : result;
    return d.exitState(threadId, definition, output, await d.jsonataAssign(threadId, definition, states));
  }
  const selected = definition.ResultSelector !== undefined ? d.payload(definition.ResultSelector, d.scope(threadId, result)) : result;
  const assigned = d.jsonPathAssign(definition, d.scope(threadId, selected));
  const afterResultPath = applyResultPath(definition.ResultPath, cursor.input, selected);
  d.inspect('result', result);
  d.inspect('afterResultSelector', selected);
  d.inspect('afterResultPath', afterResultPath);
  const output = d.selectOutput(threadId, definition.OutputPath, afterResultPath);
  return d.exitState(threadId, definition, output, assigned);
}

/** Synchronous when what it starts is (a Wait's end awaits; a Task's retry usually does not). */
export function fireTimer(d: Decision, threadId: string, enteredEventId: number): MaybePromise<void> {
  const thread = d.state.threads[threadId];
  const cursor = thread?.cursor;
  if (!thread || !cursor || cursor.enteredEventId !== enteredEventId) return;
  if (cursor.phase === 'wait') return exitWait(d, threadId).then((step) => d.schedule(threadId, step));
  if (cursor.phase !== 'retry') return;
  const definition = d.stateDefinition(threadId, cursor.name);
  const language = d.queryLanguageOf(threadId, definition);
  let attempt: MaybePromise<Step>;
  try {
    attempt =
      cursor.kind === 'Task' ? scheduleTask(d, threadId, definition, language)
      : cursor.kind === 'Parallel' ? startParallel(d, threadId, definition, language)
      : startMap(d, threadId, definition, language);
  } catch (error) {
    return attemptFailed(d, threadId, error);
  }
  if (isPromise(attempt)) return attempt.then((step) => d.schedule(threadId, step), (error: unknown) => attemptFailed(d, threadId, error));
  d.schedule(threadId, attempt);
}

/** A retry's attempt that threw: the state fails with it (Retry and Catch decide what follows). */
function attemptFailed(d: Decision, threadId: string, error: unknown): Promise<void> {
  return stateFailed(d, threadId, toFailure(error)).then((step) => d.schedule(threadId, step));
}
