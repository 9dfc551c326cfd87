import { decideAndEvolve } from '../execution/decide';
import type { ExecutionCommand } from '../execution/commands';
import { type Effect, continuationOf, pendingEffects } from '../execution/effects';
import type { ObjectStore } from '../object-store/object-store.port';
import { isObjectStoreEffect, performObjectStoreEffect } from '../object-store/perform-object-store-effect';
import { initialExecutionState } from '../execution/execution-state';
import { startCommand, systemDecisionEnv } from './decision-inputs';
import type { StartExecutionRequest, SyncExecutionResult } from './execution-runner.port';
import { type TaskDispatcher, taskCommand, taskRequest } from './task-dispatch';

/** What a synchronous run needs of the runner's options. */
export interface SyncRunOptions {
  readonly now?: () => Date;
  readonly advanceClock?: (toMs: number) => void;
  readonly taskDispatcher?: TaskDispatcher;
  readonly objectStore?: ObjectStore;
  readonly activityExists?: (activityArn: string) => Promise<boolean>;
}

/**
 * StartSyncExecution's run: decided and evolved in memory to its end, nothing appended (an
 * EXPRESS execution keeps no history): tasks are awaited in turn, Waits sleep (or move the fast
 * clock), and an execution left waiting for a task nothing can complete stops with States.Runtime.
 */
export async function runSyncExecution(options: SyncRunOptions, request: StartExecutionRequest, isClosed: () => boolean): Promise<SyncExecutionResult> {
  const now = options.now ?? (() => new Date());
  let decided = await decideAndEvolve(initialExecutionState, startCommand(request), systemDecisionEnv(now(), options.activityExists));
  let state = decided.state;
  const syncTokens = new Set<string>();
  while (state.status === 'RUNNING' && !isClosed()) {
    const effects = pendingEffects(state);
    // Task deadlines are not waited for here: an in-memory task whose dispatcher gave no
    // outcome can never complete (nobody can reach it), so the execution stops below.
    const timer = effects
      .filter((effect): effect is Extract<Effect, { kind: 'timer' }> => effect.kind === 'timer')
      .sort((a, b) => Date.parse(a.wakeAt) - Date.parse(b.wakeAt))[0];
    // The execution's own deadline (TimeoutSeconds, or the five-minute EXPRESS maximum) ends a
    // wait that would outlast it.
    const deadline = effects.find((effect): effect is Extract<Effect, { kind: 'execution-timeout' }> => effect.kind === 'execution-timeout');
    const task = effects.find((effect): effect is Extract<Effect, { kind: 'task' }> => effect.kind === 'task' && !syncTokens.has(effect.token));
    const objectStoreEffect = effects.find(isObjectStoreEffect);
    let command: ExecutionCommand | undefined = continuationOf(effects);
    if (command) {
      // a decision that stopped at its bound goes on first
    } else if (objectStoreEffect) {
      command = await performObjectStoreEffect(options.objectStore, objectStoreEffect);
    } else if (task && options.taskDispatcher) {
      syncTokens.add(task.token);
      // A sync execution keeps no history, so progress has nothing to record.
      const outcome = await options.taskDispatcher.dispatch(taskRequest(request.executionArn, state.start, task, async () => true));
      if (outcome) command = taskCommand(task.token, outcome);
    } else if (timer) {
      const timesOut = deadline !== undefined && Date.parse(deadline.at) <= Date.parse(timer.wakeAt);
      const wakeAt = timesOut ? Date.parse(deadline.at) : Date.parse(timer.wakeAt);
      const delay = wakeAt - now().getTime();
      if (delay > 0 && options.advanceClock) options.advanceClock(wakeAt);
      else if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      command = timesOut ? { type: 'TimeOutExecution' } : { type: 'FireTimer', threadId: timer.threadId, enteredEventId: timer.enteredEventId };
    }
    if (!command) {
      decided = await decideAndEvolve(state, { type: 'StopExecution', error: 'States.Runtime', cause: 'The execution is waiting for a task that nothing can complete.' }, systemDecisionEnv(now(), options.activityExists));
    } else {
      decided = await decideAndEvolve(state, command, systemDecisionEnv(now(), options.activityExists));
    }
    state = decided.state;
  }
  const start = state.start!;
  return {
    status: state.status as SyncExecutionResult['status'],
    startDate: start.startDate,
    stopDate: state.stopDate ?? now().toISOString(),
    input: start.inputText,
    output: state.output,
    error: state.error,
    cause: state.cause,
  };
}
