import { CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, DescribeStateMachineCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { startServer, sfnClient } from '/work/main/test/support/server';
async function main() {
const s = await startServer();
try {
  const c = sfnClient(s.endpoint);
  const def = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { a: 1 }, Next: 'W' }, W: { Type: 'Wait', Seconds: 1, End: true } } });
  const sm = await c.send(new CreateStateMachineCommand({ name: 'm1', definition: def, roleArn: 'arn:aws:iam::123456789012:role/r' }));
  console.log(sm);
  console.log(await c.send(new DescribeStateMachineCommand({ stateMachineArn: sm.stateMachineArn })));
  const ex = await c.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, name: 'e1', input: '{"x":1}' }));
  console.log(ex);
  console.log(await c.send(new DescribeExecutionCommand({ executionArn: ex.executionArn })));
  await new Promise((r) => setTimeout(r, 1500));
  console.log(await c.send(new DescribeExecutionCommand({ executionArn: ex.executionArn })));
  console.log(JSON.stringify((await c.send(new GetExecutionHistoryCommand({ executionArn: ex.executionArn }))).events, null, 1).slice(0, 1500));
  const ex2 = await c.send(new CreateStateMachineCommand({ name: 'x1', type: 'EXPRESS', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), roleArn: 'arn:aws:iam::123456789012:role/r' }));
  console.log(await c.send(new StartSyncExecutionCommand({ stateMachineArn: ex2.stateMachineArn, input: '{"y":2}' })));
} catch (e) { console.error(e); console.log(s.output()); } finally { await s.dispose(); }

}
void main();