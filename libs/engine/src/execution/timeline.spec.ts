import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAndEvolve } from './decide';
import { initialExecutionState } from './execution-state';
import { fixedEnv, startCommand } from './testing/decider-specification';
import { buildTimeline } from './timeline';

const definition = {
  StartAt: 'Greet',
  States: {
    Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('Hello, {}!', $.name)" }, Assign: { 'who.$': '$.greeting' }, Next: 'Count' },
    Count: { Type: 'Pass', Result: 2, ResultPath: '$.count', Assign: { count: 2 }, End: true },
  },
};

async function decidedEvents() {
  const decided = await decideAndEvolve(initialExecutionState, startCommand(definition, { name: 'Ada' }), fixedEnv());
  return decided.events;
}

describe('buildTimeline', () => {
  it('describes each event with its state, input, output and the variables after it', async () => {
    const events = await decidedEvents();
    const { steps, state } = buildTimeline(events);
    assert.deepEqual(
      steps.map((step) => [step.eventId, step.type, step.stateName ?? null]),
      [
        [1, 'ExecutionStarted', null],
        [2, 'PassStateEntered', 'Greet'],
        [3, 'PassStateExited', 'Greet'],
        [4, 'PassStateEntered', 'Count'],
        [5, 'PassStateExited', 'Count'],
        [6, 'ExecutionSucceeded', null],
      ],
    );
    assert.equal(steps[0].input, '{"name":"Ada"}');
    assert.equal(steps[0].status, 'RUNNING');
    assert.deepEqual(steps[1].variables, {}, 'Assign takes effect when the state exits');
    assert.deepEqual(JSON.parse(steps[2].output!), { greeting: 'Hello, Ada!' });
    assert.deepEqual(steps[2].variables, { who: 'Hello, Ada!' });
    assert.deepEqual(JSON.parse(steps[3].input!), { greeting: 'Hello, Ada!' });
    assert.deepEqual(steps[4].variables, { who: 'Hello, Ada!', count: 2 });
    assert.deepEqual(JSON.parse(steps[5].output!), { greeting: 'Hello, Ada!', count: 2 });
    assert.equal(steps[5].status, 'SUCCEEDED');
    assert.equal(state.status, 'SUCCEEDED');
  });

  it('stops after the event given by toEventId, with the state folded that far', async () => {
    const { steps, state } = buildTimeline(await decidedEvents(), { toEventId: 3 });
    assert.deepEqual(
      steps.map((step) => step.eventId),
      [1, 2, 3],
    );
    assert.equal(state.status, 'RUNNING');
    assert.deepEqual(steps[2].variables, { who: 'Hello, Ada!' });
  });
});
