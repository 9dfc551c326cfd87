import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_HISTORY_EVENTS, decideAndEvolve } from './decide';
import { MAX_EVENTS_PER_DECISION } from './decision';
import { pendingEffects } from './effects';
import { evolve } from './evolve';
import { type ExecutionState, initialExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

const HISTORY_LIMIT = { error: 'States.Runtime', cause: 'The execution reached the maximum number of history events (25000).' };

describe('AWS quotas: a clear failure, never a crash or an endless decision', () => {
  it('fails a pure Choice loop at 25,000 history events with States.Runtime, decided in steps of at most 1,000 events', async () => {
    // Without the quota this loop of pure states would be decided forever. Each decision stops
    // between two states at MAX_EVENTS_PER_DECISION (issue 18: one execution must not hold the
    // process); the continue-thread effect asks for the next step.
    const spin = {
      StartAt: 'Loop',
      States: {
        Loop: { Type: 'Choice', Choices: [{ Variable: '$.spin', BooleanEquals: true, Next: 'Again' }], Default: 'Done' },
        Again: { Type: 'Pass', Next: 'Loop' },
        Done: { Type: 'Succeed' },
      },
    };
    let run = await decideAndEvolve(initialExecutionState, startCommand(spin, { spin: true }), fixedEnv());
    const events: ExecutionEvent[] = [...run.events];
    let decisions = 1;
    while (run.state.status === 'RUNNING') {
      assert.ok(run.events.length <= MAX_EVENTS_PER_DECISION + 1, `a decision of ${run.events.length} events`);
      const next = pendingEffects(run.state).find((effect) => effect.kind === 'continue-thread');
      assert.ok(next && next.kind === 'continue-thread', 'a stopped decision asks to go on');
      run = await decideAndEvolve(run.state, { type: 'ContinueThread', threadId: next.threadId, after: next.after }, fixedEnv());
      events.push(...run.events);
      decisions += 1;
    }
    assert.equal(events.length, MAX_HISTORY_EVENTS);
    assert.ok(decisions >= 25, `${decisions} decisions`);
    assert.deepEqual(events.map((event) => event.id), Array.from({ length: MAX_HISTORY_EVENTS }, (_, index) => index + 1));
    const last = events[events.length - 1];
    assert.deepEqual([last.type, last.id, last.previousEventId], ['ExecutionFailed', 25_000, 24_999]);
    assert.deepEqual(last.executionFailedEventDetails, HISTORY_LIMIT);
    assert.equal(run.state.status, 'FAILED');
    assert.equal(events.reduce(evolve, initialExecutionState).status, 'FAILED', 'the history folds to the same end');
  });

  it('fails at the quota across many decisions too (a Wait loop driven by its timer)', async () => {
    const loop = { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 0, Next: 'Count' }, Count: { Type: 'Pass', Next: 'Nap' } } };
    let run: { events: ExecutionEvent[]; state: ExecutionState } = await decideAndEvolve(initialExecutionState, startCommand(loop), fixedEnv());
    let total = run.events.length;
    let lastEvent = run.events[run.events.length - 1];
    while (run.state.status === 'RUNNING') {
      const timer = pendingEffects(run.state).find((effect) => effect.kind === 'timer');
      assert.ok(timer && timer.kind === 'timer');
      run = await decideAndEvolve(run.state, { type: 'FireTimer', threadId: timer.threadId, enteredEventId: timer.enteredEventId }, fixedEnv());
      total += run.events.length;
      lastEvent = run.events[run.events.length - 1];
    }
    assert.equal(total, MAX_HISTORY_EVENTS);
    assert.deepEqual([lastEvent.type, lastEvent.id], ['ExecutionFailed', 25_000]);
    assert.deepEqual(lastEvent.executionFailedEventDetails, HISTORY_LIMIT);
  });

  it('fails a state whose output passes 256 KiB with States.DataLimitExceeded, which no Catch sees', async () => {
    const doubling = {
      StartAt: 'Grow',
      States: {
        Grow: {
          Type: 'Pass',
          Parameters: { 'a.$': '$.blob', 'b.$': '$.blob' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    };
    await given().when(startCommand(doubling, { blob: 'x'.repeat(140 * 1024) })).then(['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed'], (_events, state) => {
      assert.equal(state.error, 'States.DataLimitExceeded');
      assert.equal(state.cause, "The state/task 'Grow' returned a result with a size exceeding the maximum number of bytes service limit.");
    });
  });

  it('checks the combined output of a Parallel (each branch under the quota, the array over it)', async () => {
    const branch = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Pass', End: true } } });
    const fan = { StartAt: 'Fan', States: { Fan: { Type: 'Parallel', Branches: [branch('A'), branch('B')], End: true } } };
    await given().when(startCommand(fan, { blob: 'y'.repeat(140 * 1024) })).then(
      ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'PassStateEntered', 'PassStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionFailed'],
      (_events, state) => assert.equal(state.error, 'States.DataLimitExceeded'),
    );
  });
});

describe('AWS quotas: one year of execution time', () => {
  it('arms a one-year deadline for an execution without TimeoutSeconds; reaching it times out with States.Timeout', async () => {
    const definition = { StartAt: 'Forever', States: { Forever: { Type: 'Wait', Seconds: 99_999_999, End: true } } };
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'WaitStateEntered'], (_events, state) => {
      const deadline = pendingEffects(state).find((effect) => effect.kind === 'execution-timeout');
      assert.deepEqual(deadline, { kind: 'execution-timeout', at: '2024-12-31T00:00:00.000Z' });
    });
    await given(started.events).when({ type: 'TimeOutExecution' }, fixedEnv('2024-12-31T00:00:00.000Z')).then(['WaitStateAborted', 'ExecutionTimedOut'], (events, state) => {
      assert.equal(state.status, 'TIMED_OUT');
      assert.equal((events[1].executionTimedOutEventDetails as { error?: string }).error, 'States.Timeout');
    });
  });

  it('keeps a shorter TimeoutSeconds as the deadline (an early timer decides nothing; ExecutionTimedOut without an error, as before)', async () => {
    const definition = { TimeoutSeconds: 60, StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 600, End: true } } };
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'WaitStateEntered'], (_events, state) => {
      assert.deepEqual(pendingEffects(state).find((effect) => effect.kind === 'execution-timeout'), { kind: 'execution-timeout', at: '2024-01-01T00:01:00.000Z' });
    });
    await given(started.events).when({ type: 'TimeOutExecution' }, fixedEnv('2024-01-01T00:00:59.999Z')).then([]);
    await given(started.events).when({ type: 'TimeOutExecution' }, fixedEnv('2024-01-01T00:01:00.000Z')).then(['WaitStateAborted', 'ExecutionTimedOut'], (events) => {
      assert.deepEqual(events[1].executionTimedOutEventDetails, {});
    });
  });
});
