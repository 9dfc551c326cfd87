import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { integrationOffersPattern } from '@stepstone/asl';
import { IntegrationPattern } from '../resource-arn';
import { TaskFailure } from '../task-failure';
import { jobIntegrationFor } from './job-integrations';
import type { JobIntegration, ServiceSend, StartContext } from './sync-job';

const meta = { $metadata: { requestId: 'req-1', httpStatusCode: 200 } };
const context = (pattern: IntegrationPattern = IntegrationPattern.RequestResponse, recovering = false): StartContext => ({
  pattern,
  idempotencyToken: 'a'.repeat(64),
  recovering,
});

/** A service that answers each action from a table and records what it was sent. */
function fakeService(answers: Record<string, (input: Record<string, unknown>) => Record<string, unknown>>) {
  const calls: { action: string; input: Record<string, unknown> }[] = [];
  const send: ServiceSend = async (action, input) => {
    calls.push({ action, input });
    const answer = answers[action];
    if (!answer) throw new Error(`unexpected ${action}`);
    return answer(input);
  };
  return { send, calls };
}

function integration(service: string, action: string): JobIntegration {
  const found = jobIntegrationFor(service, action);
  assert.ok(found, `${service}:${action} is a job integration`);
  return found;
}

describe('job integrations: parameters and results in AWS shapes', () => {
  it('batch:submitJob sends camelCase input, keeps job parameter keys, and answers PascalCase with SdkHttpMetadata', async () => {
    const service = fakeService({ submitJob: () => ({ ...meta, jobArn: 'arn:aws:batch:us-east-1:1:job/j-1', jobId: 'j-1', jobName: 'nightly' }) });
    const result = await integration('batch', 'submitJob').start(
      service.send,
      { JobName: 'nightly', JobQueue: 'q', JobDefinition: 'd', Parameters: { inputFile: 's3://x' }, ContainerOverrides: { Environment: [{ Name: 'A', Value: '1' }] } },
      context(),
    );
    assert.deepEqual(service.calls[0].input, {
      jobName: 'nightly',
      jobQueue: 'q',
      jobDefinition: 'd',
      parameters: { inputFile: 's3://x' },
      containerOverrides: { environment: [{ name: 'A', value: '1' }] },
    });
    assert.equal(result.JobId, 'j-1');
    assert.equal(result.JobArn, 'arn:aws:batch:us-east-1:1:job/j-1');
    assert.equal(result.JobName, 'nightly');
    assert.deepEqual(result.SdkResponseMetadata, { RequestId: 'req-1' });
    assert.equal((result.SdkHttpMetadata as { HttpStatusCode: number }).HttpStatusCode, 200);
  });

  it('batch:submitJob describes SUCCEEDED as the job description and FAILED as its cause', async () => {
    const job = (status: string) => ({ ...meta, jobs: [{ jobId: 'j-1', status, createdAt: 1700000000000, parameters: { inputFile: 'x' }, container: { exitCode: status === 'FAILED' ? 1 : 0 } }] });
    const batch = integration('batch', 'submitJob');
    const started = { JobId: 'j-1' };
    assert.deepEqual(await batch.describe(fakeService({ describeJobs: () => job('RUNNING') }).send, started), { state: 'running' });
    assert.deepEqual(await batch.describe(fakeService({ describeJobs: () => job('SUCCEEDED') }).send, started), {
      state: 'succeeded',
      output: { JobId: 'j-1', Status: 'SUCCEEDED', CreatedAt: 1700000000000, Parameters: { inputFile: 'x' }, Container: { ExitCode: 0 } },
    });
    const failed = await batch.describe(fakeService({ describeJobs: () => job('FAILED') }).send, started);
    assert.equal(failed.state, 'failed');
    assert.equal(JSON.parse((failed as { cause: string }).cause).Container.ExitCode, 1);
  });

  it('ecs:runTask.sync starts as "AWS Step Functions" with a clientToken from the task token, and fails on Failures with AmazonECS.Unknown', async () => {
    const ok = fakeService({ runTask: () => ({ ...meta, tasks: [{ taskArn: 't-1', clusterArn: 'c', createdAt: new Date(1700000000000) }], failures: [] }) });
    const result = await integration('ecs', 'runTask').start(ok.send, { Cluster: 'c', TaskDefinition: 'td', LaunchType: 'FARGATE' }, context(IntegrationPattern.Sync));
    assert.deepEqual(ok.calls[0].input, { cluster: 'c', taskDefinition: 'td', launchType: 'FARGATE', startedBy: 'AWS Step Functions', clientToken: 'a'.repeat(64) });
    assert.deepEqual(result.Tasks, [{ TaskArn: 't-1', ClusterArn: 'c', CreatedAt: 1700000000000 }]);
    assert.deepEqual(result.Failures, []);

    const refused = fakeService({ runTask: () => ({ ...meta, tasks: [], failures: [{ reason: 'RESOURCE:MEMORY' }] }) });
    await assert.rejects(integration('ecs', 'runTask').start(refused.send, { TaskDefinition: 'td' }, context(IntegrationPattern.Sync)), (error: TaskFailure) => {
      assert.equal(error.error, 'AmazonECS.Unknown');
      assert.match(error.causeText, /RESOURCE:MEMORY/);
      return true;
    });
    // Request-response returns the answer with its Failures, as AWS does.
    const answered = await integration('ecs', 'runTask').start(refused.send, { TaskDefinition: 'td' }, context());
    assert.deepEqual(answered.Failures, [{ Reason: 'RESOURCE:MEMORY' }]);
  });

  it('ecs:runTask.sync succeeds when the task stopped with every container at exit code 0, and fails otherwise', async () => {
    const ecs = integration('ecs', 'runTask');
    const started = { Tasks: [{ TaskArn: 't-1', ClusterArn: 'c' }] };
    const task = (fields: Record<string, unknown>) => fakeService({ describeTasks: () => ({ ...meta, tasks: [{ taskArn: 't-1', ...fields }] }) });
    assert.deepEqual(await ecs.describe(task({ lastStatus: 'RUNNING' }).send, started), { state: 'running' });
    const success = task({ lastStatus: 'STOPPED', containers: [{ name: 'app', exitCode: 0 }], stopCode: 'EssentialContainerExited' });
    assert.deepEqual(await ecs.describe(success.send, started), {
      state: 'succeeded',
      output: { TaskArn: 't-1', LastStatus: 'STOPPED', Containers: [{ Name: 'app', ExitCode: 0 }], StopCode: 'EssentialContainerExited' },
    });
    assert.deepEqual(success.calls[0].input, { cluster: 'c', tasks: ['t-1'] });
    assert.equal((await ecs.describe(task({ lastStatus: 'STOPPED', containers: [{ name: 'app', exitCode: 2 }] }).send, started)).state, 'failed');
    assert.equal((await ecs.describe(task({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', containers: [{ name: 'app' }] }).send, started)).state, 'failed');
  });

  it('glue:startJobRun adds JobName to the answer and to the JobRun, and fails FAILED/TIMEOUT runs', async () => {
    const glue = integration('glue', 'startJobRun');
    const start = fakeService({ startJobRun: () => ({ ...meta, JobRunId: 'jr_1' }) });
    const result = await glue.start(start.send, { JobName: 'etl', Arguments: { '--day': '1' } }, context());
    assert.deepEqual(start.calls[0].input, { JobName: 'etl', Arguments: { '--day': '1' } });
    assert.equal(result.JobName, 'etl');
    assert.equal(result.JobRunId, 'jr_1');
    const run = (state: string) => fakeService({ getJobRun: () => ({ ...meta, JobRun: { Id: 'jr_1', JobRunState: state, StartedOn: new Date(1000), Arguments: { myArg: 'x' } } }) });
    assert.deepEqual(await glue.describe(run('RUNNING').send, result), { state: 'running' });
    assert.deepEqual(await glue.describe(run('SUCCEEDED').send, result), {
      state: 'succeeded',
      output: { Id: 'jr_1', JobRunState: 'SUCCEEDED', StartedOn: 1000, Arguments: { myArg: 'x' }, JobName: 'etl' },
    });
    assert.equal((await glue.describe(run('TIMEOUT').send, result)).state, 'failed');
    const stop = fakeService({ batchStopJobRun: () => ({ ...meta }) });
    await glue.stop(stop.send, result);
    assert.deepEqual(stop.calls[0], { action: 'batchStopJobRun', input: { JobName: 'etl', JobRunIds: ['jr_1'] } });
  });

  it('sagemaker:createTrainingJob polls DescribeTrainingJob by the name in the ARN; a recovering task adopts its own job on ResourceInUse', async () => {
    const training = integration('sagemaker', 'createTrainingJob');
    const arn = 'arn:aws:sagemaker:us-east-1:1:training-job/train-1';
    const inUse = new TaskFailure('SageMaker.ResourceInUseException', 'Training job names must be unique');
    const service = fakeService({
      createTrainingJob: () => {
        throw inUse;
      },
      describeTrainingJob: () => ({ ...meta, TrainingJobArn: arn, TrainingJobName: 'train-1', TrainingJobStatus: 'Completed', HyperParameters: { epochs: '3' } }),
    });
    await assert.rejects(training.start(service.send, { TrainingJobName: 'train-1' }, context(IntegrationPattern.Sync, false)), inUse);
    const adopted = await training.start(service.send, { TrainingJobName: 'train-1' }, context(IntegrationPattern.Sync, true));
    assert.equal(adopted.TrainingJobArn, arn);
    assert.deepEqual(await training.describe(service.send, adopted), {
      state: 'succeeded',
      output: { TrainingJobArn: arn, TrainingJobName: 'train-1', TrainingJobStatus: 'Completed', HyperParameters: { epochs: '3' } },
    });
    assert.deepEqual(service.calls.at(-1)?.input, { TrainingJobName: 'train-1' });
  });

  it('sagemaker:createTransformJob treats Failed and Stopped as failures', async () => {
    const transform = integration('sagemaker', 'createTransformJob');
    const started = { TransformJobArn: 'arn:aws:sagemaker:us-east-1:1:transform-job/t-1' };
    const status = (value: string) => fakeService({ describeTransformJob: () => ({ ...meta, TransformJobStatus: value, FailureReason: 'boom' }) });
    assert.deepEqual(await transform.describe(status('InProgress').send, started), { state: 'running' });
    assert.equal((await transform.describe(status('Failed').send, started)).state, 'failed');
    assert.equal((await transform.describe(status('Stopped').send, started)).state, 'failed');
  });

  it('offers .waitForTaskToken only where AWS does (ECS), and .sync for every job', () => {
    assert.equal(integrationOffersPattern('ecs', 'runTask', IntegrationPattern.WaitForTaskToken), true);
    for (const [service, action] of [['batch', 'submitJob'], ['glue', 'startJobRun'], ['sagemaker', 'createTrainingJob'], ['sagemaker', 'createTransformJob']]) {
      assert.equal(integration(service, action).service, service);
      assert.equal(integrationOffersPattern(service, action, IntegrationPattern.WaitForTaskToken), false, `${service}:${action}`);
      assert.equal(integrationOffersPattern(service, action, IntegrationPattern.Sync), true, `${service}:${action}`);
    }
    assert.equal(jobIntegrationFor('sqs', 'sendMessage'), undefined);
  });
});
