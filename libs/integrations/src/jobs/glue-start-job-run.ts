import { TaskFailure } from '../task-failure';
import { awsJson, startResult, stringField, withoutMetadata } from './job-shapes';
import type { JobIntegration } from './sync-job';

const MAP_MEMBERS = new Set(['arguments', 'defaultArguments', 'nonOverridableArguments']);
const FAILED_STATES = new Set(['FAILED', 'TIMEOUT', 'ERROR', 'EXPIRED']);
const ENDED_STATES = new Set(['SUCCEEDED', 'STOPPED']);

/**
 * `arn:aws:states:::glue:startJobRun[.sync]` (Step Functions guide, "Start an AWS Glue job"):
 * StartJobRun's `JobRunId` with the request's `JobName` added, as AWS does. `.sync` polls
 * GetJobRun until the run ends: SUCCEEDED or STOPPED give the JobRun (with `JobName`); FAILED,
 * TIMEOUT, ERROR or EXPIRED fail with `States.TaskFailed` and the JobRun as cause. StartJobRun
 * has no idempotency token: a crash between its answer and the durable TaskSubmitted event can
 * start a second run.
 */
export const glueStartJobRun: JobIntegration = {
  service: 'glue',
  action: 'startJobRun',
  packageSuffix: 'glue',
  async start(send, parameters) {
    const output = await send('startJobRun', parameters);
    const body = awsJson(withoutMetadata(output), MAP_MEMBERS) as Record<string, unknown>;
    return startResult(output, { JobName: parameters.JobName, ...body }, 'application/x-amz-json-1.1');
  },
  async describe(send, started) {
    const { jobName, runId } = runOf(started);
    const output = await send('getJobRun', { JobName: jobName, RunId: runId });
    const run = (output.JobRun as Record<string, unknown> | undefined) ?? {};
    const state = String(run.JobRunState ?? '');
    const description = { ...(awsJson(run, MAP_MEMBERS) as Record<string, unknown>), JobName: jobName };
    if (ENDED_STATES.has(state)) return { state: 'succeeded', output: description };
    if (FAILED_STATES.has(state)) return { state: 'failed', cause: JSON.stringify(description) };
    return { state: 'running' };
  },
  async stop(send, started) {
    const { jobName, runId } = runOf(started);
    await send('batchStopJobRun', { JobName: jobName, JobRunIds: [runId] });
  },
};

function runOf(started: Record<string, unknown>): { jobName: string; runId: string } {
  const jobName = stringField(started, 'JobName');
  const runId = stringField(started, 'JobRunId');
  if (!jobName || !runId) throw new TaskFailure('States.Runtime', 'StartJobRun answered without a JobName and JobRunId');
  return { jobName, runId };
}
