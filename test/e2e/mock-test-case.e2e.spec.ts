import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, GetExecutionHistoryCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { rawCall, sfnClient, startServer, type RunningServer } from '../support/server';

/** Step Functions Local's way to pick a mock test case: StartExecution on `<stateMachineArn>#<TestCase>`. */
describe('StartExecution with a mock test case, through the real server', () => {
  let server: RunningServer;
  let sfn: SFNClient;
  let stateMachineArn: string;

  before(async () => {
    server = await startServer();
    sfn = sfnClient(server.endpoint);
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'mocked',
        roleArn: 'arn:aws:iam::123456789012:role/x',
        definition: JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } }),
      }),
    );
    stateMachineArn = created.stateMachineArn!;
  });

  after(async () => {
    await server?.dispose();
  });

  it('starts an execution of the state machine before the #; the test case stays out of the history', async () => {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#HappyPath`, name: 'with-case', input: '{"n":1}' }));
    assert.equal(started.executionArn, stateMachineArn.replace(':stateMachine:', ':execution:') + ':with-case');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn! }));
    const types = history.events!.map((event) => event.type);
    assert.deepEqual(types, ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled']);
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
});
