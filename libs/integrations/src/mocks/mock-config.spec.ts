import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidMockConfiguration, loadMockConfig, parseMockConfig } from './mock-config';
import { createMockingDispatcher, mockedOutcome } from './mocked-outcome';

/** AWS's example from "Configuration file for mocked service integrations", unchanged. */
const awsExample = {
  StateMachines: {
    LambdaSQSIntegration: {
      TestCases: {
        HappyPath: { LambdaState: 'MockedLambdaSuccess', SQSState: 'MockedSQSSuccess' },
        RetryPath: { LambdaState: 'MockedLambdaRetry', SQSState: 'MockedSQSSuccess' },
        HybridPath: { LambdaState: 'MockedLambdaSuccess' },
      },
    },
  },
  MockedResponses: {
    MockedLambdaSuccess: { '0': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } } },
    LambdaMockedResourceNotReady: { '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } } },
    MockedSQSSuccess: { '0': { Return: { MD5OfMessageBody: '3bcb6e8e-7h85-4375-b0bc-1a59812c6e51', MessageId: '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51' } } },
    MockedLambdaRetry: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      '3': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } },
    },
  },
};

const select = (testCase: string, stateName: string, invocation: number) => ({ stateMachineName: 'LambdaSQSIntegration', testCase, stateName, invocation });

describe('mock configuration (Step Functions Local format)', () => {
  const config = parseMockConfig(JSON.stringify(awsExample));

  it("answers AWS's example: Return on the happy path, ranges of Throw then Return on the retry path", () => {
    assert.deepEqual(mockedOutcome(config, select('HappyPath', 'LambdaState', 0)), {
      kind: 'succeeded',
      output: '{"StatusCode":200,"Payload":{"StatusCode":200,"body":"Hello from Lambda!"}}',
    });
    assert.deepEqual(mockedOutcome(config, select('RetryPath', 'LambdaState', 0)), { kind: 'failed', error: 'Lambda.ResourceNotReadyException', cause: 'Lambda resource is not ready.' });
    assert.deepEqual(mockedOutcome(config, select('RetryPath', 'LambdaState', 1)), { kind: 'failed', error: 'Lambda.TimeoutException', cause: 'Lambda timed out.' });
    assert.deepEqual(mockedOutcome(config, select('RetryPath', 'LambdaState', 2)), { kind: 'failed', error: 'Lambda.TimeoutException', cause: 'Lambda timed out.' });
    assert.equal(mockedOutcome(config, select('RetryPath', 'LambdaState', 3))?.kind, 'succeeded');
  });

  it('leaves unmocked states, test cases, machines and invocations to the real integration (undefined)', () => {
    assert.equal(mockedOutcome(config, select('HybridPath', 'SQSState', 0)), undefined);
    assert.equal(mockedOutcome(config, select('NoSuchCase', 'LambdaState', 0)), undefined);
    assert.equal(mockedOutcome(config, { ...select('HappyPath', 'LambdaState', 0), stateMachineName: 'Other' }), undefined);
    assert.equal(mockedOutcome(config, select('HappyPath', 'LambdaState', 1)), undefined);
  });

  it('a thrown States.Timeout is a timeout', () => {
    const timeouts = parseMockConfig({ StateMachines: { M: { TestCases: { T: { S: 'Late' } } } }, MockedResponses: { Late: { '0': { Throw: { Error: 'States.Timeout' } } } } });
    assert.deepEqual(mockedOutcome(timeouts, { stateMachineName: 'M', testCase: 'T', stateName: 'S', invocation: 0 }), { kind: 'timed_out', error: 'States.Timeout' });
  });

  const invalid: Array<[string, unknown, string]> = [
    ['not JSON', '{"StateMachines":', 'The mock configuration is not valid JSON'],
    ['no MockedResponses', { StateMachines: {} }, '$.MockedResponses is missing'],
    ['an unknown top-level field', { StateMachines: {}, MockedResponses: {}, Extra: 1 }, "Unknown field at $: 'Extra'"],
    ['a test case naming an undefined response', { StateMachines: { M: { TestCases: { T: { S: 'Nope' } } } }, MockedResponses: {} }, "$.StateMachines.M.TestCases.T.S refers to 'Nope', which is not defined in MockedResponses"],
    ['a bad range', { StateMachines: {}, MockedResponses: { R: { first: { Return: 1 } } } }, "$.MockedResponses.R: 'first' is not an invocation number or range"],
    ['a backwards range', { StateMachines: {}, MockedResponses: { R: { '3-1': { Return: 1 } } } }, "$.MockedResponses.R: the range '3-1' ends before it starts"],
    ['overlapping ranges', { StateMachines: {}, MockedResponses: { R: { '0-2': { Return: 1 }, '2': { Return: 2 } } } }, "$.MockedResponses.R: the range '0-2' overlaps '2'"],
    ['both Return and Throw', { StateMachines: {}, MockedResponses: { R: { '0': { Return: 1, Throw: { Error: 'E' } } } } }, '$.MockedResponses.R["0"] must contain exactly one of Return or Throw'],
    ['a non-string Error', { StateMachines: {}, MockedResponses: { R: { '0': { Throw: { Error: 7 } } } } }, '$.MockedResponses.R["0"].Throw.Error must be a string'],
  ];
  for (const [what, document, message] of invalid) {
    it(`rejects ${what} with InvalidMockConfiguration`, () => {
      assert.throws(() => parseMockConfig(document), (error: unknown) => error instanceof InvalidMockConfiguration && error.name === 'InvalidMockConfiguration' && error.message.startsWith(message));
    });
  }

  it('loads a file, and names the file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepstone-mocks-'));
    const file = join(dir, 'MockConfigFile.json');
    writeFileSync(file, JSON.stringify(awsExample));
    assert.equal(mockedOutcome(loadMockConfig(file), select('HappyPath', 'SQSState', 0))?.kind, 'succeeded');
    assert.throws(() => loadMockConfig(join(dir, 'missing.json')), /Cannot read the mock configuration file '.*missing\.json'/);
  });

  it('a mocking dispatcher answers mocked tasks by test case and hands the rest on', async () => {
    const handed: string[] = [];
    const dispatcher = createMockingDispatcher(config, { dispatch: async (task) => (handed.push(task.stateName), { kind: 'succeeded', output: '"real"' }) });
    const task = {
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:LambdaSQSIntegration:e1',
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:LambdaSQSIntegration',
      testCase: 'HybridPath',
      token: 't',
      resource: 'arn:aws:states:::lambda:invoke',
      parameters: {},
      invocation: 0,
      report: async () => true,
    };
    assert.equal((await dispatcher.dispatch({ ...task, stateName: 'LambdaState' }))?.kind, 'succeeded');
    assert.deepEqual(await dispatcher.dispatch({ ...task, stateName: 'SQSState' }), { kind: 'succeeded', output: '"real"' });
    assert.deepEqual(handed, ['SQSState']);
  });
});
