import { IntegrationPattern } from '../resource-arn';
import { TaskFailure } from '../task-failure';
import { awsJson, camelCaseInput, startResult, stringField, withoutMetadata } from './job-shapes';
import type { JobIntegration, JobProgress } from './sync-job';

const MAP_MEMBERS = new Set<string>(['options', 'dockerLabels']);

/**
 * `arn:aws:states:::ecs:runTask[.sync|.waitForTaskToken]` (Step Functions guide, "Run Amazon ECS
 * or Fargate tasks"): RunTask's answer (`Tasks`, `Failures`); with `.sync` or a task token a
 * non-empty `Failures` fails the task with `AmazonECS.Unknown`. `.sync` starts the task as
 * `StartedBy: "AWS Step Functions"` and polls DescribeTasks until it is STOPPED: its description
 * is the result, or `States.TaskFailed` when a container exited non-zero or never ran. RunTask's
 * `clientToken` is derived from the task token, so a re-dispatch after a crash gets the task
 * already started instead of a second one.
 */
export const ecsRunTask: JobIntegration = {
  service: 'ecs',
  action: 'runTask',
  packageSuffix: 'ecs',
  async start(send, parameters, context) {
    const input = camelCaseInput(parameters, MAP_MEMBERS);
    const sync = context.pattern === IntegrationPattern.Sync || context.pattern === IntegrationPattern.Sync2;
    if (sync) input.startedBy = 'AWS Step Functions';
    if (input.clientToken === undefined) input.clientToken = context.idempotencyToken;
    const output = await send('runTask', input);
    const body = awsJson(withoutMetadata(output), MAP_MEMBERS) as Record<string, unknown>;
    const failures = Array.isArray(body.Failures) ? body.Failures : [];
    if (context.pattern !== IntegrationPattern.RequestResponse && failures.length > 0) {
      throw new TaskFailure('AmazonECS.Unknown', JSON.stringify({ Failures: failures }));
    }
    return startResult(output, body, 'application/x-amz-json-1.1');
  },
  async describe(send, started) {
    const { cluster, taskArn } = taskOf(started);
    const output = await send('describeTasks', { ...(cluster ? { cluster } : {}), tasks: [taskArn] });
    const [task] = (output.tasks as Record<string, unknown>[] | undefined) ?? [];
    if (!task) throw new TaskFailure('States.TaskFailed', `The task ${taskArn} was not found by DescribeTasks`);
    return progressOf(task);
  },
  async stop(send, started) {
    const { cluster, taskArn } = taskOf(started);
    await send('stopTask', { ...(cluster ? { cluster } : {}), task: taskArn, reason: 'Stopped by Step Functions: the task ended before the ECS task' });
  },
};

function progressOf(task: Record<string, unknown>): JobProgress {
  if (task.lastStatus !== 'STOPPED') return { state: 'running' };
  const description = awsJson(task, MAP_MEMBERS);
  const containers = (task.containers as { exitCode?: number }[] | undefined) ?? [];
  const failed = task.stopCode === 'TaskFailedToStart' || containers.length === 0 || containers.some((container) => container.exitCode !== 0);
  return failed ? { state: 'failed', cause: JSON.stringify(description) } : { state: 'succeeded', output: description };
}

/** The first task RunTask started (a Count above 1 is followed through its first task). */
function taskOf(started: Record<string, unknown>): { cluster?: string; taskArn: string } {
  const [task] = (started.Tasks as Record<string, unknown>[] | undefined) ?? [];
  const taskArn = task ? stringField(task, 'TaskArn') : undefined;
  if (!task || !taskArn) throw new TaskFailure('States.TaskFailed', `RunTask started no task: ${JSON.stringify(started.Failures ?? [])}`);
  const cluster = stringField(task, 'ClusterArn');
  return { ...(cluster ? { cluster } : {}), taskArn };
}
