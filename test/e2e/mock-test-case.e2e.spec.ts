import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, type DescribeExecutionCommandOutput, GetExecutionHistoryCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { rawCall, sfnClient, startServer, type RunningServer } from '../support/server';

/** Step Functions Local's way to pick a mock test case: StartExecution on `<stateMachineArn>#<TestCase>`. */
describe('StartExecution with a mock test case, through the real server', () => {
  let server: RunningServer;
  let sfn: SFNClient;
  let stateMachineArn: string;

  const configDir = mkdtempSync(join(tmpdir(), 'stepstone-mocks-'));

  before(async () => {
    // Step Functions Local's mock configuration, unchanged: the first call throws, the retry returns.
    const mockConfig = {
      StateMachines: { mocked: { TestCases: { HappyPath: { Call: 'FlakyThenFine' } } } },
      MockedResponses: {
        FlakyThenFine: {
          '0': { Throw: { Error: 'Lambda.ServiceException', Cause: 'mocked outage' } },
          '1-2': { Return: { StatusCode: 200, answer: 42 } },
        },
      },
    };
    const configFile = join(configDir, 'MockConfigFile.json');
    writeFileSync(configFile, JSON.stringify(mockConfig));
    server = await startServer({ env: { STEPSTONE_MOCK_CONFIG: configFile } });
    sfn = sfnClient(server.endpoint);
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'mocked',
        roleArn: 'arn:aws:iam::123456789012:role/x',
        definition: JSON.stringify({
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
              Retry: [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 1, MaxAttempts: 1 }],
              End: true,
            },
          },
        }),
      }),
    );
    stateMachineArn = created.stateMachineArn!;
  });

  after(async () => {
    await server?.dispose();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('answers each call from the mocked responses of the test case, which stays out of the history', async () => {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#HappyPath`, name: 'with-case', input: '{"n":1}' }));
    assert.equal(started.executionArn, stateMachineArn.replace(':stateMachine:', ':execution:') + ':with-case');
    let status: string = 'RUNNING';
    for (let i = 0; i < 100 && status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const described: DescribeExecutionCommandOutput = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn! }));
      status = described.status!;
      if (status === 'SUCCEEDED') assert.deepEqual(JSON.parse(described.output!), { StatusCode: 200, answer: 42 });
    }
    assert.equal(status, 'SUCCEEDED');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn! }));
    const types = history.events!.map((event) => event.type);
    assert.deepEqual(types, [
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    assert.equal(history.events![4].lambdaFunctionFailedEventDetails?.error, 'Lambda.ServiceException');
    assert.ok(!JSON.stringify(history.events).includes('HappyPath'), 'the test case is bookkeeping, not AWS history');
    assert.equal(history.events![2].lambdaFunctionScheduledEventDetails?.resource, 'arn:aws:lambda:us-east-1:123456789012:function:f');
  });

  it('rejects an empty test case with InvalidArn, and an unknown machine with StateMachineDoesNotExist', async () => {
    const empty = await rawCall(server.endpoint, 'AWSStepFunctions.StartExecution', JSON.stringify({ stateMachineArn: `${stateMachineArn}#` }));
    assert.equal(empty.status, 400);
    assert.equal(empty.json.__type, 'InvalidArn');
    assert.equal(empty.json.message, `Invalid Arn: '${stateMachineArn}#'`);
    const unknown = await rawCall(server.endpoint, 'AWSStepFunctions.StartExecution', JSON.stringify({ stateMachineArn: `${stateMachineArn}-nope#Case` }));
    assert.equal(unknown.json.__type, 'StateMachineDoesNotExist');
  });

  it('refuses a test case the mock configuration lacks instead of calling the real service, and starts nothing', async () => {
    const missing = await rawCall(server.endpoint, 'AWSStepFunctions.StartExecution', JSON.stringify({ stateMachineArn: `${stateMachineArn}#SadPath`, name: 'never-started' }));
    assert.deepEqual([missing.status, missing.json.__type, missing.json.message], [400, 'ValidationException', "Test case 'SadPath' is not defined for state machine 'mocked' in the mock configuration"]);
    const described = await rawCall(server.endpoint, 'AWSStepFunctions.DescribeExecution', JSON.stringify({ executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:never-started` }));
    assert.equal(described.json.__type, 'ExecutionDoesNotExist');
  });

  it("names the mock configuration it loaded in the start-up log", () => {
    assert.match(server.output(), /stepstone: mock configuration .*MockConfigFile\.json: 1 state machine \(mocked: HappyPath\), 1 mocked response/);
  });
});
