import { TaskFailure } from '../task-failure';
import { awsJson, camelCaseInput, startResult, stringField, withoutMetadata } from './job-shapes';
import type { JobIntegration } from './sync-job';

/** Batch members that are maps: their keys are the user's (job parameters, tags, labels). */
const MAP_MEMBERS = new Set(['parameters', 'tags', 'labels', 'annotations', 'options']);

/**
 * `arn:aws:states:::batch:submitJob[.sync]` (Step Functions guide, "Run AWS Batch workloads"):
 * SubmitJob's answer (`JobArn`, `JobId`, `JobName`); `.sync` polls DescribeJobs until the job is
 * SUCCEEDED (its description is the result) or FAILED (`States.TaskFailed`, the description as
 * cause); a stopped task terminates the job. SubmitJob takes no idempotency token: a crash in the
 * moment between its answer and the durable TaskSubmitted event can submit the job twice.
 */
export const batchSubmitJob: JobIntegration = {
  service: 'batch',
  action: 'submitJob',
  packageSuffix: 'batch',
  async start(send, parameters) {
    const output = await send('submitJob', camelCaseInput(parameters, MAP_MEMBERS));
    return startResult(output, awsJson(withoutMetadata(output)) as Record<string, unknown>, 'application/json');
  },
  async describe(send, started) {
    const jobId = jobIdOf(started);
    const output = await send('describeJobs', { jobs: [jobId] });
    const [job] = (output.jobs as Record<string, unknown>[] | undefined) ?? [];
    if (!job) throw new TaskFailure('States.TaskFailed', `The job ${jobId} was not found by DescribeJobs`);
    const description = awsJson(job, MAP_MEMBERS);
    if (job.status === 'SUCCEEDED') return { state: 'succeeded', output: description };
    if (job.status === 'FAILED') return { state: 'failed', cause: JSON.stringify(description) };
    return { state: 'running' };
  },
  async stop(send, started) {
    await send('terminateJob', { jobId: jobIdOf(started), reason: 'Terminated by Step Functions: the task ended before the job' });
  },
};

function jobIdOf(started: Record<string, unknown>): string {
  const jobId = stringField(started, 'JobId');
  if (!jobId) throw new TaskFailure('States.Runtime', 'SubmitJob answered without a JobId');
  return jobId;
}
