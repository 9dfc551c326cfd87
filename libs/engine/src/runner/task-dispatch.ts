import type { ExecutionCommand } from '../execution/commands';
import type { Effect } from '../execution/effects';
import type { ExecutionState } from '../execution/execution-state';

// The runner's side of tasks: what a dispatcher is handed, what it answers, and the commands
// its answers become. The runner (execution-runner.ts) decides when a task is dispatched.

/** A task the engine asks someone to perform (an integration, an activity worker, a mock). */
export interface TaskRequest {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  /** Step Functions Local's test case (`StartExecution` on `<stateMachineArn>#<TestCase>`): mocks answer by it. */
  readonly testCase?: string;
  readonly stateName: string;
  /** 0-based: how many times this state was scheduled before in this execution (retries, loops, Map items). */
  readonly invocation: number;
  readonly token: string;
  readonly resource: string;
  readonly parameters: unknown;
  /**
   * Reports progress before the final outcome: `started` (a worker took it), `submitted` (a
   * `.sync` job was started), `heartbeat`. Resolves false when the task is no longer open.
   */
  readonly report: (progress: TaskProgress) => Promise<boolean>;
}

export type TaskOutcome =
  | { readonly kind: 'succeeded'; readonly output: string }
  | { readonly kind: 'failed'; readonly error?: string; readonly cause?: string }
  | { readonly kind: 'timed_out'; readonly error?: string; readonly cause?: string };

export type TaskProgress =
  | { readonly kind: 'started'; readonly workerName?: string }
  | { readonly kind: 'submitted'; readonly output: string }
  | { readonly kind: 'heartbeat' };

/**
 * Performs tasks. Returning an outcome completes the task; returning undefined means the
 * task completes later (callbacks, activities) through `runner.completeTask`. A dispatcher that
 * knows the outcome at once (a mocked response) may return it directly instead of a promise:
 * the runner then decides it in the same step that made the task durable, without a command
 * of its own through the execution's queue.
 */
export interface TaskDispatcher {
  dispatch(task: TaskRequest): Promise<TaskOutcome | undefined> | TaskOutcome | undefined;
}

/** An activity task scheduled and not yet started (ExecutionRunner.waitingActivityTasks). */
export interface WaitingActivityTask {
  readonly executionArn: string;
  readonly token: string;
  readonly activityArn: string;
  /** The task's input as JSON text (GetActivityTask's `input`). */
  readonly input: string;
}

/** What every dispatcher is told about a task, from its effect and the execution's start (one object, no spreads). */
export function taskRequest(
  executionArn: string,
  start: ExecutionState['start'],
  effect: Extract<Effect, { kind: 'task' }>,
  report: TaskRequest['report'],
): TaskRequest {
  const request: { -readonly [K in keyof TaskRequest]: TaskRequest[K] } = {
    executionArn,
    stateMachineArn: start?.stateMachineArn ?? '',
    stateName: effect.stateName,
    invocation: effect.invocation,
    token: effect.token,
    resource: effect.resource,
    parameters: JSON.parse(effect.parameters),
    report,
  };
  if (start?.testCase) request.testCase = start.testCase;
  return request;
}

/** A dispatcher that threw: the task failed, with the error's message as its cause. */
export function thrownOutcome(error: unknown): TaskOutcome {
  return { kind: 'failed', error: 'States.TaskFailed', cause: String((error as Error)?.message ?? error) };
}

/** The command a task's final outcome becomes (also used by drivers that run the decider directly). */
export function taskCommand(token: string, outcome: TaskOutcome): ExecutionCommand {
  switch (outcome.kind) {
    case 'succeeded':
      return { type: 'CompleteTask', token, output: outcome.output };
    case 'failed':
      return { type: 'FailTask', token, error: outcome.error, cause: outcome.cause };
    case 'timed_out':
      return { type: 'TimeOutTask', token, error: outcome.error, cause: outcome.cause };
  }
}

export function progressCommand(token: string, progress: TaskProgress): ExecutionCommand {
  switch (progress.kind) {
    case 'started':
      return { type: 'StartTask', token, workerName: progress.workerName };
    case 'submitted':
      return { type: 'SubmitTask', token, output: progress.output };
    case 'heartbeat':
      return { type: 'HeartbeatTask', token };
  }
}
