import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, type DescribeExecutionCommandOutput, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';

/** `PUT /mock-config`: Step Functions Local's mock configuration, uploaded at run time (no restart). */
describe('a mock configuration uploaded through PUT /mock-config', () => {
  let server: RunningServer;
  let sfn: SFNClient;
  let stateMachineArn: string;

  const configAnswering = (response: Record<string, unknown>) => ({
    StateMachines: { uploaded: { TestCases: { Case: { Call: 'Answer' } } } },
    MockedResponses: { Answer: { '0': response } },
  });

  const put = async (body: string) => {
    const response = await fetch(`${server.endpoint}/mock-config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, json: (await response.json()) as { __type?: string; message?: string } & Record<string, unknown> };
  };

  const run = async (name: string): Promise<DescribeExecutionCommandOutput> => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#Case`, name, input: '{}' }));
    for (let i = 0; i < 200; i++) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== 'RUNNING') return described;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${name} still RUNNING`);
  };

  before(async () => {
    // No STEPSTONE_MOCK_CONFIG: every mock comes through the API.
    server = await startServer();
    sfn = sfnClient(server.endpoint);
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'uploaded',
        roleArn: 'arn:aws:iam::123456789012:role/x',
        definition: JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true } } }),
      }),
    );
    stateMachineArn = created.stateMachineArn!;
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
  });

  it('answers executions from the uploaded configuration, and from its replacement without a restart', async () => {
    const first = await put(JSON.stringify(configAnswering({ Return: { Payload: { answer: 1 } } })));
    assert.equal(first.status, 200);
    assert.deepEqual(first.json, { stateMachines: { uploaded: ['Case'] }, mockedResponses: ['Answer'] });
    const succeeded = await run('first');
    assert.equal(succeeded.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(succeeded.output!), { Payload: { answer: 1 } });

    assert.equal((await put(JSON.stringify(configAnswering({ Throw: { Error: 'Lambda.ServiceException', Cause: 'uploaded outage' } })))).status, 200);
    const failed = await run('second');
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'Lambda.ServiceException');
    assert.equal(failed.cause, 'uploaded outage');
  });

  it('refuses a configuration that does not parse with ValidationException naming the field, and keeps the one in force', async () => {
    const notJson = await put('{"StateMachines":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.__type, 'ValidationException');
    assert.match(String(notJson.json.message), /^The mock configuration is not valid JSON/);

    const dangling = await put(JSON.stringify({ StateMachines: { uploaded: { TestCases: { Case: { Call: 'Missing' } } } }, MockedResponses: {} }));
    assert.equal(dangling.status, 400);
    assert.deepEqual(dangling.json, {
      __type: 'ValidationException',
      message: "$.StateMachines.uploaded.TestCases.Case.Call refers to 'Missing', which is not defined in MockedResponses",
    });

    const empty = await put('');
    assert.equal(empty.status, 400);
    assert.equal(empty.json.__type, 'ValidationException');

    // The last valid upload (a Throw) still answers.
    const still = await run('third');
    assert.equal(still.status, 'FAILED');
    assert.equal(still.cause, 'uploaded outage');
  });
});
