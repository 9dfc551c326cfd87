import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionCommand } from './commands';
import { decideAndEvolve } from './decide';
import { type Effect, pendingEffects } from './effects';
import type { ExecutionState } from './execution-state';
import { initialExecutionState } from './execution-state';
import { computeBackoffSeconds, LONGEST_BACKOFF_SECONDS } from './retry';
import { fixedEnv, startCommand } from './testing/decider-specification';

describe('a retry backoff is always a date', () => {
  it('is 0 for IntervalSeconds 0 however many attempts went before (0 × 2^1024 is NaN)', () => {
    assert.equal(computeBackoffSeconds({ IntervalSeconds: 0, BackoffRate: 2 }, 1_100, () => 0.5), 0);
  });

  it('stops at LONGEST_BACKOFF_SECONDS, past an execution\'s one-year limit, when BackoffRate^attempt outgrows the calendar', () => {
    assert.equal(computeBackoffSeconds({ IntervalSeconds: 1, BackoffRate: 10_000_000 }, 2, () => 0.5), LONGEST_BACKOFF_SECONDS);
    assert.equal(computeBackoffSeconds({ IntervalSeconds: 1, BackoffRate: 10_000_000, JitterStrategy: 'FULL' }, 5, () => 0.5), LONGEST_BACKOFF_SECONDS);
    assert.equal(computeBackoffSeconds({ IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 10 }, 40, () => 0.5), 10);
    assert.ok(LONGEST_BACKOFF_SECONDS * 1000 > 365 * 24 * 3600 * 1000);
  });

  it('lets a task whose third retry would wait 10^14 s wait for its execution to time out, where the invalid date threw out of the decision', async () => {
    const definition = {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 10_000_000, MaxAttempts: 3 }],
          End: true,
        },
      },
    };
    let now = Date.parse('2024-01-01T00:00:00.000Z');
    let state: ExecutionState = (await decideAndEvolve(initialExecutionState, startCommand(definition), fixedEnv(new Date(now).toISOString()))).state;
    const decide = async (command: ExecutionCommand) => (state = (await decideAndEvolve(state, command, fixedEnv(new Date(now).toISOString()))).state);
    const find = <K extends Effect['kind']>(kind: K) => pendingEffects(state).find((effect): effect is Extract<Effect, { kind: K }> => effect.kind === kind);
    for (let failure = 0; failure < 3; failure += 1) {
      await decide({ type: 'FailTask', token: find('task')!.token, error: 'Boom' });
      const timer = find('timer')!;
      now = Date.parse(timer.wakeAt);
      if (failure < 2) await decide({ type: 'FireTimer', threadId: timer.threadId, enteredEventId: timer.enteredEventId });
    }
    // The third retry would be due 10^14 s on: it waits LONGEST_BACKOFF_SECONDS, and the execution's own deadline comes first.
    const deadline = Date.parse(find('execution-timeout')!.at);
    assert.ok(now > deadline, 'the retry is due after the execution times out');
    now = deadline;
    await decide({ type: 'TimeOutExecution' });
    assert.equal(state.status, 'TIMED_OUT');
  });
});
