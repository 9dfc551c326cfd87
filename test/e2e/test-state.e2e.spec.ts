import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListStateMachinesCommand, TestStateCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { rawCall, sfnClient, startServer, type RunningServer } from '../support/server';

const localFunctions = path.resolve(__dirname, 'fixtures', 'local-functions.ts');
const lambda = 'arn:aws:states:::lambda:invoke';

async function rejectsWith(promise: Promise<unknown>, name: string, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.name, name);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

describe('TestState (AWS SDK against the real server)', () => {
  let server: RunningServer;
  let sfn: SFNClient;

  before(async () => {
    server = await startServer({ env: { STEPSTONE_LOCAL_FUNCTIONS: localFunctions } });
    sfn = sfnClient(server.endpoint);
  });
  after(async () => {
    sfn?.destroy();
    await server?.dispose();
  });

  it('runs a Pass state at DEBUG, without a roleArn, and shows its data flow', async () => {
    const response = await sfn.send(
      new TestStateCommand({
        definition: JSON.stringify({ Type: 'Pass', InputPath: '$.data', Parameters: { 'v.$': '$.value' }, ResultPath: '$.out', Next: 'After' }),
        input: JSON.stringify({ data: { value: 7 } }),
        inspectionLevel: 'DEBUG',
      }),
    );
    assert.equal(response.status, 'SUCCEEDED');
    assert.equal(response.nextState, 'After');
    assert.deepEqual(JSON.parse(response.output!), { data: { value: 7 }, out: { v: 7 } });
    assert.deepEqual(JSON.parse(response.inspectionData!.afterInputPath!), { value: 7 });
    assert.deepEqual(JSON.parse(response.inspectionData!.afterParameters!), { v: 7 });
    assert.deepEqual(JSON.parse(response.inspectionData!.afterResultPath!), { data: { value: 7 }, out: { v: 7 } });
  });

  it('INFO leaves inspectionData out', async () => {
    const response = await sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Succeed' }), input: '{"a":1}' }));
    assert.equal(response.status, 'SUCCEEDED');
    assert.equal(response.inspectionData, undefined);
    assert.equal(response.output, '{"a":1}');
  });

  it('a state of a whole machine by stateName, with variables (JSONata)', async () => {
    const machine = {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: { A: { Type: 'Pass', Output: '{% $states.input.n * $factor %}', Next: 'B' }, B: { Type: 'Succeed' } },
    };
    const response = await sfn.send(new TestStateCommand({ definition: JSON.stringify(machine), stateName: 'A', input: '{"n":3}', variables: '{"factor":4}' }));
    assert.equal(response.output, '12');
    assert.equal(response.nextState, 'B');
  });

  it('a mocked Task error its retrier takes is RETRIABLE; with the retries spent, Catch takes it', async () => {
    const definition = JSON.stringify({
      Type: 'Task',
      Resource: lambda,
      Parameters: { FunctionName: 'f' },
      Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 1, IntervalSeconds: 3 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }],
      End: true,
    });
    const mock = { errorOutput: { error: 'Flaky', cause: 'try again' } };
    const retriable = await sfn.send(new TestStateCommand({ definition, mock, inspectionLevel: 'DEBUG' }));
    assert.equal(retriable.status, 'RETRIABLE');
    assert.equal(retriable.error, 'Flaky');
    assert.equal(retriable.cause, 'try again');
    assert.deepEqual(retriable.inspectionData?.errorDetails, { retryIndex: 0, retryBackoffIntervalSeconds: 3 });
    const caught = await sfn.send(new TestStateCommand({ definition, mock, input: '{}', stateConfiguration: { retrierRetryCount: 1 } }));
    assert.equal(caught.status, 'CAUGHT_ERROR');
    assert.equal(caught.nextState, 'Recover');
    assert.deepEqual(JSON.parse(caught.output!), { error: { Error: 'Flaky', Cause: 'try again' } });
  });

  it('a Task without a mock is performed by the configured integration (a local function)', async () => {
    const definition = JSON.stringify({ Type: 'Task', Resource: lambda, Parameters: { FunctionName: 'double', 'Payload.$': '$' }, OutputPath: '$.Payload', End: true });
    const response = await sfn.send(new TestStateCommand({ definition, input: '{"value":21}', roleArn: 'arn:aws:iam::123456789012:role/test' }));
    assert.equal(response.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(response.output!), { doubled: 42 });
  });

  it('a mocked Parallel takes the mock as its branches\' results', async () => {
    const definition = JSON.stringify({
      Type: 'Parallel',
      Branches: [
        { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
        { StartAt: 'Y', States: { Y: { Type: 'Pass', End: true } } },
      ],
      ResultSelector: { 'first.$': '$[0]' },
      End: true,
    });
    const response = await sfn.send(new TestStateCommand({ definition, mock: { result: '["one","two"]', fieldValidationMode: 'NONE' } }));
    assert.deepEqual(JSON.parse(response.output!), { first: 'one' });
  });

  it('answers AWS\'s errors: mock on a Pass, Map without a mock, bad input, bad enum', async () => {
    await rejectsWith(
      sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Pass', End: true }), mock: { result: '{}' } })),
      'ValidationException',
      "State type 'Pass' is not supported when a mock is specified",
    );
    await rejectsWith(
      sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true }) })),
      'InvalidDefinition',
      'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
    );
    await rejectsWith(sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Pass', End: true }), input: '{oops' })), 'InvalidExecutionInput', /Invalid State Machine Execution Input/);
    await rejectsWith(sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Pass' }) })), 'InvalidDefinition', /One of 'Next' or 'End' is required/);
    const raw = await rawCall(server.endpoint, 'AWSStepFunctions.TestState', JSON.stringify({ definition: '{"Type":"Succeed"}', inspectionLevel: 'LOUD' }));
    assert.equal(raw.status, 400);
    assert.equal(raw.json.__type, 'ValidationException');
    assert.equal(raw.json.message, "1 validation error detected: Value 'LOUD' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]");
    const rawMock = await rawCall(server.endpoint, 'AWSStepFunctions.TestState', JSON.stringify({ definition: '{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}', mock: { result: '{}', fieldValidationMode: 'LAX' } }));
    assert.equal(rawMock.json.__type, 'ValidationException');
    assert.match(rawMock.json.message, /'mock.fieldValidationMode'/);
  });

  it('creates nothing', async () => {
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    assert.deepEqual(machines.stateMachines, []);
  });
});
