import { createHash } from 'node:crypto';
import type { TaskProgress } from '@stepstone/engine';
import { IntegrationPattern } from '../resource-arn';
import { isTaskFailure, TaskFailure } from '../task-failure';

/** One SDK call to the job's service: its output with `$metadata`; errors already carry AWS's names. */
export type ServiceSend = (action: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Where a polled job stands. */
export type JobProgress =
  | { readonly state: 'running' }
  | { readonly state: 'succeeded'; readonly output: unknown }
  | { readonly state: 'failed'; readonly cause: string };

export interface StartContext {
  readonly pattern: IntegrationPattern;
  /** ≤ 64 characters derived from the task token: the same on every dispatch of this task. */
  readonly idempotencyToken: string;
  /** The task was dispatched before (TaskStarted is durable) but its job was never recorded. */
  readonly recovering: boolean;
}

/**
 * An optimized integration that starts a job (Batch submitJob, ECS runTask, Glue startJobRun,
 * SageMaker create*Job). `start` answers the Task result of the request-response pattern, which
 * is also TaskSubmitted's output for `.sync`; `describe` and `stop` work from that result alone,
 * so a task re-dispatched after a restart resumes from its TaskSubmitted event.
 */
export interface JobIntegration {
  readonly service: string;
  readonly action: string;
  /** The SDK package suffix (`@aws-sdk/client-<suffix>`). */
  readonly packageSuffix: string;
  start(send: ServiceSend, parameters: Record<string, unknown>, context: StartContext): Promise<Record<string, unknown>>;
  describe(send: ServiceSend, started: Record<string, unknown>): Promise<JobProgress>;
  stop(send: ServiceSend, started: Record<string, unknown>): Promise<void>;
}

/** What the poll loop needs from the engine and the process, per task. */
export interface SyncJobHooks {
  readonly pollIntervalMs: number;
  sleep(ms: number): Promise<void>;
  report(progress: TaskProgress): Promise<boolean>;
  /** TaskSubmitted's output when this task already submitted its job (a re-dispatch after a restart). */
  submittedOutput(): Promise<string | undefined>;
  /** Whether TaskStarted is durable: the start call may have gone out before a crash. */
  taskStarted(): Promise<boolean>;
  /** False once the task is closed without us (StopExecution, a timeout, a failed sibling branch). */
  taskOpen(): Promise<boolean>;
  /** Resolves when the execution closes or the process shuts down: wakes a sleeping poll at once. */
  ended(): Promise<void>;
  /** The process is shutting down: leave the job running, the next process resumes it. */
  stopping(): boolean;
}

/**
 * What the server tells the dispatcher about `.sync` jobs (all optional in tests): the poll
 * interval (`STEPSTONE_SYNC_POLL_SECONDS`), and the engine's view of the task and execution.
 */
export interface SyncJobsPort {
  readonly pollSeconds?: number;
  submittedOutput?(executionArn: string, token: string): Promise<string | undefined>;
  taskOpen?(executionArn: string, token: string): Promise<boolean>;
  executionEnded?(executionArn: string): Promise<void>;
  stopping?(): boolean;
  sleep?(ms: number): Promise<void>;
}

/** AWS documents no poll interval (it follows most jobs by events); a few seconds keeps a job's end close. */
export const DEFAULT_SYNC_POLL_SECONDS = 5;

/** A `.sync` job's end: its result, or nothing when the task was closed by someone else. */
export type SyncJobEnd = { readonly kind: 'result'; readonly output: unknown } | { readonly kind: 'abandoned' };

export function idempotencyTokenOf(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex').slice(0, 64);
}

/**
 * Runs a job task. Request-response (and the call of `.waitForTaskToken`) is the start call's
 * result. `.sync` records TaskStarted, starts the job, records TaskSubmitted with the start
 * result, then polls the job's describe call every `pollIntervalMs` until it is terminal: its
 * description is the Task's result, a failure is `States.TaskFailed` with the description as
 * cause. If the task closes while the job runs (abort, timeout), the job is stopped as AWS does.
 */
export async function runJobTask(
  integration: JobIntegration,
  send: ServiceSend,
  pattern: IntegrationPattern,
  parameters: Record<string, unknown>,
  token: string,
  hooks: SyncJobHooks,
): Promise<SyncJobEnd> {
  const sync = pattern === IntegrationPattern.Sync || pattern === IntegrationPattern.Sync2;
  if (!sync) {
    const context: StartContext = { pattern, idempotencyToken: idempotencyTokenOf(token), recovering: false };
    return { kind: 'result', output: await integration.start(send, parameters, context) };
  }
  let started: Record<string, unknown>;
  const submitted = await hooks.submittedOutput();
  if (submitted !== undefined) {
    started = JSON.parse(submitted) as Record<string, unknown>;
  } else {
    const recovering = await hooks.taskStarted();
    if (!recovering) await hooks.report({ kind: 'started' });
    started = await integration.start(send, parameters, { pattern, idempotencyToken: idempotencyTokenOf(token), recovering });
    await hooks.report({ kind: 'submitted', output: JSON.stringify(started) });
  }
  return pollJob(integration, send, started, hooks);
}

async function pollJob(integration: JobIntegration, send: ServiceSend, started: Record<string, unknown>, hooks: SyncJobHooks): Promise<SyncJobEnd> {
  let ended = false;
  const whenEnded = hooks.ended().then(() => {
    ended = true;
  });
  for (;;) {
    if (hooks.stopping()) return { kind: 'abandoned' };
    if (!(await hooks.taskOpen())) {
      // The task closed without us: stop the job, as AWS does when an execution is stopped.
      await integration.stop(send, started).catch(() => undefined);
      return { kind: 'abandoned' };
    }
    let progress: JobProgress;
    try {
      progress = await integration.describe(send, started);
    } catch (error) {
      // A describe that got no answer is retried at the next poll; an answered error fails the task.
      if (isTaskFailure(error) && error.error.endsWith('.SdkClientException')) progress = { state: 'running' };
      else throw error;
    }
    if (progress.state === 'succeeded') return { kind: 'result', output: progress.output };
    if (progress.state === 'failed') throw new TaskFailure('States.TaskFailed', progress.cause);
    // Once the execution ended the next round returns; until then a sleep may be cut short.
    await (ended ? hooks.sleep(hooks.pollIntervalMs) : Promise.race([hooks.sleep(hooks.pollIntervalMs), whenEnded]));
  }
}
