import { CURRENT_ENGINE_BEHAVIOUR } from './behaviour';
import { abortAll, childHistoryFull } from './children';
import type { DecisionEnv, ExecutionCommand } from './commands';
import { Decision } from './decision';
export { MAX_HISTORY_EVENTS } from './decision-support';
import { ChildHistoryLimitReached, compact, HISTORY_LIMIT_CAUSE, HistoryLimitReached, MAX_DURATION_CAUSE, MAX_EXPRESS_DURATION_CAUSE, PAYLOAD_DETAILS } from './decision-support';
import { type ExecutionState, ROOT_THREAD } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { internDefinition, rememberParsed } from './payload-cache';
import { maxExecutionDurationMs } from './redrive';
import { redrive } from './redrive-decision';
import { fireTimer } from './state-outcome';
import { itemBatchRead, itemsRead, resultsWritten, updateMapRun } from './states/distributed-map';
import { continueMap } from './states/map';
import { completeTask, emitTaskStarted, failTask, findTask, heartbeat, submitTask, timeOutTask } from './states/task';

/**
 * decide(state, command, env) → the events that happen next. Pure: time, ids and randomness
 * come from `env`. A whole run of pure states (Pass, Choice, Succeed, Fail and the entry of
 * the next waiting state) is decided in one call, so the runner appends it in one write.
 * Rejections (an unknown token, a stopped execution) decide nothing: an empty array.
 */
export async function decide(state: ExecutionState, command: ExecutionCommand, env: DecisionEnv): Promise<ExecutionEvent[]> {
  return (await decideAndEvolve(state, command, env)).events;
}

/** decide, plus the state those events fold to (the decider folds as it goes; no second fold). */
export async function decideAndEvolve(
  state: ExecutionState,
  command: ExecutionCommand,
  env: DecisionEnv,
): Promise<{ events: ExecutionEvent[]; state: ExecutionState }> {
  const decision = new Decision(state, env);
  await handle(decision, command);
  return { events: decision.events, state: decision.current };
}

/** Decides one command; a history that reaches AWS's quota ends the execution (States.Runtime). */
async function handle(d: Decision, command: ExecutionCommand): Promise<void> {
  try {
    await withChildQuota(d, () => handleCommand(d, command));
  } catch (error) {
    if (!(error instanceof HistoryLimitReached)) throw error;
    // Unbounded loops of pure states end here too, instead of deciding forever.
    d.jobs.length = 0;
    d.emit(ROOT_THREAD, 'ExecutionFailed', 'executionFailedEventDetails', { error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE }, {}, d.state.lastEventId);
  }
}

/**
 * Runs `work`; a Distributed Map child that reaches its own history quota fails there (its
 * MapIterationFailed, with States.Runtime), and the rest of the decision goes on.
 */
async function withChildQuota(d: Decision, work: () => Promise<void> | void): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof ChildHistoryLimitReached)) throw error;
    childHistoryFull(d, error.childId);
    await withChildQuota(d, () => d.drain());
  }
}

async function handleCommand(d: Decision, command: ExecutionCommand): Promise<void> {
  if (command.type === 'StartExecution') {
    if (d.state.status !== 'NONE') return;
    startExecution(d, command);
    await d.drain();
    return;
  }
  if (command.type === 'RedriveExecution') {
    redrive(d, command);
    await d.drain();
    return;
  }
  if (d.state.status !== 'RUNNING') return;
  switch (command.type) {
    case 'FireTimer':
      await fireTimer(d, command.threadId, command.enteredEventId);
      break;
    case 'StartTask': {
      const found = findTask(d, command.token);
      if (found && !found.cursor.taskStarted) emitTaskStarted(d, found.thread.id, found.cursor, command.workerName);
      break;
    }
    case 'CompleteTask':
      await completeTask(d, command.token, command.output);
      break;
    case 'FailTask':
      await failTask(d, command.token, command.error, command.cause, 'Failed');
      break;
    case 'SubmitTask':
      submitTask(d, command.token, command.output);
      break;
    case 'HeartbeatTask':
      heartbeat(d, command.token);
      break;
    case 'TimeOutTask':
      await timeOutTask(d, command);
      break;
    case 'CompleteItemRead':
      await itemsRead(d, command);
      break;
    case 'RecordItemBatch':
      await itemBatchRead(d, command);
      break;
    case 'CompleteResultWrite':
      resultsWritten(d, command);
      break;
    case 'UpdateMapRun':
      await updateMapRun(d, command);
      break;
    case 'ContinueMap':
      await continueMap(d, command.threadId, command.enteredEventId);
      break;
    case 'ContinueThread': {
      const thread = d.state.threads[command.threadId];
      // Stale (the thread went on or ended): nothing to decide.
      if (!thread || thread.cursor !== undefined || thread.done || thread.next === undefined || thread.pointer !== command.after) return;
      d.schedule(thread.id, { kind: 'enter', name: thread.next, input: thread.lastOutput });
      break;
    }
    case 'StopExecution':
      abortAll(d);
      d.emit(ROOT_THREAD, 'ExecutionAborted', 'executionAbortedEventDetails', compact({ error: command.error, cause: command.cause }), {
        actor: command.actor,
      });
      return;
    case 'TimeOutExecution': {
      // A deadline a redrive moved later may still fire: it decides nothing.
      if (Date.parse(d.state.start?.timeoutAt ?? d.nowIso) > d.env.now.getTime()) return;
      abortAll(d);
      // The definition's TimeoutSeconds ends it silently; the quota (one year, five minutes for
      // EXPRESS) is States.Timeout (AWS's quotas page).
      const start = d.state.start!;
      const ownTimeout = start.definitionObject.TimeoutSeconds;
      const byQuota = typeof ownTimeout !== 'number' || Date.parse(start.timeoutAt ?? start.startDate) === Date.parse(start.startDate) + maxExecutionDurationMs(start.type);
      const cause = start.type === 'EXPRESS' ? MAX_EXPRESS_DURATION_CAUSE : MAX_DURATION_CAUSE;
      d.emit(ROOT_THREAD, 'ExecutionTimedOut', 'executionTimedOutEventDetails', byQuota ? { error: 'States.Timeout', cause } : {});
      return;
    }
    default: {
      // Every command has a case: a new one fails to compile until it is decided here.
      const unknown: never = command;
      return unknown;
    }
  }
  await d.drain();
}

export function startExecution(d: Decision, command: Extract<ExecutionCommand, { type: 'StartExecution' }>): void {
  const definition = internDefinition(command.definition).object;
  // AWS's maximum execution time (one year; five minutes for EXPRESS) bounds every execution,
  // TimeoutSeconds or not.
  const maxDurationAt = d.env.now.getTime() + maxExecutionDurationMs(command.executionType);
  const timeoutAt = new Date(
    typeof definition.TimeoutSeconds === 'number' ? Math.min(d.env.now.getTime() + definition.TimeoutSeconds * 1000, maxDurationAt) : maxDurationAt,
  ).toISOString();
  const input = JSON.parse(command.input) as unknown;
  const details = {
    input: command.input,
    inputDetails: PAYLOAD_DETAILS,
    roleArn: command.roleArn,
    ...(command.stateMachineAliasArn ? { stateMachineAliasArn: command.stateMachineAliasArn } : {}),
    ...(command.stateMachineVersionArn ? { stateMachineVersionArn: command.stateMachineVersionArn } : {}),
  };
  rememberParsed(details, 'input', input);
  d.emit(ROOT_THREAD, 'ExecutionStarted', 'executionStartedEventDetails', details, {
    start: {
      executionArn: command.executionArn,
      stateMachineArn: command.stateMachineArn,
      name: command.name,
      type: command.executionType,
      definition: command.definition,
      timeoutAt,
      ...(command.traceHeader ? { traceHeader: command.traceHeader } : {}),
      ...(command.testCase ? { testCase: command.testCase } : {}),
      behaviour: command.behaviour ?? CURRENT_ENGINE_BEHAVIOUR,
    },
    actor: command.actor,
  }, 0);
  d.schedule(ROOT_THREAD, { kind: 'enter', name: definition.StartAt as string, input, inputText: command.input });
}
