import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionCommand } from './commands';
import { decideAndEvolve } from './decide';
import { pendingEffects } from './effects';
import { type ExecutionState, initialExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { fixedEnv, startCommand } from './testing/decider-specification';

const lambda = 'arn:aws:states:::lambda:invoke';
const T0 = '2024-01-01T00:00:00.000Z';

function definition(intervalSeconds: number) {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Retry: [{ ErrorEquals: ['Branch'], IntervalSeconds: intervalSeconds, MaxAttempts: 1 }],
        Branches: [
          {
            StartAt: 'Flaky',
            States: {
              Flaky: {
                Type: 'Task',
                Resource: lambda,
                Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: intervalSeconds, MaxAttempts: 2, BackoffRate: 1 }],
                Catch: [{ ErrorEquals: ['Transient'], Next: 'Give up' }],
                End: true,
              },
              'Give up': { Type: 'Fail', Error: 'Branch' },
            },
          },
          { StartAt: 'Calm', States: { Calm: { Type: 'Pass', End: true } } },
        ],
        End: true,
      },
    },
  };
}

/**
 * Fails every task, fires every timer at its deadline (the clock jumps there, as the fast
 * clock does), and returns each decision's events.
 */
async function failEveryAttempt(intervalSeconds: number): Promise<{ decisions: ExecutionEvent[][]; state: ExecutionState }> {
  const decisions: ExecutionEvent[][] = [];
  let state = initialExecutionState;
  let now = T0;
  let command: ExecutionCommand | undefined = startCommand(definition(intervalSeconds));
  while (command) {
    const decided = await decideAndEvolve(state, command, fixedEnv(now));
    decisions.push(decided.events);
    state = decided.state;
    const effects = pendingEffects(state);
    const task = effects.find((effect) => effect.kind === 'task');
    const timer = effects.find((effect) => effect.kind === 'timer');
    if (task?.kind === 'task') command = { type: 'FailTask', token: task.token, error: 'Transient', cause: 'boom' };
    else if (timer?.kind === 'timer') {
      now = timer.wakeAt;
      command = { type: 'FireTimer', threadId: timer.threadId, enteredEventId: timer.enteredEventId };
    } else command = undefined;
  }
  return { decisions, state };
}

/** An event without what the interval changes: times, and the definition that says it. */
function timeless(event: ExecutionEvent): unknown {
  const { timestamp: _timestamp, x, ...rest } = event;
  const { wakeAt: _wakeAt, start: _start, ...internals } = x;
  return { ...rest, x: internals };
}

describe('a retry whose backoff has ended by the decision continues in that decision', () => {
  it('writes the events the timer path writes, without a decision per attempt', async () => {
    const immediate = await failEveryAttempt(0);
    const delayed = await failEveryAttempt(1);
    assert.deepEqual(immediate.decisions.flat().map(timeless), delayed.decisions.flat().map(timeless));
    assert.equal(immediate.state.status, 'FAILED');
    assert.equal(immediate.state.error, 'Branch');
    // Start, then one decision per task attempt (2 Parallel attempts x 3 task attempts).
    assert.equal(immediate.decisions.length, 1 + 6);
    // The timer path also needs a decision per backoff: 4 task retries and 1 Parallel retry.
    assert.equal(delayed.decisions.length, 1 + 6 + 5);
    // With IntervalSeconds 0 the retried event has the failure's timestamp and wake-up time.
    const retried = immediate.decisions[1];
    assert.deepEqual(retried.map((event) => event.type), ['TaskStarted', 'TaskFailed', 'TaskScheduled']);
    assert.equal(retried[1].x.wakeAt, retried[2].timestamp);
  });

  it('leaves a backoff that ends later to its timer', async () => {
    const delayed = await failEveryAttempt(1);
    assert.deepEqual(delayed.decisions[1].map((event) => event.type), ['TaskStarted', 'TaskFailed']);
  });
});
