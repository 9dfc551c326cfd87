import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListStateMachinesCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { eventually } from '../support/helpers';
import { sfnClient, startServer, type RunningServer } from '../support/server';

const ROLE = 'arn:aws:iam::123456789012:role/r';

/** A JSONata Pass whose Output is `expression`. */
const outputOf = (expression: string) =>
  JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } } });

describe('user expressions run within limits, and the server keeps answering', () => {
  let server: RunningServer;
  let sfn: SFNClient;
  before(async () => {
    server = await startServer();
    sfn = sfnClient(server.endpoint);
  });
  after(async () => server?.dispose());

  async function runToEnd(name: string, definition: string) {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    // While the expression runs, an unrelated request is answered promptly.
    const started = performance.now();
    await sfn.send(new ListStateMachinesCommand({}));
    const listMs = performance.now() - started;
    const done = await eventually(
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      (described) => described.status !== 'RUNNING',
      30_000,
    );
    return { done, listMs };
  }

  for (const [name, expression, cause] of [
    ['endless-recursion', '($f := function($n){ $n < 0 ? 0 : 1 + $f($n + 1) }; $f(0))', /Stack overflow|evaluation steps/],
    ['endless-tail-call', '($f := function($n){ $f($n + 1) }; $f(0))', /evaluation steps|Stack overflow/],
    ['huge-array', '($a := [1..1000000]; $count($a.[$a]))', /array items|maximum sequence length/],
    ['huge-string', "$pad('x', 1000000000)", /\$pad to 1000000000 characters exceeds/],
  ] as const) {
    it(`${name} fails the execution with States.QueryEvaluationError`, async () => {
      const { done, listMs } = await runToEnd(name, outputOf(expression));
      assert.equal(done.status, 'FAILED', JSON.stringify(done));
      assert.equal(done.error, 'States.QueryEvaluationError');
      assert.match(done.cause ?? '', cause);
      assert.ok(listMs < 1_000, `ListStateMachines took ${Math.round(listMs)} ms while the expression ran`);
      assert.ok(server.running(), 'the server is still running');
    });
  }
});
