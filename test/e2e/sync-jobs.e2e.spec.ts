import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';
import { readBody } from '../support/helpers';

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const account = '123456789012';

type Outcome = 'SUCCEEDED' | 'FAILED';

/** A job in the stand-in: RUNNING for `runningPolls` describes, then its outcome; `hold` waits for `finish`. */
interface FakeJob {
  readonly id: string;
  readonly name: string;
  polls: number;
  runningPolls: number;
  outcome: Outcome | 'hold';
  stopped: boolean;
}

/**
 * A stand-in for AWS Batch (REST-JSON), ECS, Glue and SageMaker (AWS JSON 1.1 with
 * `X-Amz-Target`), speaking each wire format as the SDK v3 clients expect it. A job's plan
 * comes from its name: `*-fail` fails, `*-hold` runs until the test finishes it; others succeed
 * after two RUNNING describes. ECS honours `clientToken` (a retried RunTask gets the same task).
 */
async function startFakeJobServices() {
  const jobs = new Map<string, FakeJob>();
  const calls: { service: string; action: string; input: any }[] = [];
  const ecsByClientToken = new Map<string, string>();
  let answerDelayMs = 0;

  const plan = (id: string, name: string): FakeJob => {
    const job: FakeJob = { id, name, polls: 0, runningPolls: 2, outcome: name.endsWith('-fail') ? 'FAILED' : name.endsWith('-hold') ? 'hold' : 'SUCCEEDED', stopped: false };
    jobs.set(id, job);
    return job;
  };
  /** One describe: RUNNING until the plan says otherwise. */
  const poll = (job: FakeJob): 'RUNNING' | Outcome | 'STOPPED' => {
    job.polls++;
    if (job.stopped) return 'STOPPED';
    if (job.outcome === 'hold' || job.polls <= job.runningPolls) return 'RUNNING';
    return job.outcome;
  };
  const reply = (response: ServerResponse, status: number, body: unknown, contentType: string, errorType?: string) => {
    response.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    response.end(JSON.stringify(body));
  };

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const input = body === '' ? {} : JSON.parse(body);
    const target = String(request.headers['x-amz-target'] ?? '');
    const json11 = (status: number, out: unknown) => reply(response, status, out, 'application/x-amz-json-1.1');
    if (request.url?.startsWith('/v1/')) {
      const action = request.url.slice('/v1/'.length);
      calls.push({ service: 'batch', action, input });
      const rest = (status: number, out: unknown, errorType?: string) => reply(response, status, out, 'application/json', errorType);
      if (action === 'submitjob') {
        if (input.jobQueue !== 'queue') return rest(400, { message: `Job queue ${input.jobQueue} does not exist` }, 'ClientException');
        const job = plan(randomUUID(), input.jobName);
        return rest(200, { jobArn: `arn:aws:batch:us-east-1:${account}:job/${job.id}`, jobName: job.name, jobId: job.id });
      }
      if (action === 'describejobs') {
        const described = (input.jobs as string[]).flatMap((id) => {
          const job = jobs.get(id);
          if (!job) return [];
          const status = poll(job);
          return [{
            jobId: job.id, jobName: job.name, jobArn: `arn:aws:batch:us-east-1:${account}:job/${job.id}`, jobQueue: 'queue', jobDefinition: 'def',
            status: status === 'STOPPED' ? 'FAILED' : status, createdAt: 1_700_000_000_000, parameters: { inputFile: 's3://bucket/in' },
            ...(status === 'FAILED' ? { statusReason: 'Essential container in task exited', container: { exitCode: 1 } } : {}),
            ...(status === 'SUCCEEDED' ? { container: { exitCode: 0 } } : {}),
          }];
        });
        return rest(200, { jobs: described });
      }
      if (action === 'terminatejob') {
        const job = jobs.get(input.jobId);
        if (job) job.stopped = true;
        return rest(200, {});
      }
    }
    const [prefix, action] = target.split('.');
    if (prefix === 'AmazonEC2ContainerServiceV20141113') {
      calls.push({ service: 'ecs', action, input });
      if (action === 'RunTask') {
        const existing = input.clientToken ? ecsByClientToken.get(input.clientToken) : undefined;
        const job = existing ? jobs.get(existing)! : plan(`arn:aws:ecs:us-east-1:${account}:task/cluster/${randomUUID()}`, String(input.taskDefinition));
        if (input.clientToken) ecsByClientToken.set(input.clientToken, job.id);
        if (answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, answerDelayMs));
        const task = { taskArn: job.id, clusterArn: `arn:aws:ecs:us-east-1:${account}:cluster/cluster`, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', createdAt: 1_700_000_000.5, startedBy: input.startedBy };
        return json11(200, { tasks: [task], failures: [] });
      }
      if (action === 'DescribeTasks') {
        const tasks = (input.tasks as string[]).map((id) => {
          const job = jobs.get(id)!;
          const status = poll(job);
          const stopped = status !== 'RUNNING';
          return {
            taskArn: job.id, clusterArn: input.cluster, lastStatus: stopped ? 'STOPPED' : 'RUNNING', createdAt: 1_700_000_000.5,
            containers: [{ name: 'app', lastStatus: stopped ? 'STOPPED' : 'RUNNING', ...(stopped ? { exitCode: status === 'SUCCEEDED' ? 0 : 1 } : {}) }],
            ...(stopped ? { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' } : {}),
          };
        });
        return json11(200, { tasks, failures: [] });
      }
      if (action === 'StopTask') {
        const job = jobs.get(input.task);
        if (job) job.stopped = true;
        return json11(200, { task: { taskArn: input.task } });
      }
    }
    if (prefix === 'AWSGlue') {
      calls.push({ service: 'glue', action, input });
      if (action === 'StartJobRun') return json11(200, { JobRunId: plan(`jr_${randomUUID()}`, input.JobName).id });
      if (action === 'GetJobRun') {
        const job = jobs.get(input.RunId)!;
        const status = poll(job);
        return json11(200, { JobRun: { Id: job.id, JobName: job.name, JobRunState: status, StartedOn: 1_700_000_000, Arguments: { '--day': '1' }, ...(status === 'FAILED' ? { ErrorMessage: 'boom' } : {}) } });
      }
    }
    if (prefix === 'SageMaker') {
      calls.push({ service: 'sagemaker', action, input });
      if (action === 'CreateTrainingJob') {
        const job = plan(`arn:aws:sagemaker:us-east-1:${account}:training-job/${input.TrainingJobName}`, input.TrainingJobName);
        return json11(200, { TrainingJobArn: job.id });
      }
      if (action === 'DescribeTrainingJob') {
        const job = jobs.get(`arn:aws:sagemaker:us-east-1:${account}:training-job/${input.TrainingJobName}`)!;
        const status = poll(job);
        const sageMakerStatus = { RUNNING: 'InProgress', SUCCEEDED: 'Completed', FAILED: 'Failed', STOPPED: 'Stopped' }[status];
        return json11(200, { TrainingJobName: job.name, TrainingJobArn: job.id, TrainingJobStatus: sageMakerStatus, CreationTime: 1_700_000_000, HyperParameters: { epochs: '3' } });
      }
    }
    response.writeHead(400).end(`unknown request ${request.url} ${target}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    server: server as Server,
    url: `http://127.0.0.1:${port}`,
    jobs,
    calls,
    count: (service: string, action: string) => calls.filter((call) => call.service === service && call.action === action).length,
    finish(name: string, outcome: Outcome) {
      for (const job of jobs.values()) if (job.name === name) job.outcome = outcome;
    },
    delayAnswers(ms: number) {
      answerDelayMs = ms;
    },
  };
}

describe('.sync job integrations (Batch, ECS, Glue, SageMaker) through the real server', () => {
  let fake: Awaited<ReturnType<typeof startFakeJobServices>>;
  let server: RunningServer;
  let sfn: SFNClient;
  let counter = 0;

  before(async () => {
    fake = await startFakeJobServices();
    server = await startServer({
      env: {
        STEPSTONE_ENDPOINT_BATCH: fake.url,
        STEPSTONE_ENDPOINT_ECS: fake.url,
        STEPSTONE_ENDPOINT_GLUE: fake.url,
        STEPSTONE_ENDPOINT_SAGEMAKER: fake.url,
        STEPSTONE_SYNC_POLL_SECONDS: '0.2',
        AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
      },
    });
    sfn = sfnClient(server.endpoint);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
    await new Promise((resolve) => fake?.server.close(resolve));
  });

  async function start(states: Record<string, unknown>, startAt = 'Job'): Promise<string> {
    const definition = { StartAt: startAt, States: states };
    const machine = await sfn.send(new CreateStateMachineCommand({ name: `jobs${++counter}`, definition: JSON.stringify(definition), roleArn }));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{}' }));
    return started.executionArn!;
  }

  async function history(executionArn: string): Promise<HistoryEvent[]> {
    return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function finished(executionArn: string) {
    return waitFor(`${executionArn} to end`, async () => {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : described;
    });
  }

  const task = (resource: string, parameters: unknown, extra: Record<string, unknown> = { End: true }) => ({ Job: { Type: 'Task', Resource: resource, Parameters: parameters, ...extra } });

  it('batch:submitJob.sync records TaskSubmitted with SubmitJob\'s answer, polls DescribeJobs and returns the job description', async () => {
    const executionArn = await start(task('arn:aws:states:::batch:submitJob.sync', { JobName: 'nightly', JobQueue: 'queue', JobDefinition: 'def', Parameters: { inputFile: 's3://bucket/in' } }));
    const described = await finished(executionArn);
    assert.equal(described.status, 'SUCCEEDED', described.cause);
    const output = JSON.parse(described.output!);
    assert.equal(output.Status, 'SUCCEEDED');
    assert.equal(output.JobName, 'nightly');
    assert.deepEqual(output.Parameters, { inputFile: 's3://bucket/in' });
    assert.equal(output.CreatedAt, 1_700_000_000_000);

    const events = await history(executionArn);
    assert.deepEqual(
      events.map((event) => event.type),
      ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
    );
    const submitted = JSON.parse(events.find((event) => event.type === 'TaskSubmitted')!.taskSubmittedEventDetails!.output!);
    assert.equal(submitted.JobName, 'nightly');
    assert.equal(submitted.JobId, output.JobId);
    assert.equal(submitted.SdkHttpMetadata.HttpStatusCode, 200);
    const job = [...fake.jobs.values()].find((candidate) => candidate.id === output.JobId)!;
    assert.equal(job.polls, 3, 'two RUNNING answers, then SUCCEEDED');
    const submit = fake.calls.find((call) => call.action === 'submitjob' && call.input.jobName === 'nightly')!;
    assert.deepEqual(submit.input, { jobName: 'nightly', jobQueue: 'queue', jobDefinition: 'def', parameters: { inputFile: 's3://bucket/in' } });
  });

  it('a FAILED Batch job is States.TaskFailed with the job description as cause, caught by Catch', async () => {
    const executionArn = await start({
      ...task('arn:aws:states:::batch:submitJob.sync', { JobName: 'etl-fail', JobQueue: 'queue', JobDefinition: 'def' }, {
        Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Handled' }],
        End: true,
      }),
      Handled: { Type: 'Pass', End: true },
    });
    const described = await finished(executionArn);
    assert.equal(described.status, 'SUCCEEDED', described.cause);
    const failure = JSON.parse(described.output!).failure;
    assert.equal(failure.Error, 'States.TaskFailed');
    const cause = JSON.parse(failure.Cause);
    assert.equal(cause.Status, 'FAILED');
    assert.equal(cause.StatusReason, 'Essential container in task exited');
    assert.ok((await history(executionArn)).some((event) => event.type === 'TaskFailed' && event.taskFailedEventDetails?.error === 'States.TaskFailed'));
  });

  it('a SubmitJob the service refuses is Batch.ClientException with the Java SDK cause wording', async () => {
    const described = await finished(await start(task('arn:aws:states:::batch:submitJob.sync', { JobName: 'x', JobQueue: 'nope', JobDefinition: 'def' })));
    assert.equal(described.status, 'FAILED');
    assert.equal(described.error, 'Batch.ClientException');
    assert.match(described.cause!, /^Job queue nope does not exist \(Service: AWSBatch; Status Code: 400; Error Code: ClientException; Request ID: [^;]+; Proxy: null\)$/);
  });

  it('ecs:runTask.sync starts the task as "AWS Step Functions" with a clientToken, and returns the stopped task', async () => {
    const executionArn = await start(task('arn:aws:states:::ecs:runTask.sync', { Cluster: 'cluster', TaskDefinition: 'report', LaunchType: 'FARGATE' }));
    const described = await finished(executionArn);
    assert.equal(described.status, 'SUCCEEDED', described.cause);
    const output = JSON.parse(described.output!);
    assert.equal(output.LastStatus, 'STOPPED');
    assert.deepEqual(output.Containers, [{ Name: 'app', LastStatus: 'STOPPED', ExitCode: 0 }]);
    assert.equal(output.CreatedAt, 1_700_000_000_500, 'dates as epoch milliseconds');
    const run = fake.calls.find((call) => call.action === 'RunTask' && call.input.taskDefinition === 'report')!;
    assert.equal(run.input.startedBy, 'AWS Step Functions');
    assert.match(run.input.clientToken, /^[0-9a-f]{64}$/);
    const submitted = JSON.parse((await history(executionArn)).find((event) => event.type === 'TaskSubmitted')!.taskSubmittedEventDetails!.output!);
    assert.equal(submitted.Tasks[0].LastStatus, 'PROVISIONING');
    assert.deepEqual(submitted.Failures, []);
  });

  it('ecs:runTask request-response returns RunTask\'s answer without waiting', async () => {
    const described = await finished(await start(task('arn:aws:states:::ecs:runTask', { Cluster: 'cluster', TaskDefinition: 'fire-and-forget' })));
    assert.equal(described.status, 'SUCCEEDED', described.cause);
    const output = JSON.parse(described.output!);
    assert.equal(output.Tasks[0].LastStatus, 'PROVISIONING');
    assert.equal(output.SdkHttpMetadata.HttpHeaders['Content-Type'], 'application/x-amz-json-1.1');
    assert.equal(fake.calls.filter((call) => call.action === 'DescribeTasks' && call.input.tasks[0] === output.Tasks[0].TaskArn).length, 0);
  });

  it('glue:startJobRun.sync returns the JobRun with JobName; sagemaker:createTrainingJob.sync returns the training job', async () => {
    const glue = await finished(await start(task('arn:aws:states:::glue:startJobRun.sync', { JobName: 'etl', Arguments: { '--day': '1' } })));
    assert.equal(glue.status, 'SUCCEEDED', glue.cause);
    const run = JSON.parse(glue.output!);
    assert.equal(run.JobRunState, 'SUCCEEDED');
    assert.equal(run.JobName, 'etl');
    assert.equal(run.StartedOn, 1_700_000_000_000);
    assert.deepEqual(run.Arguments, { '--day': '1' });

    const training = await finished(await start(task('arn:aws:states:::sagemaker:createTrainingJob.sync', { TrainingJobName: `train-${counter}`, AlgorithmSpecification: { TrainingInputMode: 'File' } })));
    assert.equal(training.status, 'SUCCEEDED', training.cause);
    const job = JSON.parse(training.output!);
    assert.equal(job.TrainingJobStatus, 'Completed');
    assert.deepEqual(job.HyperParameters, { epochs: '3' });
  });

  it('StopExecution while a .sync job runs terminates the Batch job', async () => {
    const executionArn = await start(task('arn:aws:states:::batch:submitJob.sync', { JobName: 'stop-me-hold', JobQueue: 'queue', JobDefinition: 'def' }));
    await waitFor('TaskSubmitted', async () => ((await history(executionArn)).some((event) => event.type === 'TaskSubmitted') ? true : undefined));
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'no longer needed' }));
    const job = await waitFor('TerminateJob', async () => [...fake.jobs.values()].find((candidate) => candidate.name === 'stop-me-hold' && candidate.stopped));
    assert.ok(fake.calls.some((call) => call.action === 'terminatejob' && call.input.jobId === job.id));
    assert.equal((await finished(executionArn)).status, 'ABORTED');
  });

  it('a crash (SIGKILL) while a .sync job runs: after the restart the task follows the same job and succeeds, one job started', async () => {
    const executionArn = await start(task('arn:aws:states:::batch:submitJob.sync', { JobName: 'survivor-hold', JobQueue: 'queue', JobDefinition: 'def' }));
    await waitFor('the job polled', async () => ([...fake.jobs.values()].find((job) => job.name === 'survivor-hold')?.polls ?? 0) >= 1 ? true : undefined);
    await server.kill('SIGKILL');
    const pollsAtCrash = [...fake.jobs.values()].find((job) => job.name === 'survivor-hold')!.polls;
    await server.restart();
    sfn.destroy();
    sfn = sfnClient(server.endpoint);
    await waitFor('polling after the restart', async () => ([...fake.jobs.values()].find((job) => job.name === 'survivor-hold')!.polls > pollsAtCrash ? true : undefined));
    fake.finish('survivor-hold', 'SUCCEEDED');
    const described = await finished(executionArn);
    assert.equal(described.status, 'SUCCEEDED', described.cause);
    assert.equal(fake.calls.filter((call) => call.action === 'submitjob' && call.input.jobName === 'survivor-hold').length, 1, 'exactly one job submitted');
    const types = (await history(executionArn)).map((event) => event.type);
    assert.equal(types.filter((type) => type === 'TaskSubmitted').length, 1);
    assert.equal(types.filter((type) => type === 'TaskStarted').length, 1);
    assert.equal(types.at(-1), 'ExecutionSucceeded');
  });

  it('a crash before RunTask answered: the re-dispatched task sends the same clientToken and follows the one ECS task', async () => {
    fake.delayAnswers(1500);
    const executionArn = await start(task('arn:aws:states:::ecs:runTask.sync', { Cluster: 'cluster', TaskDefinition: 'in-flight-hold' }));
    await waitFor('RunTask sent', async () => (fake.calls.some((call) => call.action === 'RunTask' && call.input.taskDefinition === 'in-flight-hold') ? true : undefined));
    await server.kill('SIGKILL');
    fake.delayAnswers(0);
    await server.restart();
    sfn.destroy();
    sfn = sfnClient(server.endpoint);
    await waitFor('RunTask sent again', async () => (fake.calls.filter((call) => call.action === 'RunTask' && call.input.taskDefinition === 'in-flight-hold').length >= 2 ? true : undefined));
    fake.finish('in-flight-hold', 'SUCCEEDED');
    const described = await finished(executionArn);
    assert.equal(described.status, 'SUCCEEDED', described.cause);
    const runs = fake.calls.filter((call) => call.action === 'RunTask' && call.input.taskDefinition === 'in-flight-hold');
    assert.equal(runs[0].input.clientToken, runs[1].input.clientToken);
    assert.equal([...fake.jobs.values()].filter((job) => job.name === 'in-flight-hold').length, 1, 'one ECS task started');
    assert.equal((await history(executionArn)).filter((event) => event.type === 'TaskStarted').length, 1);
  });
});
