import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListStateMachinesCommand, TestStateCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { rawCall, sfnClient, startServer, type RunningServer } from '../support/server';

const localFunctions = path.resolve(__dirname, 'fixtures', 'local-functions.ts');
const lambda = 'arn:aws:states:::lambda:invoke';
const roleArn = 'arn:aws:iam::123456789012:role/test';

async function rejectsWith(promise: Promise<unknown>, name: string, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.name, name);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

/** An HTTPS-API stand-in for http:invoke: echoes what it got. */
function startEchoApi(): Promise<{ api: Server; url: string }> {
  const api = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      response.writeHead(request.url?.startsWith('/missing') ? 404 : 200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      response.end(JSON.stringify({ method: request.method, url: request.url, body }));
    });
  });
  return new Promise((resolve) => {
    api.listen(0, '127.0.0.1', () => {
      const address = api.address();
      resolve({ api, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    });
  });
}

describe('TestState (AWS SDK against the real server)', () => {
  let server: RunningServer;
  let sfn: SFNClient;
  let echo: { api: Server; url: string };

  before(async () => {
    echo = await startEchoApi();
    server = await startServer({ env: { STEPSTONE_LOCAL_FUNCTIONS: localFunctions, STEPSTONE_HTTP_ALLOW: '127.0.0.1' } });
    sfn = sfnClient(server.endpoint);
  });
  after(async () => {
    sfn?.destroy();
    await server?.dispose();
    echo?.api.close();
  });

  it('TRACE shows the HTTP request and response of http:invoke', async () => {
    const definition = (path: string) =>
      JSON.stringify({
        Type: 'Task',
        Resource: 'arn:aws:states:::http:invoke',
        Parameters: { ApiEndpoint: `${echo.url}${path}`, Method: 'POST', QueryParameters: { q: 'x' }, RequestBody: { hello: 'world' } },
        ResultSelector: { 'status.$': '$.StatusCode' },
        End: true,
      });
    const response = await sfn.send(new TestStateCommand({ definition: definition('/items'), inspectionLevel: 'TRACE', roleArn }));
    assert.equal(response.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(response.output!), { status: 200 });
    const { request, response: answered } = response.inspectionData!;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, `${echo.url}/items?q=x`);
    assert.equal(request?.body, '{"hello":"world"}');
    assert.equal(answered?.statusCode, '200');
    assert.deepEqual(JSON.parse(answered!.body!), { method: 'POST', url: '/items?q=x', body: '{"hello":"world"}' });
    assert.match(answered!.headers!, /x-echo/);
    const debug = await sfn.send(new TestStateCommand({ definition: definition('/items'), inspectionLevel: 'DEBUG', roleArn }));
    assert.equal(debug.inspectionData?.request, undefined);
    const failed = await sfn.send(new TestStateCommand({ definition: definition('/missing'), inspectionLevel: 'TRACE', roleArn }));
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'States.Http.StatusCode.404');
    assert.equal(failed.inspectionData?.response?.statusCode, '404');
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
    const response = await sfn.send(new TestStateCommand({ definition, input: '{"value":21}', roleArn }));
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

  it('a mocked Map at DEBUG shows its items after ItemsPath, after ItemSelector and after ItemBatcher', async () => {
    const definition = JSON.stringify({
      Type: 'Map',
      ItemsPath: '$.orders',
      ItemSelector: { 'order.$': '$$.Map.Item.Value', 'customer.$': '$.customer' },
      ItemBatcher: { MaxItemsPerBatch: 2 },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Ship', States: { Ship: { Type: 'Pass', End: true } } },
      MaxConcurrency: 5,
      End: true,
    });
    const answer = await sfn.send(
      new TestStateCommand({ definition, input: JSON.stringify({ orders: ['o1', 'o2', 'o3'], customer: 'c' }), mock: { result: '["done"]' }, inspectionLevel: 'DEBUG' }),
    );
    assert.equal(answer.status, 'SUCCEEDED');
    assert.equal(answer.output, '["done"]');
    const inspection = answer.inspectionData!;
    assert.deepEqual(JSON.parse(inspection.afterItemsPath!), ['o1', 'o2', 'o3']);
    const selected = [{ order: 'o1', customer: 'c' }, { order: 'o2', customer: 'c' }, { order: 'o3', customer: 'c' }];
    assert.deepEqual(JSON.parse(inspection.afterItemSelector!), selected);
    assert.deepEqual(JSON.parse(inspection.afterItemBatcher!), [{ Items: selected.slice(0, 2) }, { Items: selected.slice(2) }]);
    assert.equal(inspection.maxConcurrency, 5);
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
    await rejectsWith(sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Pass' }) })), 'InvalidDefinition', /This object should have only one of the following fields: \[Next, End\]/);
    const raw = await rawCall(server.endpoint, 'AWSStepFunctions.TestState', JSON.stringify({ definition: '{"Type":"Succeed"}', inspectionLevel: 'LOUD' }));
    assert.equal(raw.status, 400);
    assert.equal(raw.json.__type, 'ValidationException');
    assert.equal(raw.json.message, "1 validation error detected: Value 'LOUD' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]");
    const rawMock = await rawCall(server.endpoint, 'AWSStepFunctions.TestState', JSON.stringify({ definition: '{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}', mock: { result: '{}', fieldValidationMode: 'LAX' } }));
    assert.equal(rawMock.json.__type, 'ValidationException');
    assert.match(rawMock.json.message, /'mock.fieldValidationMode'/);
  });

  it('checks a mocked result against the API\'s output shape, as fieldValidationMode says', async () => {
    const definition = JSON.stringify({ Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', End: true });
    // AWS's answers, recorded (LocalStack's test_field_validation_mode*).
    await rejectsWith(sfn.send(new TestStateCommand({ definition, mock: { result: '{}' } })), 'ValidationException', "Mock result schema validation error: Required field 'ExecutionArn' is missing");
    await rejectsWith(
      sfn.send(new TestStateCommand({ definition, mock: { result: '{"ExecutionArn":"a","StartDate":true}', fieldValidationMode: 'PRESENT' } })),
      'ValidationException',
      "Mock result schema validation error: Field 'StartDate' must be a string",
    );
    const present = await sfn.send(new TestStateCommand({ definition, mock: { result: '{}', fieldValidationMode: 'PRESENT' } }));
    assert.equal(present.status, 'SUCCEEDED');
    const none = await sfn.send(new TestStateCommand({ definition, mock: { result: '{"StartDate":true}', fieldValidationMode: 'NONE' } }));
    assert.equal(none.output, '{"StartDate":true}');
  });

  it('creates nothing', async () => {
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    assert.deepEqual(machines.stateMachines, []);
  });
});
