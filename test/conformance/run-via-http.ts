import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateActivityCommand,
  DeleteActivityCommand,
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { type RunningServer, sfnClient, startServer } from '../support/server';
import { type ConformanceCase, definitionTextOf, inputTextOf, resolveFixtureName } from './corpus';
import { RECORDED_TEST_CASE, type RecordedActivityWork, combinedMockDocument, progressMocksCannotExpress, recordedActivitiesExist, recordedActivityWork } from './recorded-mocks';
import { type ConformanceWay, type ExecutionRun, type ValidationAnswer, usesValidateApi } from './run-case';

/** The account the corpus was recorded under (its ARNs keep it literally). */
const RECORDED_ACCOUNT = '111111111111';
const ROLE_ARN = `arn:aws:iam::${RECORDED_ACCOUNT}:role/snf_role_arn`;

/**
 * `--via http`: the same cases through the real server (a child process on a fresh data
 * directory) and @aws-sdk/client-sfn, so the API layer is held to the corpus too. The server
 * runs with STEPSTONE_CLOCK=fast (Waits do not sleep) and an object-store folder that each
 * case's `fixtures.s3_objects` are written into.
 *
 * Task states are answered as Step Functions Local answers them: every case's recorded service
 * calls become one test case (`Recorded`) of that case's state machine, all in one mock
 * configuration file the server reads at start (STEPSTONE_MOCK_CONFIG), and each execution is
 * started on `<stateMachineArn>#Recorded`. The cases to run are therefore known up front.
 *
 * Activity tasks are performed by a worker through the API instead (GetActivityTask with the
 * recorded worker name, SendTask*), on a second server with the real clock: a fast clock jumps
 * to the next deadline whenever the engine is idle, which is the whole time a worker holds a task.
 */
export async function openHttpSession(
  cases: readonly ConformanceCase[],
  /** The client each server is called through: the AWS SDK by default, or one with its `send` (the gRPC API's). */
  clientOf: (server: RunningServer) => SFNClient = (server) => sfnClient(server.endpoint),
): Promise<ConformanceWay & { close: () => Promise<void> }> {
  const objects = mkdtempSync(path.join(tmpdir(), 'stepstone-conformance-objects-'));
  const machineNames = new Map<ConformanceCase, string>();
  cases.forEach((testCase, index) => {
    if (testCase.kind === 'execution') machineNames.set(testCase, `case-${index + 1}`);
  });
  const mockConfigFile = path.join(objects, '..', `${path.basename(objects)}-mocks.json`);
  const document = combinedMockDocument([...machineNames].map(([testCase, stateMachineName]) => ({ testCase, stateMachineName })));
  writeFileSync(mockConfigFile, JSON.stringify(document));
  const mocked = new Set(Object.keys(document.StateMachines as Record<string, unknown>));
  const env = { STEPSTONE_OBJECT_STORE_DIR: objects, STEPSTONE_ACCOUNT: RECORDED_ACCOUNT, STEPSTONE_MOCK_CONFIG: mockConfigFile };
  const server = await startServer({ env: { ...env, STEPSTONE_CLOCK: 'fast' } });
  const client = clientOf(server);
  let realClock: { server: RunningServer; client: SFNClient } | undefined;
  const realClockClient = async () => {
    if (!realClock) {
      const started = await startServer({ env });
      realClock = { server: started, client: clientOf(started) };
    }
    return realClock.client;
  };
  let validations = 0;

  return {
    execute: async (testCase) => {
      const name = machineNames.get(testCase);
      if (name === undefined) throw new Error(`case ${testCase.id} was not given to openHttpSession`);
      const needsWorker = recordedActivitiesExist(testCase) && recordedActivityWork(testCase).length > 0;
      return executeViaHttp(needsWorker ? await realClockClient() : client, testCase, objects, name, mocked.has(name));
    },
    validate: (testCase) => validateViaHttp(client, testCase, `validation-${++validations}`),
    async close() {
      client.destroy();
      realClock?.client.destroy();
      await server.dispose();
      await realClock?.server.dispose();
      rmSync(objects, { recursive: true, force: true });
      rmSync(mockConfigFile, { force: true });
    },
  };
}

async function executeViaHttp(client: SFNClient, testCase: ConformanceCase, objects: string, name: string, mocked: boolean): Promise<ExecutionRun> {
  writeFixtures(testCase, objects);
  const activityArns = await createRecordedActivities(client, testCase);
  try {
    return await runExecution(client, testCase, name, mocked, activityArns);
  } finally {
    // The server is shared by every case: what one case registered must not exist for the next.
    for (const activityArn of activityArns) await client.send(new DeleteActivityCommand({ activityArn }));
  }
}

async function runExecution(client: SFNClient, testCase: ConformanceCase, name: string, mocked: boolean, activityArns: readonly string[]): Promise<ExecutionRun> {
  const type = testCase.state_machine_type ?? 'STANDARD';
  const created = await client.send(new CreateStateMachineCommand({ name, definition: definitionTextOf(testCase), roleArn: ROLE_ARN, type }));
  const stateMachineArn = mocked ? `${created.stateMachineArn}#${RECORDED_TEST_CASE}` : created.stateMachineArn;
  const input = inputTextOf(testCase);
  if (type === 'EXPRESS') {
    // AWS keeps no history for EXPRESS executions; StartSyncExecution answers with the outcome.
    const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input, name: 'case' }));
    return { status: result.status ?? 'UNKNOWN', output: result.output, error: result.error, cause: result.cause, history: [] };
  }
  // The worker polls before the execution starts, so it takes each task as soon as it is scheduled.
  const stopWorker = new AbortController();
  const work = recordedActivityWork(testCase);
  const worker = activityArns.length === 1 && work.length > 0 ? performActivityWork(client, activityArns[0], work, stopWorker.signal) : Promise.resolve(undefined);
  let described;
  try {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input, name: 'case' }));
    described = await client.send(new DescribeExecutionCommand({ executionArn }));
    for (let polls = 0; described.status === 'RUNNING'; polls++) {
      if (polls > 2_000) throw new Error(`execution still RUNNING after ${polls} polls`);
      await new Promise((resolve) => setTimeout(resolve, polls < 20 ? 2 : 10));
      described = await client.send(new DescribeExecutionCommand({ executionArn }));
    }
  } finally {
    stopWorker.abort();
  }
  const workerFailure = await worker;
  if (workerFailure) throw new Error(`the activity worker failed: ${workerFailure}`);
  const executionArn = described.executionArn;
  const history: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    history.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return {
    status: described.status ?? 'UNKNOWN',
    output: described.output,
    error: described.error,
    cause: described.cause,
    history: history.map(toRecordedShape),
    ...(mocked ? withLimitation(progressMocksCannotExpress(testCase)) : {}),
  };
}

function withLimitation(limitation: string | undefined): { limitation?: string } {
  return limitation ? { limitation } : {};
}

/** The SDK's event (Date timestamp, absent fields) in the shape the corpus records. */
function toRecordedShape(event: HistoryEvent): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined) continue;
    shaped[key] = value instanceof Date ? value.toISOString() : value;
  }
  return shaped;
}

async function validateViaHttp(client: SFNClient, testCase: ConformanceCase, name: string): Promise<ValidationAnswer> {
  const definition = definitionTextOf(testCase);
  const type = testCase.state_machine_type ?? 'STANDARD';
  if (usesValidateApi(testCase)) {
    const answer = await client.send(new ValidateStateMachineDefinitionCommand({ definition, type }));
    const diagnostics = (answer.diagnostics ?? []).map((d) => ({ severity: d.severity, code: d.code, message: d.message, ...(d.location ? { location: d.location } : {}) }));
    return { api: 'validate', result: answer.result === 'OK' ? 'OK' : 'FAIL', diagnostics };
  }
  try {
    await client.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN, type }));
    return { api: 'create', accepted: true };
  } catch (error) {
    const failure = error as { name?: string; message?: string; $metadata?: unknown };
    if (!failure.$metadata) throw error;
    return { api: 'create', accepted: false, error: failure.name, message: failure.message };
  }
}

/** Puts the objects the recorded test put in S3 into the server's object-store folder. */
function writeFixtures(testCase: ConformanceCase, objects: string): void {
  for (const object of (testCase.fixtures?.s3_objects ?? []) as Array<{ bucket: string; key: string; body: string }>) {
    const file = path.join(objects, resolveFixtureName(object.bucket), resolveFixtureName(object.key));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, object.body);
  }
}

/**
 * An activity worker doing what AWS's worker did: GetActivityTask (long poll) with the recorded
 * worker name, then the recorded answer through SendTaskSuccess/SendTaskFailure; a recorded
 * timeout is taken and never answered. Stops when `signal` aborts (the execution ended).
 */
async function performActivityWork(client: SFNClient, activityArn: string, work: readonly RecordedActivityWork[], signal: AbortSignal): Promise<string | undefined> {
  try {
    for (const task of work) {
      let taskToken: string | undefined;
      while (!taskToken) {
        const polled = await client.send(new GetActivityTaskCommand({ activityArn, ...(task.workerName !== undefined ? { workerName: task.workerName } : {}) }), { abortSignal: signal });
        taskToken = polled.taskToken || undefined;
      }
      if (task.answer.kind === 'success') await client.send(new SendTaskSuccessCommand({ taskToken, output: task.answer.output }), { abortSignal: signal });
      if (task.answer.kind === 'failure') await client.send(new SendTaskFailureCommand({ taskToken, error: task.answer.error, cause: task.answer.cause }), { abortSignal: signal });
    }
  } catch (error) {
    // Resolved, never rejected: the execution is still being polled while the worker runs.
    if (!signal.aborted) return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * The activities the recording shows a task scheduled on exist on the server, created through
 * the API as the recorded test created them (CreateActivity is idempotent by name). An activity
 * the recording never reached is left absent: AWS failed such a task because it did not exist.
 */
async function createRecordedActivities(client: SFNClient, testCase: ConformanceCase): Promise<string[]> {
  if (!recordedActivitiesExist(testCase)) return [];
  const names = new Set([...definitionTextOf(testCase).matchAll(/arn:aws:states:[^:"]+:\d+:activity:([A-Za-z0-9_-]+)/g)].map((match) => match[1]));
  const arns: string[] = [];
  for (const name of names) arns.push((await client.send(new CreateActivityCommand({ name }))).activityArn!);
  return arns;
}
