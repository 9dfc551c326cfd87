import { arnField } from '@stepstone/asl';
import type { ExecutionCommand } from '../commands';
import type { Decision } from '../decision';
import { compact, type ErrorMatching, exceedsPayloadQuota, json, type MaybePromise, PAYLOAD_DETAILS, type Step, TASK_UNCATCHABLE, textOf, toFailure, unexpectedJsonataResult } from '../decision-support';
import { taskDeadlines } from '../effects';
import type { Cursor, ThreadState } from '../execution-state';
import { applyInputPath, selectReference, StatesError } from '../language';
import { processResult, retryPlan, retryWhenDue, stateFailed, tryCatch } from '../state-outcome';
import { DEFAULT_TASK_TIMEOUT_SECONDS, taskDetailsField, type TaskEventFamily, taskEventType } from '../task-resource';
import { makeTaskToken } from '../task-token';
import { type CompiledTask, compileState } from '../compile';

/**
 * Schedules an attempt of a Task. Synchronous unless something must be awaited (a JSONata
 * field, a TimeoutSeconds or HeartbeatSeconds to evaluate, an activity to look up): a JSONPath
 * task with literal settings, and every retry of it, then decides without a promise.
 */
export function scheduleTask(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
  const cursor = d.cursorOf(threadId);
  const attempt = cursor.retryCounts.reduce((sum, count) => sum + (count ?? 0), 0);
  const executionArn = d.state.start!.executionArn;
  const token = makeTaskToken(executionArn, d.env.hash('SHA-256', `${executionArn}|${threadId}|${cursor.enteredEventId}|${attempt}`));
  // `$$.Task.Token` exists where someone completes the task by token: callbacks, `.sync` jobs
  // (corpus: test_sync_with_task_token) and activities; a request-response call has none
  // (corpus: test_lambda_service_invoke_with_retry_extended_input).
  const task = compileState(definition).task!;
  const contextToken = task.byToken ? token : undefined;
  if (language === 'JSONata') return scheduleJsonataTask(d, threadId, definition, task, token, contextToken);
  const scope = d.scope(threadId, applyInputPath(definition.InputPath, cursor.input, d.pathContext(threadId, contextToken)), contextToken);
  const parameters = definition.Parameters !== undefined ? d.payload(definition.Parameters, scope) : scope.input;
  d.inspect('afterInputPath', scope.input);
  d.inspect('afterParameters', parameters);
  const credentials = definition.Credentials !== undefined ? d.payload(definition.Credentials, scope) : undefined;
  return scheduleWith(d, threadId, definition, 'JSONPath', task, token, parameters, credentials);
}

async function scheduleJsonataTask(d: Decision, threadId: string, definition: Record<string, any>, task: CompiledTask, token: string, contextToken: string | undefined): Promise<Step> {
  const states = d.jsonataStates(threadId, d.cursorOf(threadId).input, {}, contextToken);
  const parameters = definition.Arguments !== undefined ? await d.jsonata(threadId, definition.Arguments, states, 'Arguments') : undefined;
  d.inspect('afterArguments', parameters ?? {});
  const credentials = definition.Credentials !== undefined ? await d.jsonata(threadId, definition.Credentials, states, 'Credentials') : undefined;
  return scheduleWith(d, threadId, definition, 'JSONata', task, token, parameters, credentials);
}

/** TimeoutSeconds, HeartbeatSeconds and the activity's existence, awaited only when one needs it; then TaskScheduled. */
function scheduleWith(
  d: Decision,
  threadId: string,
  definition: Record<string, any>,
  language: 'JSONPath' | 'JSONata',
  task: CompiledTask,
  token: string,
  parameters: unknown,
  credentials: unknown,
): MaybePromise<Step> {
  const awaits = isEvaluated(definition, 'TimeoutSeconds') || isEvaluated(definition, 'HeartbeatSeconds') || (task.family === 'Activity' && d.env.activityExists !== undefined);
  if (!awaits) return emitScheduled(d, threadId, task, token, parameters, credentials, definition.TimeoutSeconds, definition.HeartbeatSeconds);
  return (async () => {
    const timeoutSeconds = isEvaluated(definition, 'TimeoutSeconds') ? await taskSeconds(d, threadId, definition, 'TimeoutSeconds', language) : definition.TimeoutSeconds;
    const heartbeatSeconds = isEvaluated(definition, 'HeartbeatSeconds') ? await taskSeconds(d, threadId, definition, 'HeartbeatSeconds', language) : definition.HeartbeatSeconds;
    if (task.family === 'Activity' && d.env.activityExists && !(await d.env.activityExists(task.resourceArn))) {
      throw new StatesError('States.Runtime', `The activity ${task.resourceArn} does not exist.`);
    }
    return emitScheduled(d, threadId, task, token, parameters, credentials, timeoutSeconds, heartbeatSeconds);
  })();
}

function emitScheduled(
  d: Decision,
  threadId: string,
  task: CompiledTask,
  token: string,
  parameters: unknown,
  credentials: unknown,
  timeoutSeconds: number | undefined,
  heartbeatSeconds: number | undefined,
): Step {
  const family = task.family;
  const resourceArn = task.resourceArn;
  const executionArn = d.state.start!.executionArn;
  const parametersText = json(parameters ?? {});
  const roleArn = (credentials as { RoleArn?: unknown } | undefined)?.RoleArn;
  const taskCredentials = typeof roleArn === 'string' ? { roleArn } : undefined;
  let details: Record<string, unknown>;
  if (family === 'Task') {
    const { resourceType, resource } = task.described;
    details = compact({
      resourceType,
      resource,
      region: arnField(executionArn, 3, 'us-east-1'),
      parameters: parametersText,
      timeoutInSeconds: timeoutSeconds,
      heartbeatInSeconds: heartbeatSeconds,
      taskCredentials,
    });
  } else {
    details = compact({
      resource: resourceArn,
      input: parametersText,
      inputDetails: PAYLOAD_DETAILS,
      timeoutInSeconds: timeoutSeconds,
      // LambdaFunctionScheduledEventDetails has no heartbeat field (AWS API reference).
      heartbeatInSeconds: family === 'Activity' ? heartbeatSeconds : undefined,
      taskCredentials: family === 'LambdaFunction' ? taskCredentials : undefined,
    });
  }
  d.emit(threadId, taskEventType(family, 'Scheduled'), taskDetailsField(family, 'Scheduled'), details, {
    token,
    timeoutSeconds: timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS,
    ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
  });
  return { kind: 'blocked' };
}

/**
 * Whether the field needs taskSeconds (a path or an expression); otherwise it is a number or
 * absent, read as written without an await per attempt.
 */
function isEvaluated(definition: Record<string, any>, field: 'TimeoutSeconds' | 'HeartbeatSeconds'): boolean {
  const value = definition[field];
  return typeof value !== 'number' && (value !== undefined || definition[`${field}Path`] !== undefined);
}

/**
 * TimeoutSeconds / HeartbeatSeconds: a number, a `…SecondsPath` reference (JSONPath) or a
 * JSONata expression, which must give a positive integer.
 */
export async function taskSeconds(d: Decision, threadId: string, definition: Record<string, any>, field: 'TimeoutSeconds' | 'HeartbeatSeconds', language: 'JSONPath' | 'JSONata'): Promise<number | undefined> {
  const cursor = d.cursorOf(threadId);
  const value = definition[field];
  if (typeof value === 'number') return value;
  if (language === 'JSONata' && typeof value === 'string') {
    const resolved = await d.jsonata(threadId, value, d.jsonataStates(threadId, cursor.input), field);
    if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved <= 0) {
      throw unexpectedJsonataResult(value, field, 'integer', resolved);
    }
    return resolved;
  }
  const path = definition[`${field}Path`];
  if (typeof path !== 'string') return undefined;
  const resolved = selectReference(path, d.scope(threadId, cursor.input));
  if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved <= 0) {
    throw new StatesError('States.Runtime', `The ${field}Path parameter does not reference a valid positive integer: ${path} == ${textOf(resolved)}`);
  }
  return resolved;
}

export function findTask(d: Decision, token: string): { thread: ThreadState; cursor: Cursor } | undefined {
  for (const thread of Object.values(d.state.threads)) {
    if (thread.cursor?.phase === 'task' && thread.cursor.token === token) return { thread, cursor: thread.cursor };
  }
  return undefined;
}

export function familyOf(d: Decision, cursor: Cursor): TaskEventFamily {
  return cursor.taskFamily ?? 'Task';
}

/** resource/resourceType, which every Task* event after TaskScheduled repeats (not Lambda/Activity events). */
export function taskEventDetails(d: Decision, cursor: Cursor, details: Record<string, unknown>): Record<string, unknown> {
  if (familyOf(d, cursor) !== 'Task') return details;
  return { ...details, resource: cursor.taskResource ?? 'unknown', resourceType: cursor.taskResourceType ?? 'unknown' };
}

export function emitTaskStarted(d: Decision, threadId: string, cursor: Cursor, workerName?: string): void {
  const family = familyOf(d, cursor);
  if (family === 'LambdaFunction') {
    d.emit(threadId, 'LambdaFunctionStarted'); // AWS writes it without details
  } else if (family === 'Activity') {
    d.emit(threadId, 'ActivityStarted', 'activityStartedEventDetails', compact({ workerName }));
  } else {
    d.emit(threadId, 'TaskStarted', 'taskStartedEventDetails', taskEventDetails(d, cursor, {}));
  }
}

/** A `.sync` job or a `.waitForTaskToken` call went out: TaskSubmitted with the service's response. */
export function submitTask(d: Decision, token: string, outputText: string): void {
  const found = findTask(d, token);
  if (!found || found.cursor.taskSubmitted || familyOf(d, found.cursor) !== 'Task') return;
  const threadId = found.thread.id;
  if (!found.cursor.taskStarted) emitTaskStarted(d, threadId, found.cursor);
  const details = taskEventDetails(d, found.cursor, { output: outputText, outputDetails: PAYLOAD_DETAILS });
  d.emit(threadId, 'TaskSubmitted', 'taskSubmittedEventDetails', details);
}

/** SendTaskHeartbeat: recorded (hidden) only where HeartbeatSeconds makes it matter. */
export function heartbeat(d: Decision, token: string): void {
  const found = findTask(d, token);
  if (!found || found.cursor.heartbeatSeconds === undefined) return;
  d.emit(found.thread.id, 'TaskHeartbeatRecorded', undefined, undefined, { hidden: true });
}

export async function completeTask(d: Decision, token: string, outputText: string): Promise<void> {
  const found = findTask(d, token);
  if (!found) return;
  if (exceedsPayloadQuota(outputText)) {
    const cause = `The state/task '${taskDisplayName(d, found.cursor)}' returned a result with a size exceeding the maximum number of bytes service limit.`;
    await failTask(d, token, 'States.DataLimitExceeded', cause, 'Failed');
    return;
  }
  const threadId = found.thread.id;
  const family = familyOf(d, found.cursor);
  if (!found.cursor.taskStarted) emitTaskStarted(d, threadId, found.cursor);
  const result = JSON.parse(outputText) as unknown;
  const details = taskEventDetails(d, found.cursor, { output: outputText, outputDetails: PAYLOAD_DETAILS });
  d.emit(threadId, taskEventType(family, 'Succeeded'), taskDetailsField(family, 'Succeeded'), details);
  let step: Step;
  try {
    step = await processResult(d, threadId, result);
  } catch (error) {
    step = await stateFailed(d, threadId, toFailure(error));
  }
  d.schedule(threadId, step);
}

/** How AWS names the task in a DataLimitExceeded cause: the service (`lambda`) or the function/activity ARN. */
export function taskDisplayName(d: Decision, cursor: Cursor): string {
  return (familyOf(d, cursor) === 'Task' ? cursor.taskResourceType : cursor.taskResource) ?? '';
}

export async function timeOutTask(d: Decision, command: Extract<ExecutionCommand, { type: 'TimeOutTask' }>): Promise<void> {
  const found = findTask(d, command.token);
  if (!found) return;
  if (command.deadline) {
    // A timer fired: it counts only if that deadline, as the events now define it, has passed.
    const due = taskDeadlines(found.cursor).find((deadline) => deadline.deadline === command.deadline);
    if (!due || Date.parse(due.at) > d.env.now.getTime()) return;
  }
  const heartbeat = command.deadline === 'heartbeat' || command.error === 'States.HeartbeatTimeout';
  // AWS records a missed heartbeat as States.Timeout; Retry/Catch may name it States.HeartbeatTimeout.
  const error = heartbeat ? 'States.Timeout' : (command.error ?? 'States.Timeout');
  await failTask(d, command.token, error, command.cause, 'TimedOut', heartbeat ? 'States.HeartbeatTimeout' : undefined);
  if (command.deadline) await timeOutOtherDueTasks(d);
}

/**
 * Every other task whose deadline has passed times out in the same decision, before any
 * consequence runs: AWS records all of a Map's simultaneous timeouts before it fails the
 * Map (corpus: test_service_lambda_map_timeout). Their own timers then find nothing open.
 */
export async function timeOutOtherDueTasks(d: Decision): Promise<void> {
  const nowMs = d.env.now.getTime();
  for (const thread of Object.values(d.state.threads)) {
    const cursor = d.state.threads[thread.id]?.cursor;
    if (!cursor?.token) continue;
    const due = taskDeadlines(cursor).find((deadline) => Date.parse(deadline.at) <= nowMs);
    if (!due) continue;
    const heartbeat = due.deadline === 'heartbeat';
    await failTask(d, cursor.token, 'States.Timeout', undefined, 'TimedOut', heartbeat ? 'States.HeartbeatTimeout' : undefined);
  }
}

/** Synchronous when a retry applies (the retry's own scheduling may still await: drain). */
export function failTask(d: Decision, token: string, error: string | undefined, cause: string | undefined, outcome: 'Failed' | 'TimedOut', alias?: string): MaybePromise<void> {
  const found = findTask(d, token);
  if (!found) return;
  const threadId = found.thread.id;
  const family = familyOf(d, found.cursor);
  // Integrations are called as they are scheduled (AWS shows them started); an activity
  // that no worker took times out without ActivityStarted.
  if (!found.cursor.taskStarted && (outcome === 'Failed' || family !== 'Activity')) emitTaskStarted(d, threadId, found.cursor);
  const matching: ErrorMatching = { alias, uncatchable: TASK_UNCATCHABLE };
  const plan = retryPlan(d, threadId, error, matching);
  const details = taskEventDetails(d, found.cursor, compact({ cause, error }));
  d.emit(threadId, taskEventType(family, outcome), taskDetailsField(family, outcome), details, plan ?? {});
  if (plan) return retryWhenDue(d, threadId, plan);
  // A timeout reaches Catch with an empty Cause (corpus: test_invoke_timeout), though its event has none.
  return tryCatch(d, threadId, error, outcome === 'TimedOut' ? (cause ?? '') : cause, matching).then((caught) => {
    d.schedule(threadId, caught ?? { kind: 'fail', error, cause, taskAttempt: true });
  });
}
