import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Effect, pendingEffects } from './effects';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

describe('a task deadline past the last date there is', () => {
  it('never comes, and the heartbeat deadline still times the task out (a TimeoutSecondsPath that selects 2^53 + 2)', async () => {
    const definition = {
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, TimeoutSecondsPath: '$.seconds', HeartbeatSeconds: 5, End: true },
      },
    };
    const started = await given().when(startCommand(definition, { seconds: 2 ** 53 + 2 })).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled']);
    const deadlines = pendingEffects(started.state).filter((effect): effect is Extract<Effect, { kind: 'task-deadline' }> => effect.kind === 'task-deadline');
    assert.deepEqual(deadlines.map((deadline) => [deadline.deadline, deadline.at]), [['heartbeat', '2024-01-01T00:00:05.000Z']]);
    // Deciding the heartbeat's timeout reads every deadline of the task again: the timeout's used to throw 'Invalid time value'.
    await given(started.events)
      .when({ type: 'TimeOutTask', token: deadlines[0].token, deadline: 'heartbeat' }, fixedEnv('2024-01-01T00:00:05.000Z'))
      .then(['TaskStarted', 'TaskTimedOut', 'ExecutionFailed'], (_events, state) => assert.equal(state.error, 'States.Timeout'));
  });
});
