import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';
import { eventually, readBody } from '../support/helpers';

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const localFunctions = path.resolve(__dirname, 'fixtures', 'local-functions.ts');

/**
 * One real HTTP server on 127.0.0.1 playing two parts: a Lambda endpoint (the Invoke REST API,
 * `POST /2015-03-31/functions/<name>/invocations`) and an HTTPS-API stand-in for http:invoke.
 */
function startFakeServices(): Promise<{ server: Server; url: string; callbacks: unknown[] }> {
  const callbacks: unknown[] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(value));
    };
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    if (invoke && request.method === 'POST') {
      // Lambda accepts a name or an ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`).
      const reference = decodeURIComponent(invoke[1]);
      const name = /:function:([^:]+)/.exec(reference)?.[1] ?? reference;
      const payload = body === '' ? null : JSON.parse(body);
      if (name === 'remote-echo') return json(200, { echo: payload }, { 'x-amz-executed-version': '$LATEST' });
      if (name === 'remote-boom') return json(200, { errorType: 'RemoteError', errorMessage: 'kaput', trace: [] }, { 'x-amz-function-error': 'Unhandled' });
      if (name === 'remote-callback') {
        callbacks.push(payload);
        return json(200, null);
      }
      return json(404, { Type: 'User', message: `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${name}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
    }
    if (url.pathname === '/api/items' && request.method === 'GET') {
      return json(200, { query: url.search, header: request.headers['x-custom'] ?? null }, { 'x-served-by': 'fake' });
    }
    if (url.pathname === '/api/form' && request.method === 'POST') {
      return json(201, { contentType: request.headers['content-type'], body });
    }
    return json(404, { message: 'no such route' });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}`, callbacks });
    });
  });
}

describe('Task integrations through the real server', () => {
  let fake: Awaited<ReturnType<typeof startFakeServices>>;
  let server: RunningServer;
  let sfn: SFNClient;
  let counter = 0;

  before(async () => {
    fake = await startFakeServices();
    server = await startServer({
      env: {
        STEPSTONE_LAMBDA_ENDPOINT: fake.url,
        STEPSTONE_LOCAL_FUNCTIONS: localFunctions,
        AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        // The HTTPS-API stand-in listens on loopback, which http:invoke refuses unless allowed.
        STEPSTONE_HTTP_ALLOW: '127.0.0.1',
      },
    });
    sfn = sfnClient(server.endpoint);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
    await new Promise((resolve) => fake?.server.close(resolve));
  });

  async function run(definition: object, input: unknown = {}): Promise<{ executionArn: string; status: string; output: any; error?: string; cause?: string }> {
    const name = `m${++counter}`;
    const machine = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn }));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: JSON.stringify(input) }));
    const described = await eventually(
      () => sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn })),
      (value) => value.status !== 'RUNNING',
    );
    return {
      executionArn: started.executionArn!,
      status: described.status!,
      output: described.output === undefined ? undefined : JSON.parse(described.output),
      ...(described.error !== undefined ? { error: described.error } : {}),
      ...(described.cause !== undefined ? { cause: described.cause } : {}),
    };
  }

  async function historyTypes(executionArn: string): Promise<string[]> {
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    return (history.events ?? []).map((event) => event.type!);
  }

  const task = (resource: string, extra: Record<string, unknown> = {}) => ({ Type: 'Task', Resource: resource, End: true, ...extra });
  const catching = (state: Record<string, unknown>, errors: string[] = ['States.ALL']) => ({
    StartAt: 'T',
    States: { T: { ...state, End: undefined, Next: 'Ok', Catch: [{ ErrorEquals: errors, Next: 'Caught' }] }, Ok: { Type: 'Pass', End: true }, Caught: { Type: 'Pass', End: true } },
  });

  describe('Lambda', () => {
    it('invokes a local handler through lambda:invoke (AWS result shape) and through a plain function ARN (the payload itself)', async () => {
      const viaInvoke = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::lambda:invoke', { Parameters: { FunctionName: 'double', 'Payload.$': '$' } }) } }, { value: 21 });
      assert.equal(viaInvoke.status, 'SUCCEEDED');
      assert.deepEqual(viaInvoke.output.Payload, { doubled: 42 });
      assert.equal(viaInvoke.output.StatusCode, 200);
      assert.equal(viaInvoke.output.ExecutedVersion, '$LATEST');
      assert.equal(viaInvoke.output.SdkHttpMetadata.HttpStatusCode, 200);
      assert.equal(typeof viaInvoke.output.SdkResponseMetadata.RequestId, 'string');

      const viaArn = await run({ StartAt: 'T', States: { T: task('arn:aws:lambda:us-east-1:123456789012:function:double') } }, { value: 5 });
      assert.equal(viaArn.status, 'SUCCEEDED');
      assert.deepEqual(viaArn.output, { doubled: 10 });
    });

    it('retries a flaky local handler (ServiceBusy twice) with Retry until it succeeds', async () => {
      const definition = {
        StartAt: 'T',
        States: {
          T: task('arn:aws:lambda:us-east-1:123456789012:function:flaky', {
            Retry: [{ ErrorEquals: ['ServiceBusy'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1 }],
          }),
        },
      };
      const result = await run(definition, { key: 'retry-e2e', failures: 2 });
      assert.equal(result.status, 'SUCCEEDED', result.cause);
      assert.deepEqual(result.output, { attempts: 3 });
      const types = await historyTypes(result.executionArn);
      assert.equal(types.filter((type) => type === 'TaskFailed' || type === 'LambdaFunctionFailed').length, 2);
    });

    it('a handler throwing CustomError is caught by ErrorEquals ["CustomError"], with Lambda\'s error JSON as the cause', async () => {
      const result = await run(catching(task('arn:aws:states:::lambda:invoke', { Parameters: { FunctionName: 'customError', Payload: {} } }), ['CustomError']));
      assert.equal(result.status, 'SUCCEEDED', result.cause);
      assert.equal(result.output.Error, 'CustomError');
      const cause = JSON.parse(result.output.Cause);
      assert.equal(cause.errorType, 'CustomError');
      assert.equal(cause.errorMessage, 'the input was not acceptable');
      assert.ok(Array.isArray(cause.trace));
    });

    it('runs callback-style handlers with a Lambda-like context; a callback error is caught by its type, its cause free of Stepstone paths', async () => {
      const described = await run({ StartAt: 'T', States: { T: task('arn:aws:lambda:us-east-1:123456789012:function:describeContext') } }, { wait: 20 });
      assert.equal(described.status, 'SUCCEEDED', described.cause);
      assert.deepEqual(described.output, {
        functionName: 'describeContext',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:describeContext',
        requestIdLooksRight: true,
        remainingIsPositive: true,
      });
      const failed = await run(catching(task('arn:aws:states:::lambda:invoke', { Parameters: { FunctionName: 'rejectThroughCallback', Payload: {} } }), ['OrderInvalid']));
      assert.equal(failed.status, 'SUCCEEDED', failed.cause);
      assert.equal(failed.output.Error, 'OrderInvalid');
      const cause = JSON.parse(failed.output.Cause);
      assert.deepEqual([cause.errorType, cause.errorMessage], ['OrderInvalid', 'the order is missing a customer id']);
      assert.ok(cause.trace.some((line: string) => line.includes('local-functions.ts')), failed.output.Cause);
      for (const line of cause.trace) assert.doesNotMatch(line, /\/(libs|apps|node_modules)\/|node:internal/, failed.output.Cause);
    });

    it('names the local functions it loaded in the start-up log', () => {
      assert.match(server.output(), /stepstone: local functions .*local-functions\.ts: customError, describeContext, double, flaky, huge, rejectThroughCallback/);
    });

    it('calls the configured Lambda endpoint: results, a function error by its errorType, an unknown function as Lambda.ResourceNotFoundException', async () => {
      const echoed = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::lambda:invoke', { Parameters: { FunctionName: 'remote-echo', Payload: { n: 1 } } }) } });
      assert.equal(echoed.status, 'SUCCEEDED', echoed.cause);
      assert.deepEqual(echoed.output.Payload, { echo: { n: 1 } });

      const boom = await run(catching(task('arn:aws:lambda:us-east-1:123456789012:function:remote-boom'), ['RemoteError']));
      assert.equal(boom.status, 'SUCCEEDED', boom.cause);
      assert.equal(boom.output.Error, 'RemoteError');
      assert.equal(JSON.parse(boom.output.Cause).errorMessage, 'kaput');

      const missing = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::lambda:invoke', { Parameters: { FunctionName: 'no-such-function', Payload: {} } }) } });
      assert.equal(missing.status, 'FAILED');
      assert.equal(missing.error, 'Lambda.ResourceNotFoundException');
      assert.match(
        missing.cause!,
        /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:no-such-function \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [^;]+; Proxy: null\)$/,
      );
    });

    it('runs tasks inside an EXPRESS StartSyncExecution too', async () => {
      const machine = await sfn.send(
        new CreateStateMachineCommand({
          name: 'express-lambda',
          type: 'EXPRESS',
          definition: JSON.stringify({ StartAt: 'T', States: { T: task('arn:aws:lambda:us-east-1:123456789012:function:double') } }),
          roleArn,
        }),
      );
      const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{"value":4}' }));
      assert.equal(result.status, 'SUCCEEDED', result.cause);
      assert.deepEqual(JSON.parse(result.output!), { doubled: 8 });
    });

    it('a result over 256 KiB fails the state with States.DataLimitExceeded', async () => {
      const result = await run({ StartAt: 'T', States: { T: task('arn:aws:lambda:us-east-1:123456789012:function:huge') } }, { bytes: 270_000 });
      assert.equal(result.status, 'FAILED');
      assert.equal(result.error, 'States.DataLimitExceeded');
    });
  });

  describe('HTTP', () => {
    it('http:invoke calls a real HTTP server with method, headers and query parameters and returns AWS\'s response shape', async () => {
      const result = await run({
        StartAt: 'T',
        States: {
          T: task('arn:aws:states:::http:invoke', {
            Parameters: { ApiEndpoint: `${fake.url}/api/items`, Method: 'GET', Headers: { 'x-custom': 'yes' }, QueryParameters: { page: 2, tags: ['a', 'b'] } },
          }),
        },
      });
      assert.equal(result.status, 'SUCCEEDED', result.cause);
      assert.equal(result.output.StatusCode, 200);
      assert.equal(result.output.StatusText, 'OK');
      assert.deepEqual(result.output.Headers['x-served-by'], ['fake']);
      assert.equal(result.output.ResponseBody.header, 'yes');
      assert.equal(decodeURIComponent(result.output.ResponseBody.query), '?page=2&tags[0]=a&tags[1]=b');
    });

    it('sends a URL_ENCODED body with the BRACKETS array format', async () => {
      const result = await run({
        StartAt: 'T',
        States: {
          T: task('arn:aws:states:::http:invoke', {
            Parameters: {
              ApiEndpoint: `${fake.url}/api/form`,
              Method: 'POST',
              RequestBody: { name: 'Ada', langs: ['en', 'fr'] },
              Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'BRACKETS' } },
            },
          }),
        },
      });
      assert.equal(result.status, 'SUCCEEDED', result.cause);
      assert.equal(result.output.StatusCode, 201);
      assert.equal(result.output.ResponseBody.contentType, 'application/x-www-form-urlencoded');
      assert.equal(decodeURIComponent(result.output.ResponseBody.body), 'name=Ada&langs[]=en&langs[]=fr');
    });

    it('a non-2xx answer fails the task with States.Http.StatusCode.404, which a Catch matches', async () => {
      const result = await run(
        catching(task('arn:aws:states:::http:invoke', { Parameters: { ApiEndpoint: `${fake.url}/api/missing`, Method: 'GET' } }), ['States.Http.StatusCode.404']),
      );
      assert.equal(result.status, 'SUCCEEDED', result.cause);
      assert.equal(result.output.Error, 'States.Http.StatusCode.404');
      assert.equal(JSON.parse(result.output.Cause).StatusCode, 404);
    });
  });

  describe('callbacks', () => {
    it('.waitForTaskToken performs the call with $$.Task.Token, waits, and completes from SendTaskSuccess sent by the SDK', async () => {
      const definition = {
        StartAt: 'T',
        States: { T: task('arn:aws:states:::lambda:invoke.waitForTaskToken', { Parameters: { FunctionName: 'remote-callback', Payload: { 'token.$': '$$.Task.Token', order: 5 } } }) },
      };
      const machine = await sfn.send(new CreateStateMachineCommand({ name: 'callback', definition: JSON.stringify(definition), roleArn }));
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{}' }));
      const received = await eventually(async () => fake.callbacks.find((payload: any) => payload?.order === 5) as { token: string } | undefined, (value) => value !== undefined);
      assert.ok(received, 'the function received the task token');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const waiting = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      assert.equal(waiting.status, 'RUNNING', 'the execution waits for the callback, not for the call');

      await sfn.send(new SendTaskSuccessCommand({ taskToken: received.token, output: '{"approved":true}' }));
      const done = await eventually(
        () => sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn })),
        (value) => value.status !== 'RUNNING',
      );
      assert.equal(done.status, 'SUCCEEDED');
      assert.deepEqual(JSON.parse(done.output!), { approved: true });
      assert.equal(fake.callbacks.filter((payload: any) => payload?.order === 5).length, 1, 'the call was made once');
    });
  });

  describe('nested executions', () => {
    let childArn: string;
    let failingChildArn: string;

    before(async () => {
      const child = await sfn.send(
        new CreateStateMachineCommand({
          name: 'child',
          definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'got.$': '$.n', greeting: 'hi' }, End: true } } }),
          roleArn,
        }),
      );
      childArn = child.stateMachineArn!;
      const failing = await sfn.send(
        new CreateStateMachineCommand({ name: 'failing-child', definition: JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'ChildBroke', Cause: 'on purpose' } } }), roleArn }),
      );
      failingChildArn = failing.stateMachineArn!;
    });

    it('.sync waits for the child and returns DescribeExecution\'s shape; .sync:2 parses Output', async () => {
      const sync = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::states:startExecution.sync', { Parameters: { StateMachineArn: childArn, Input: { n: 1 } } }) } });
      assert.equal(sync.status, 'SUCCEEDED', sync.cause);
      assert.equal(sync.output.Status, 'SUCCEEDED');
      assert.equal(sync.output.StateMachineArn, childArn);
      assert.equal(sync.output.Output, '{"got":1,"greeting":"hi"}');
      assert.equal(sync.output.Input, '{"n":1}');
      assert.equal(typeof sync.output.StartDate, 'number');
      const child = await sfn.send(new DescribeExecutionCommand({ executionArn: sync.output.ExecutionArn }));
      assert.equal(child.status, 'SUCCEEDED');

      const sync2 = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::states:startExecution.sync:2', { Parameters: { StateMachineArn: childArn, Input: { n: 2 }, Name: 'named-child' } }) } });
      assert.equal(sync2.status, 'SUCCEEDED', sync2.cause);
      assert.deepEqual(sync2.output.Output, { got: 2, greeting: 'hi' });
      assert.equal(sync2.output.Name, 'named-child');
    });

    it('fire-and-forget startExecution returns ExecutionArn and StartDate, and the child runs on its own', async () => {
      const result = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::states:startExecution', { Parameters: { StateMachineArn: childArn, 'Input.$': '$' } }) } }, { n: 3 });
      assert.equal(result.status, 'SUCCEEDED', result.cause);
      assert.match(result.output.ExecutionArn, /^arn:aws:states:us-east-1:123456789012:execution:child:/);
      assert.equal(typeof result.output.StartDate, 'number');
      const child = await eventually(
        () => sfn.send(new DescribeExecutionCommand({ executionArn: result.output.ExecutionArn })),
        (value) => value.status !== 'RUNNING',
      );
      assert.equal(child.status, 'SUCCEEDED');
      assert.deepEqual(JSON.parse(child.output!), { got: 3, greeting: 'hi' });
    });

    it('a failed child fails the .sync task with States.TaskFailed, its Error and Cause in the cause', async () => {
      const result = await run(catching(task('arn:aws:states:::states:startExecution.sync', { Parameters: { StateMachineArn: failingChildArn } }), ['States.TaskFailed']));
      assert.equal(result.status, 'SUCCEEDED', result.cause);
      assert.equal(result.output.Error, 'States.TaskFailed');
      const cause = JSON.parse(result.output.Cause);
      assert.equal(cause.Status, 'FAILED');
      assert.equal(cause.Error, 'ChildBroke');
      assert.equal(cause.Cause, 'on purpose');
    });

    it('a missing child state machine is StepFunctions.StateMachineDoesNotExistException', async () => {
      const missing = 'arn:aws:states:us-east-1:123456789012:stateMachine:nope';
      const result = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::states:startExecution', { Parameters: { StateMachineArn: missing } }) } });
      assert.equal(result.status, 'FAILED');
      assert.equal(result.error, 'StepFunctions.StateMachineDoesNotExistException');
      assert.match(result.cause!, new RegExp(`^State Machine Does Not Exist: '${missing}' \\(Service: AWSStepFunctions; Status Code: 400;`));
    });
  });

  describe('aws-sdk:sfn', () => {
    it('reaches this server: startExecution starts a child, sendTaskSuccess with a bad token is Sfn.InvalidTokenException', async () => {
      const child = await sfn.send(
        new CreateStateMachineCommand({ name: 'sdk-child', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), roleArn }),
      );
      const started = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::aws-sdk:sfn:startExecution', { Parameters: { StateMachineArn: child.stateMachineArn, Input: '{"via":"sdk"}' } }) } });
      assert.equal(started.status, 'SUCCEEDED', started.cause);
      assert.match(started.output.ExecutionArn, /:execution:sdk-child:/);
      const childRun = await eventually(
        () => sfn.send(new DescribeExecutionCommand({ executionArn: started.output.ExecutionArn })),
        (value) => value.status !== 'RUNNING',
      );
      assert.equal(childRun.output, '{"via":"sdk"}');

      const bad = await run(catching(task('arn:aws:states:::aws-sdk:sfn:sendTaskSuccess', { Parameters: { Output: '{}', TaskToken: 'NoSuchTaskToken' } }), ['Sfn.InvalidTokenException']));
      assert.equal(bad.status, 'SUCCEEDED', bad.cause);
      assert.equal(bad.output.Error, 'Sfn.InvalidTokenException');
      assert.match(bad.output.Cause, /^Invalid Token: 'Invalid token' \(Service: Sfn, Status Code: 400, Request ID: [^)]+\)$/);
    });
  });

  describe('across a kill -9', () => {
    it('a parent waiting on a .sync child and a callback waiting on its token both finish after a restart, without a second call or child', async () => {
      const slowChild = await sfn.send(
        new CreateStateMachineCommand({
          name: 'slow-child',
          definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 2, Next: 'P' }, P: { Type: 'Pass', Result: 'child done', End: true } } }),
          roleArn,
        }),
      );
      const parentDefinition = {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            End: true,
            Branches: [
              { StartAt: 'Child', States: { Child: task('arn:aws:states:::states:startExecution.sync:2', { Parameters: { StateMachineArn: slowChild.stateMachineArn } }) } },
              {
                StartAt: 'Callback',
                States: { Callback: task('arn:aws:states:::lambda:invoke.waitForTaskToken', { Parameters: { FunctionName: 'remote-callback', Payload: { 'token.$': '$$.Task.Token', order: 9 } } }) },
              },
            ],
          },
        },
      };
      const parent = await sfn.send(new CreateStateMachineCommand({ name: 'restart-parent', definition: JSON.stringify(parentDefinition), roleArn }));
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: parent.stateMachineArn, input: '{}' }));
      const received = await eventually(async () => fake.callbacks.find((payload: any) => payload?.order === 9) as { token: string } | undefined, (value) => value !== undefined);
      assert.ok(received);

      await server.kill('SIGKILL');
      await server.restart();

      await sfn.send(new SendTaskSuccessCommand({ taskToken: received.token, output: '"callback done"' }));
      const done = await eventually(
        () => sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn })),
        (value) => value.status !== 'RUNNING',
      );
      assert.equal(done.status, 'SUCCEEDED', done.cause);
      const [childResult, callbackResult] = JSON.parse(done.output!);
      assert.equal(childResult.Output, 'child done');
      assert.equal(callbackResult, 'callback done');
      assert.equal(fake.callbacks.filter((payload: any) => payload?.order === 9).length, 1, 'the callback call was not repeated');
      const children = await sfn.send(new ListExecutionsCommand({ stateMachineArn: slowChild.stateMachineArn }));
      assert.equal(children.executions?.length, 1, 'one child, not a second one after the restart');
    });
  });

  describe('bad resources', () => {
    it('a Resource the definition check lets through but nothing can perform fails the execution at run time with States.Runtime', async () => {
      const result = await run({ StartAt: 'T', States: { T: task('arn:aws:sns:us-east-1:123456789012:a-topic') } });
      assert.equal(result.status, 'FAILED');
      assert.equal(result.error, 'States.Runtime');
      assert.equal(result.cause, "The resource 'arn:aws:sns:us-east-1:123456789012:a-topic' is not a supported Task resource");
    });

    it('an optimized integration Stepstone does not perform yet fails with a catchable States.TaskFailed naming it', async () => {
      const result = await run({ StartAt: 'T', States: { T: task('arn:aws:states:::athena:startQueryExecution', { Parameters: { QueryString: 'SELECT 1' } }) } });
      assert.equal(result.status, 'FAILED');
      assert.equal(result.error, 'States.TaskFailed');
      assert.equal(result.cause, "The service integration 'athena:startQueryExecution' is not supported by Stepstone");
    });

    it('an integration AWS does not offer is refused at CreateStateMachine with InvalidDefinition', async () => {
      await assert.rejects(
        sfn.send(new CreateStateMachineCommand({ name: 'bad-resource', definition: JSON.stringify({ StartAt: 'T', States: { T: task('arn:aws:states:::nosuch:thing') } }), roleArn })),
        (error: any) => {
          assert.equal(error.name, 'InvalidDefinition');
          assert.equal(
            error.message,
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The resource provided arn:aws:states:::nosuch:thing is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. at /States/T/Resource'",
          );
          return true;
        },
      );
    });
  });
});
