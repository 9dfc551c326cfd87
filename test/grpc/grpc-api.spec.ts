import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { credentials, loadPackageDefinition, makeGenericClientConstructor, status, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { expectGrpcError, grpcTestClient, type GrpcStream, type GrpcTestClient } from '../support/grpc-client';
import { rawCall, startServer, type RunningServer } from '../support/server';

/**
 * The gRPC API against the real server (a child process), from a client built from proto/:
 * the AWS actions with AWS's error names, and the three streams, including a watch that
 * survives a server restart by resuming from the last event id it received.
 */
const ROLE_ARN = 'arn:aws:iam::123456789012:role/stepstone';
const ACCOUNT_PREFIX = 'arn:aws:states:us-east-1:123456789012';

/** Every message until the stream ends. */
async function drain(stream: GrpcStream): Promise<Array<Record<string, unknown>>> {
  const messages: Array<Record<string, unknown>> = [];
  for (let message = await stream.next(); message; message = await stream.next()) messages.push(message);
  return messages;
}

async function readUntil(stream: GrpcStream, into: Array<Record<string, unknown>>, type: string): Promise<void> {
  for (;;) {
    const event = await stream.next();
    assert.ok(event, `the stream ended before ${type}`);
    into.push(event);
    if (event.type === type) return;
  }
}

describe('gRPC API (stepstone.v1)', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let client: GrpcTestClient;

  before(async () => {
    server = await startServer();
    client = grpcTestClient(server.grpcAddress);
  });

  after(async () => {
    client?.close();
    await server?.dispose();
  });

  it('serves grpc.health.v1 and server reflection (what grpcurl uses)', async () => {
    const Health = makeGenericClientConstructor(healthService, 'Health');
    const health = new Health(server.grpcAddress, credentials.createInsecure()) as Client & Record<string, (request: object, callback: (error: ServiceError | null, response: { status: string }) => void) => void>;
    const check = (name: string) => new Promise<string>((resolve, reject) => health.check({ service: name }, (error, response) => (error ? reject(error) : resolve(response.status))));
    assert.equal(await check(''), 'SERVING');
    assert.equal(await check('stepstone.v1.Executions'), 'SERVING');
    health.close();

    const reflectionProto = path.join(require.resolve('@grpc/reflection'), '..', '..', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
    const reflectionPackage = loadPackageDefinition(loadSync(reflectionProto, { keepCase: false, longs: Number, oneofs: true })) as any;
    const reflection = new reflectionPackage.grpc.reflection.v1.ServerReflection(server.grpcAddress, credentials.createInsecure()) as Client & {
      serverReflectionInfo(): ClientDuplexStream<object, Record<string, any>>;
    };
    const ask = (request: object) =>
      new Promise<Record<string, any>>((resolve, reject) => {
        const call = reflection.serverReflectionInfo();
        call.once('data', (response) => {
          resolve(response);
          call.end();
        });
        call.once('error', reject);
        call.write(request);
      });
    const listed = await ask({ listServices: '*' });
    const names = (listed.listServicesResponse.service as Array<{ name: string }>).map((entry) => entry.name);
    for (const name of ['stepstone.v1.StateMachines', 'stepstone.v1.Executions', 'stepstone.v1.Activities']) assert.ok(names.includes(name), names.join(', '));
    // The error detail's type is resolvable too, so grpcurl can print google.rpc.ErrorInfo.
    const errorInfo = await ask({ fileContainingSymbol: 'google.rpc.ErrorInfo' });
    assert.ok((errorInfo.fileDescriptorResponse?.fileDescriptorProto ?? []).length > 0, JSON.stringify(errorInfo));
    reflection.close();
  });

  it('answers bad input with the AWS JSON endpoint’s error names and messages, and gRPC codes', async () => {
    const cases: Array<{ action: string; body: Record<string, unknown>; code: status }> = [
      { action: 'DescribeStateMachine', body: { stateMachineArn: 'not-an-arn' }, code: status.INVALID_ARGUMENT },
      { action: 'CreateStateMachine', body: { roleArn: ROLE_ARN }, code: status.INVALID_ARGUMENT },
      { action: 'CreateStateMachine', body: { name: 'bad name', definition: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}', roleArn: ROLE_ARN }, code: status.INVALID_ARGUMENT },
      { action: 'CreateStateMachine', body: { name: 'broken', definition: '{"StartAt":"Nowhere","States":{}}', roleArn: ROLE_ARN }, code: status.INVALID_ARGUMENT },
      { action: 'StartExecution', body: { stateMachineArn: `${ACCOUNT_PREFIX}:stateMachine:missing` }, code: status.NOT_FOUND },
      { action: 'DescribeExecution', body: { executionArn: `${ACCOUNT_PREFIX}:execution:missing:run` }, code: status.NOT_FOUND },
      { action: 'SendTaskSuccess', body: { taskToken: 'nonsense', output: '{}' }, code: status.INVALID_ARGUMENT },
      { action: 'ListExecutions', body: { stateMachineArn: `${ACCOUNT_PREFIX}:stateMachine:missing`, maxResults: 5000 }, code: status.INVALID_ARGUMENT },
    ];
    for (const { action, body, code } of cases) {
      const http = await rawCall(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
      assert.equal(http.status, 400, `${action} over HTTP: ${JSON.stringify(http.json)}`);
      const error = await expectGrpcError(client.call(action, body), http.json.__type, code);
      assert.equal(error.message, http.json.message, action);
    }
    const listed = await client.call('ListStateMachines', {});
    assert.deepEqual(listed.stateMachines, [], 'a rejected request creates nothing');
  });

  it('creates, describes and runs a state machine, with AWS’s response shapes', async () => {
    const definition = JSON.stringify({ StartAt: 'Greet', States: { Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hi {}', $.who)" }, End: true } } });
    const created = await client.call('CreateStateMachine', { name: 'greeter', definition, roleArn: ROLE_ARN, type: 'EXPRESS' });
    assert.equal(created.stateMachineArn, `${ACCOUNT_PREFIX}:stateMachine:greeter`);
    assert.equal(typeof created.creationDate, 'number');
    await expectGrpcError(
      client.call('CreateStateMachine', { name: 'greeter', definition: definition.replace('hi', 'hello'), roleArn: ROLE_ARN, type: 'EXPRESS' }),
      'StateMachineAlreadyExists',
      status.ALREADY_EXISTS,
    );
    await expectGrpcError(client.call('StartExecution', { stateMachineArn: created.stateMachineArn, input: 'not json' }), 'InvalidExecutionInput', status.INVALID_ARGUMENT);
    const sync = await client.call('StartSyncExecution', { stateMachineArn: created.stateMachineArn, input: '{"who":"grpc"}' });
    assert.equal(sync.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(sync.output as string), { greeting: 'hi grpc' });
    // int64 fields come back as numbers in AWS's JSON names.
    assert.deepEqual(sync.billingDetails, { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 });
    const described = await client.call('DescribeStateMachine', { stateMachineArn: created.stateMachineArn });
    assert.equal(described.definition, definition);
    assert.equal(described.type, 'EXPRESS');
    assert.equal(described.creationDate, created.creationDate);
  });

  it('carries encryptionConfiguration and includedData as the AWS JSON endpoint does', async () => {
    const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const key = { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 'alias/sfn', kmsDataKeyReusePeriodSeconds: 300 };
    const created = await client.call('CreateStateMachine', { name: 'keyed', definition, roleArn: ROLE_ARN, type: 'EXPRESS', encryptionConfiguration: key });
    const overGrpc = await client.call('DescribeStateMachine', { stateMachineArn: created.stateMachineArn, includedData: 'METADATA_ONLY' });
    const overHttp = await rawCall(server.endpoint, 'AWSStepFunctions.DescribeStateMachine', JSON.stringify({ stateMachineArn: created.stateMachineArn, includedData: 'METADATA_ONLY' }));
    assert.deepEqual(overGrpc.encryptionConfiguration, key);
    assert.equal(overGrpc.definition, '{}');
    // Repeated fields decode as [] (logging `destinations`): the rest is the same answer.
    const { loggingConfiguration: _grpcLogging, ...grpcRest } = overGrpc;
    const { loggingConfiguration: _httpLogging, ...httpRest } = overHttp.json as Record<string, unknown>;
    assert.deepEqual(grpcRest, httpRest);
    const sync = await client.call('StartSyncExecution', { stateMachineArn: created.stateMachineArn, includedData: 'METADATA_ONLY' });
    assert.equal(sync.status, 'SUCCEEDED');
    await expectGrpcError(client.call('StartSyncExecution', { stateMachineArn: created.stateMachineArn, includedData: 'NONE' }), 'ValidationException', status.INVALID_ARGUMENT);
    await expectGrpcError(
      client.call('CreateActivity', { name: 'keyless', encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY' } }),
      'InvalidEncryptionConfiguration',
      status.INVALID_ARGUMENT,
    );
    const activity = await client.call('CreateActivity', { name: 'keyed', encryptionConfiguration: key });
    assert.deepEqual((await client.call('DescribeActivity', { activityArn: activity.activityArn })).encryptionConfiguration, key);
  });

  it('WatchExecution refuses what it cannot watch, with AWS’s error names', async () => {
    await expectGrpcError(drain(client.stream('WatchExecution', { executionArn: 'arn:nope' })), 'InvalidArn', status.INVALID_ARGUMENT);
    await expectGrpcError(drain(client.stream('WatchExecution', { executionArn: `${ACCOUNT_PREFIX}:execution:no-such-machine:x` })), 'ExecutionDoesNotExist', status.NOT_FOUND);
    await expectGrpcError(drain(client.stream('WatchExecution', {})), 'ValidationException', status.INVALID_ARGUMENT);
    await expectGrpcError(drain(client.stream('WatchExecutions', { stateMachineArn: `${ACCOUNT_PREFIX}:stateMachine:no-such-machine` })), 'StateMachineDoesNotExist', status.NOT_FOUND);
    await expectGrpcError(drain(client.stream('PollActivityTasks', { activityArn: `${ACCOUNT_PREFIX}:activity:no-such-activity` })), 'ActivityDoesNotExist', status.NOT_FOUND);
  });

  it('WatchExecutions streams the status changes of the machine’s executions, and only those', async () => {
    const definition = JSON.stringify({
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }], Default: 'Broken' },
        Done: { Type: 'Succeed' },
        Broken: { Type: 'Fail', Error: 'Custom.Broken', Cause: 'not ok' },
      },
    });
    const { stateMachineArn } = await client.call('CreateStateMachine', { name: 'checker', definition, roleArn: ROLE_ARN });
    const { stateMachineArn: otherArn } = await client.call('CreateStateMachine', { name: 'checker-other', definition, roleArn: ROLE_ARN });
    const watch = client.stream('WatchExecutions', { stateMachineArn });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the stream starts at the feed's head
    await client.call('StartExecution', { stateMachineArn: otherArn, name: 'elsewhere', input: '{"ok":true}' });
    await client.call('StartExecution', { stateMachineArn, name: 'good', input: '{"ok":true}' });
    await client.call('StartExecution', { stateMachineArn, name: 'bad', input: '{"ok":false}' });
    const changes: Array<Record<string, unknown>> = [];
    while (changes.length < 4) changes.push((await watch.next())!);
    watch.cancel();
    const of = (name: string) => changes.filter((change) => change.name === name).map((change) => [change.status, change.eventType, change.error, change.cause]);
    assert.deepEqual(of('good'), [['RUNNING', 'ExecutionStarted', undefined, undefined], ['SUCCEEDED', 'ExecutionSucceeded', undefined, undefined]]);
    assert.deepEqual(of('bad'), [['RUNNING', 'ExecutionStarted', undefined, undefined], ['FAILED', 'ExecutionFailed', 'Custom.Broken', 'not ok']]);
    assert.ok(changes.every((change) => change.stateMachineArn === stateMachineArn && change.executionArn === `${ACCOUNT_PREFIX}:execution:checker:${change.name}`));
  });

  it('a GetActivityTask whose caller hung up takes no task: the next worker gets it', async () => {
    const { activityArn } = await client.call('CreateActivity', { name: 'hang-up' });
    const definition = JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
    const { stateMachineArn } = await client.call('CreateStateMachine', { name: 'hang-up', definition, roleArn: ROLE_ARN });
    const hangUp = new AbortController();
    const abandoned = client.call('GetActivityTask', { activityArn, workerName: 'gone' }, { signal: hangUp.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    hangUp.abort();
    await assert.rejects(abandoned);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { executionArn } = await client.call('StartExecution', { stateMachineArn, input: '{"job":1}' });
    const worker = client.stream('PollActivityTasks', { activityArn, workerName: 'present' });
    const task = await worker.next(5_000).finally(() => worker.cancel());
    assert.equal(task?.input, '{"job":1}');
    await client.call('SendTaskSuccess', { taskToken: task.taskToken, output: '{}' });
    const history = (await client.call('GetExecutionHistory', { executionArn })).events as Array<Record<string, any>>;
    assert.deepEqual(history.filter((event) => event.type === 'ActivityStarted').map((event) => event.activityStartedEventDetails.workerName), ['present']);
  });

  it('a watch started before an execution gets every event once, in order, across a server restart; PollActivityTasks feeds the workers', async () => {
    const { activityArn } = await client.call('CreateActivity', { name: 'review' });
    const definition = JSON.stringify({
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { step: 1 }, Next: 'First' },
        First: { Type: 'Task', Resource: activityArn, Next: 'Second' },
        Second: { Type: 'Task', Resource: activityArn, End: true },
      },
    });
    const { stateMachineArn } = await client.call('CreateStateMachine', { name: 'reviewed', definition, roleArn: ROLE_ARN });
    const executionArn = `${ACCOUNT_PREFIX}:execution:reviewed:run-1`;
    const received: Array<Record<string, unknown>> = [];

    // Before the execution exists: the watch waits for it.
    const firstWatch = client.stream('WatchExecution', { executionArn });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.call('StartExecution', { stateMachineArn, name: 'run-1', input: '{"doc":"a"}' });
    const firstWorker = client.stream('PollActivityTasks', { activityArn, workerName: 'worker-1' });
    const firstTask = await firstWorker.next();
    assert.deepEqual(JSON.parse(firstTask!.input as string), { step: 1 });
    await readUntil(firstWatch, received, 'ActivityStarted');

    // The server dies with the watch open; the first task is answered while no watch is connected.
    await server.kill('SIGKILL');
    await assert.rejects(drain(firstWatch));
    await assert.rejects(drain(firstWorker));
    await server.restart();
    await client.call('SendTaskSuccess', { taskToken: firstTask!.taskToken, output: '{"step":2}' });

    // Resume after the last id received: the events appended meanwhile, then the live ones, then the end.
    const lastId = received.at(-1)!.id as number;
    const secondWatch = client.stream('WatchExecution', { executionArn, afterEventId: lastId });
    const secondWorker = client.stream('PollActivityTasks', { activityArn, workerName: 'worker-2' });
    const secondTask = await secondWorker.next();
    assert.deepEqual(JSON.parse(secondTask!.input as string), { step: 2 });
    await client.call('SendTaskSuccess', { taskToken: secondTask!.taskToken, output: '{"step":3}' });
    received.push(...(await drain(secondWatch)));
    secondWorker.cancel();

    const history: Array<Record<string, unknown>> = [];
    for (let nextToken: unknown; ; ) {
      const page = await client.call('GetExecutionHistory', { executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
      history.push(...(page.events as Array<Record<string, unknown>>));
      nextToken = page.nextToken;
      if (!nextToken) break;
    }
    assert.deepEqual(
      received.map((event) => event.id),
      history.map((_event, index) => index + 1),
      `received ${received.map((event) => `${event.id}:${event.type}`).join(' ')}`,
    );
    assert.deepEqual(received, history);
    assert.equal(received.at(-1)!.type, 'ExecutionSucceeded');
    const workers = received.filter((event) => event.type === 'ActivityStarted').map((event) => (event.activityStartedEventDetails as { workerName?: string }).workerName);
    assert.deepEqual(workers, ['worker-1', 'worker-2']);

    // A watch of a finished execution replays what follows the given id and ends.
    const replay = await drain(client.stream('WatchExecution', { executionArn, afterEventId: history.length - 2 }));
    assert.deepEqual(replay, history.slice(-2));
  });
});
