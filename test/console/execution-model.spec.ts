import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, GetExecutionHistoryCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { summarizeStates, type HistoryEvent } from '../../apps/console/src/execution-model';
import { eventually } from '../support/helpers';
import { rawCall, sfnClient, startServer, type RunningServer } from '../support/server';

/**
 * The console colours states from GetExecutionHistory alone: these histories are written by the
 * real engine (retried, then caught; failed; never reached) and read back as the console reads them.
 */
const definition = {
  StartAt: 'Flaky',
  States: {
    Flaky: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'always' } } }],
      Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1, IntervalSeconds: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Check' }],
      Next: 'Unused',
    },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Stop' }], Default: 'Fine' },
    Fine: { Type: 'Succeed' },
    Stop: { Type: 'Fail', Error: 'Stopped', Cause: 'asked to stop' },
    Unused: { Type: 'Succeed' },
  },
};

describe('summarizeStates (the console colouring) on histories written by the engine', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let client: SFNClient;
  let stateMachineArn: string;

  const historyOf = async (name: string, input: unknown): Promise<HistoryEvent[]> => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    const done = await eventually(
      async () => (await rawCall(server.endpoint, 'AWSStepFunctions.GetExecutionHistory', JSON.stringify({ executionArn, maxResults: 1000 }))).json.events as HistoryEvent[],
      (events) => events.some((event) => /^Execution(Succeeded|Failed)$/.test(event.type)),
    );
    assert.ok((await client.send(new GetExecutionHistoryCommand({ executionArn }))).events!.length > 0);
    return done;
  };

  before(async () => {
    server = await startServer();
    client = sfnClient(server.endpoint);
    stateMachineArn = (await client.send(new CreateStateMachineCommand({ name: 'flaky', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/x' }))).stateMachineArn!;
  });

  after(async () => {
    await server?.dispose();
  });

  it('marks a state that failed after a retry and went on by its Catch as caught, with one retry', async () => {
    const states = summarizeStates(await historyOf('caught', {}), Date.now());
    assert.equal(states.get('Flaky')?.outcome, 'caught');
    assert.equal(states.get('Flaky')?.retries, 1);
    assert.ok((states.get('Flaky')?.durationMs ?? 0) >= 900, 'the retry interval counts in the duration');
    assert.equal(states.get('Boom')?.outcome, 'failed');
    assert.equal(states.get('Boom')?.visits, 2);
    assert.equal(states.get('Check')?.outcome, 'succeeded');
    assert.equal(states.get('Fine')?.outcome, 'succeeded');
    assert.equal(states.has('Unused'), false, 'never reached');
  });

  it('marks the state the execution failed in as failed, with its error and cause', async () => {
    const states = summarizeStates(await historyOf('stopped', { stop: true }), Date.now());
    assert.equal(states.get('Stop')?.outcome, 'failed');
    assert.equal(states.get('Check')?.outcome, 'succeeded');
    assert.equal(states.has('Fine'), false);
    assert.match(states.get('Check')?.output ?? '', /"stop":true/);
  });
});
