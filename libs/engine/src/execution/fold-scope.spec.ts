import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionCommand } from './commands';
import { decideAndEvolve } from './decide';
import { pendingEffects } from './effects';
import { createFoldScope, evolve, evolveOwned } from './evolve';
import { type ExecutionState, initialExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { fixedEnv, startCommand } from './testing/decider-specification';

const lambda = 'arn:aws:states:::lambda:invoke';

/**
 * Runs an execution to its end, decision after decision (tasks answered by `answer`, timers
 * fired), and checks after each one that the decider's in-place fold equals the pure fold of
 * every event so far, and that the state the decision started from was not changed.
 */
async function runChecked(definition: unknown, input: unknown, answer: (stateName: string, invocation: number) => ExecutionCommand['type']) {
  const events: ExecutionEvent[] = [];
  let state: ExecutionState = initialExecutionState;
  let command: ExecutionCommand | undefined = startCommand(definition, input);
  for (let decisions = 0; command && decisions < 500; decisions++) {
    const before = state;
    const decided = await decideAndEvolve(state, command, fixedEnv());
    assert.deepEqual(before, events.reduce(evolve, initialExecutionState), 'the decision left its input state unchanged');
    events.push(...decided.events);
    state = decided.state;
    assert.deepEqual(state, events.reduce(evolve, initialExecutionState), `decision ${decisions}: in-place fold equals evolve`);
    command = nextCommand(state, answer);
  }
  return { events, state };
}

function nextCommand(state: ExecutionState, answer: (stateName: string, invocation: number) => ExecutionCommand['type']): ExecutionCommand | undefined {
  const effects = pendingEffects(state);
  const task = effects.find((effect) => effect.kind === 'task');
  if (task?.kind === 'task') {
    const type = answer(task.stateName, task.invocation);
    return type === 'CompleteTask'
      ? { type, token: task.token, output: JSON.stringify({ state: task.stateName, invocation: task.invocation }) }
      : { type: 'FailTask', token: task.token, error: 'Transient', cause: 'boom' };
  }
  const timer = effects.find((effect) => effect.kind === 'timer');
  return timer?.kind === 'timer' ? { type: 'FireTimer', threadId: timer.threadId, enteredEventId: timer.enteredEventId } : undefined;
}

describe('the decider folds in place and gets exactly evolve\'s state', () => {
  it('Map with tolerated failures, retries and a nested Parallel', async () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          MaxConcurrency: 3,
          ToleratedFailureCount: 2,
          ItemProcessor: {
            StartAt: 'Work',
            States: {
              Work: { Type: 'Task', Resource: lambda, Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 0, MaxAttempts: 1 }], Next: 'Fan' },
              Fan: {
                Type: 'Parallel',
                Branches: [
                  { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
                  { StartAt: 'B', States: { B: { Type: 'Pass', Result: 'b', End: true } } },
                ],
                End: true,
              },
            },
          },
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    };
    const { state } = await runChecked(definition, [1, 2, 3, 4, 5], (_name, invocation) => (invocation % 3 === 1 ? 'FailTask' : 'CompleteTask'));
    assert.equal(state.status, 'SUCCEEDED');
  });

  it('Map whose failures exceed the tolerance, then a redrive', async () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ToleratedFailureCount: 1,
          ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, End: true } } },
          End: true,
        },
      },
    };
    let failures = 0;
    const first = await runChecked(definition, [1, 2, 3, 4], () => (failures++ < 2 ? 'FailTask' : 'CompleteTask'));
    assert.equal(first.state.status, 'FAILED');
    const redriven = await decideAndEvolve(first.state, { type: 'RedriveExecution' }, fixedEnv());
    const events = [...first.events, ...redriven.events];
    assert.deepEqual(redriven.state, events.reduce(evolve, initialExecutionState));
    assert.ok(redriven.events.some((event) => event.type === 'ExecutionRedriven'));
  });

  it('Choice loop with Assign', async () => {
    const definition = {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 20, Next: 'Inc' }], Default: 'Done' },
        Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Assign: { 'last.$': '$.n' }, Next: 'Check' },
        Done: { Type: 'Succeed' },
      },
    };
    const { state } = await runChecked(definition, { n: 0 }, () => 'CompleteTask');
    assert.deepEqual(JSON.parse(state.output!), { n: 20 });
  });

  it('a replay in one scope folds a stored stream to evolve\'s state', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, End: true } } }, End: true } },
    };
    const { events } = await runChecked(definition, [1, 2, 3], (_name, invocation) => (invocation === 1 ? 'FailTask' : 'CompleteTask'));
    // A stored event is parsed from JSON: no value the decider left in memory is shared.
    const stored = events.map((event) => JSON.parse(JSON.stringify(event)) as ExecutionEvent);
    const scope = createFoldScope();
    let owned = initialExecutionState;
    for (const event of stored) owned = evolveOwned(owned, event, scope);
    assert.deepEqual(owned, stored.reduce(evolve, initialExecutionState));
    assert.equal(owned.status, 'FAILED');
  });
});
