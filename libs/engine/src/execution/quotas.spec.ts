import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_HISTORY_EVENTS, decideAndEvolve } from './decide';
import { MAX_EVENTS_PER_DECISION } from './decision';
import { pendingEffects } from './effects';
import { evolve } from './evolve';
import { type ExecutionState, initialExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { EngineBehaviour } from './behaviour';
import type { ExecutionCommand } from './commands';
import { mapRunChildOf } from './map-run-child';
import { redrivabilityOf } from './redrive';
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

describe('AWS quotas: a Distributed Map child has a history of its own', () => {
  /** Child 0 spins in a loop of pure states forever; child 1 passes. One failure is tolerated. */
  const spinning = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ToleratedFailureCount: 1,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Loop',
          States: {
            Loop: { Type: 'Choice', Choices: [{ Variable: '$.spin', BooleanEquals: true, Next: 'Again' }], Default: 'Done' },
            Again: { Type: 'Pass', Next: 'Loop' },
            Done: { Type: 'Succeed' },
          },
        },
        End: true,
      },
    },
  };

  async function drive(behaviour: number | undefined, maxDecisions: number) {
    const start = { ...startCommand(spinning, [{ spin: true }, { spin: false }]), ...(behaviour !== undefined ? { behaviour } : {}) } as ExecutionCommand;
    let run = await decideAndEvolve(initialExecutionState, start, fixedEnv());
    const events: ExecutionEvent[] = [...run.events];
    let decisions = 1;
    while (run.state.status === 'RUNNING' && decisions < maxDecisions) {
      const next = pendingEffects(run.state).find((effect) => effect.kind === 'continue-thread');
      assert.ok(next && next.kind === 'continue-thread', 'a stopped decision asks to go on');
      run = await decideAndEvolve(run.state, { type: 'ContinueThread', threadId: next.threadId, after: next.after }, fixedEnv());
      events.push(...run.events);
      decisions += 1;
    }
    return { events, state: run.state };
  }

  it('fails a child at 25,000 events of its own with States.Runtime; its Map Run goes on within the tolerance', async () => {
    const { events, state } = await drive(undefined, 100);
    assert.equal(state.status, 'SUCCEEDED');
    const failed = events.find((event) => event.type === 'MapIterationFailed')!;
    assert.deepEqual([(failed.mapIterationFailedEventDetails as { index: number }).index, failed.x.error, failed.x.cause], [0, HISTORY_LIMIT.error, HISTORY_LIMIT.cause]);
    const mapRunArn = (events.find((event) => event.type === 'MapRunStarted')!.mapRunStartedEventDetails as { mapRunArn: string }).mapRunArn;
    const child = mapRunChildOf(events, mapRunArn, 0)!;
    assert.equal(child.events.length, MAX_HISTORY_EVENTS, 'the child\'s own history is full');
    const last = child.events.at(-1)!;
    assert.deepEqual([last.type, last.id], ['ExecutionFailed', MAX_HISTORY_EVENTS]);
    assert.deepEqual(last.executionFailedEventDetails, HISTORY_LIMIT);
    assert.equal(state.lastEventId < 20, true, 'the parent\'s own history stays short');
    assert.equal(events.reduce(evolve, initialExecutionState).status, 'SUCCEEDED', 'the stream folds to the same end');
  });

  it('lets the child spin on in a stream written before ChildHistoryQuota', async () => {
    const { events, state } = await drive(EngineBehaviour.MapRedriveConcurrency, 40);
    assert.equal(state.status, 'RUNNING');
    assert.ok(events.filter((event) => event.x.th.endsWith('.0')).length > MAX_HISTORY_EVENTS);
    assert.equal(events.some((event) => event.type === 'MapIterationFailed'), false);
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

describe('AWS quotas: five minutes of execution time for EXPRESS (Developer Guide, Step Functions service quotas)', () => {
  const express = (definition: unknown) => ({ ...startCommand(definition), executionType: 'EXPRESS' as const });

  it('arms a five-minute deadline for an EXPRESS execution; reaching it times out with States.Timeout', async () => {
    const definition = { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 400, End: true } } };
    const started = await given().when(express(definition)).then(['ExecutionStarted', 'WaitStateEntered'], (_events, state) => {
      assert.deepEqual(pendingEffects(state).find((effect) => effect.kind === 'execution-timeout'), { kind: 'execution-timeout', at: '2024-01-01T00:05:00.000Z' });
    });
    await given(started.events).when({ type: 'TimeOutExecution' }, fixedEnv('2024-01-01T00:05:00.000Z')).then(['WaitStateAborted', 'ExecutionTimedOut'], (events, state) => {
      assert.equal(state.status, 'TIMED_OUT');
      assert.deepEqual(events[1].executionTimedOutEventDetails, { error: 'States.Timeout', cause: 'The execution reached the maximum execution time of five minutes.' });
    });
  });

  it('caps a longer TimeoutSeconds at five minutes, and keeps a shorter one', async () => {
    const deadlineOf = async (timeoutSeconds: number) => {
      const definition = { TimeoutSeconds: timeoutSeconds, StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 9_999, End: true } } };
      const { state } = await given().when(express(definition)).then(['ExecutionStarted', 'WaitStateEntered']);
      return pendingEffects(state).find((effect) => effect.kind === 'execution-timeout');
    };
    assert.deepEqual(await deadlineOf(3_600), { kind: 'execution-timeout', at: '2024-01-01T00:05:00.000Z' });
    assert.deepEqual(await deadlineOf(60), { kind: 'execution-timeout', at: '2024-01-01T00:01:00.000Z' });
  });
});

describe('AWS "Redriving Map Runs": a child that failed on its own history quota is not redriven', () => {
  /** Child 0 spins until its quota; child 1 fails; child 2 succeeds (the driver below lets child 0 go first). */
  const mixed = (toleratedFailureCount?: number) => ({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ...(toleratedFailureCount !== undefined ? { ToleratedFailureCount: toleratedFailureCount } : {}),
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Loop',
          States: {
            Loop: {
              Type: 'Choice',
              Choices: [
                { Variable: '$.spin', BooleanEquals: true, Next: 'Again' },
                { Variable: '$.fail', BooleanEquals: true, Next: 'Broken' },
              ],
              Default: 'Done',
            },
            Again: { Type: 'Pass', Next: 'Loop' },
            Broken: { Type: 'Fail', Error: 'Broken', Cause: 'item' },
            Done: { Type: 'Succeed' },
          },
        },
        End: true,
      },
    },
  });

  async function runToEnd(definition: object, items: unknown[], behaviour?: number) {
    const start = { ...startCommand(definition, items), ...(behaviour !== undefined ? { behaviour } : {}) } as ExecutionCommand;
    let run = await decideAndEvolve(initialExecutionState, start, fixedEnv());
    const events: ExecutionEvent[] = [...run.events];
    for (let decisions = 1; run.state.status === 'RUNNING' && decisions < 100; decisions++) {
      const next = pendingEffects(run.state).find((effect) => effect.kind === 'continue-thread');
      assert.ok(next && next.kind === 'continue-thread', 'a stopped decision asks to go on');
      run = await decideAndEvolve(run.state, { type: 'ContinueThread', threadId: next.threadId, after: next.after }, fixedEnv());
      events.push(...run.events);
    }
    return { events, state: run.state };
  }

  const indexOf = (event: ExecutionEvent) =>
    ((event.mapIterationStartedEventDetails ?? event.mapIterationFailedEventDetails) as { index: number }).index;
  const started = (events: readonly ExecutionEvent[]) => events.filter((event) => event.type === 'MapIterationStarted').map(indexOf);

  it('marks the quota failure as not redrivable; a redrive of the parent restarts the other failed child only', async () => {
    const { events, state } = await runToEnd(mixed(1), [{ spin: true, fail: false }, { spin: false, fail: true }, { spin: false, fail: false }]);
    assert.equal(state.status, 'FAILED');
    const quotaFailure = events.find((event) => event.type === 'MapIterationFailed' && indexOf(event) === 0)!;
    assert.equal(quotaFailure.x.cause, HISTORY_LIMIT.cause);
    assert.equal(quotaFailure.x.notRedrivable, true);
    assert.equal(events.find((event) => event.type === 'MapIterationFailed' && indexOf(event) === 1)!.x.notRedrivable, undefined);

    const redriven = await decideAndEvolve(state, { type: 'RedriveExecution' }, fixedEnv());
    const types = redriven.events.map((event) => event.type);
    assert.deepEqual(types.slice(0, 2), ['ExecutionRedriven', 'MapRunRedriven']);
    // Child 0 failed on its quota first (tolerated), then child 1's failure failed the run and aborted child 2.
    assert.deepEqual(started(redriven.events).sort(), [1, 2], 'children 1 and 2 run again, child 0 does not');
    assert.equal(redriven.events.some((event) => event.x.th.includes('.0/') || event.x.th.endsWith('.0')), false, 'nothing of child 0 runs');
    // Child 1 fails again: with child 0's failure kept, the tolerance of one is exceeded again.
    assert.equal(redriven.state.status, 'FAILED');
    assert.ok(types.includes('MapRunFailed'));
    const all = [...events, ...redriven.events];
    assert.deepEqual(all.reduce(evolve, initialExecutionState).status, 'FAILED', 'the stream folds to the same end');
  });

  it('fails the redriven Map Run at once when the kept quota failures alone exceed its tolerance', async () => {
    const { events, state } = await runToEnd(mixed(), [{ spin: true, fail: false }, { spin: false, fail: false }]);
    assert.equal(state.status, 'FAILED');
    const redriven = await decideAndEvolve(state, { type: 'RedriveExecution' }, fixedEnv());
    assert.deepEqual(started(redriven.events), []);
    assert.deepEqual(redriven.events.map((event) => event.type), ['ExecutionRedriven', 'MapRunRedriven', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    assert.deepEqual(redriven.events.at(-1)!.executionFailedEventDetails, HISTORY_LIMIT);
    assert.equal([...events, ...redriven.events].reduce(evolve, initialExecutionState).status, 'FAILED');
  });

  it('forgets a quota failure once its Map is retried: the new Map Run\'s child of the same index is redriven', async () => {
    const retried = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemSelector: { 'attempt.$': '$$.State.RetryCount' },
          ToleratedFailureCount: 0,
          Retry: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], MaxAttempts: 1, IntervalSeconds: 1 }],
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Loop',
            States: {
              Loop: { Type: 'Choice', Choices: [{ Variable: '$.attempt', NumericEquals: 0, Next: 'Again' }], Default: 'Broken' },
              Again: { Type: 'Pass', Next: 'Loop' },
              Broken: { Type: 'Fail', Error: 'Broken', Cause: 'second attempt' },
            },
          },
          End: true,
        },
      },
    };
    let run = await decideAndEvolve(initialExecutionState, startCommand(retried, [1]), fixedEnv());
    const events: ExecutionEvent[] = [...run.events];
    for (let decisions = 0; run.state.status === 'RUNNING' && decisions < 100; decisions++) {
      const next = pendingEffects(run.state).find((effect) => effect.kind === 'continue-thread' || effect.kind === 'timer');
      assert.ok(next, 'something to go on with');
      const command: ExecutionCommand = next.kind === 'continue-thread' ? { type: 'ContinueThread', threadId: next.threadId, after: next.after } : { type: 'FireTimer', threadId: (next as { threadId: string }).threadId, enteredEventId: (next as { enteredEventId: number }).enteredEventId };
      run = await decideAndEvolve(run.state, command, fixedEnv('2024-01-01T00:10:00.000Z'));
      events.push(...run.events);
    }
    assert.equal(run.state.status, 'FAILED');
    assert.deepEqual(events.filter((event) => event.type === 'MapRunStarted').length, 2, 'the Map was retried once');
    assert.deepEqual(events.filter((event) => event.type === 'MapIterationFailed').map((event) => event.x.cause), [HISTORY_LIMIT.cause, 'second attempt']);
    const redriven = await decideAndEvolve(run.state, { type: 'RedriveExecution' }, fixedEnv('2024-01-01T00:20:00.000Z'));
    assert.ok(redriven.events.some((event) => event.type === 'FailStateEntered'), 'child 0 of the second Map Run runs again');
  });

  it('still restarts the quota child in a stream written before QuotaFailuresKept', async () => {
    const { state } = await runToEnd(mixed(1), [{ spin: true, fail: false }, { spin: false, fail: true }, { spin: false, fail: false }], EngineBehaviour.ChildHistoryQuota);
    assert.equal(state.status, 'FAILED');
    const redriven = await decideAndEvolve(state, { type: 'RedriveExecution' }, fixedEnv());
    assert.ok(redriven.events.some((event) => event.x.th.endsWith('.0') && event.type !== 'MapIterationStarted'), 'child 0 resumes where it stopped');
  });

  it('a top-level execution that failed on the quota is not redrivable (AWS: "Execution history event limit exceeded.")', async () => {
    const spin = { StartAt: 'Loop', States: { Loop: { Type: 'Choice', Choices: [{ Variable: '$.spin', BooleanEquals: true, Next: 'Again' }], Default: 'Done' }, Again: { Type: 'Pass', Next: 'Loop' }, Done: { Type: 'Succeed' } } };
    const { state } = await runToEnd(spin, { spin: true } as unknown as unknown[]);
    assert.equal(state.status, 'FAILED');
    assert.deepEqual(redrivabilityOf(state, fixedEnv().now), { redriveStatus: 'NOT_REDRIVABLE', reason: 'Execution history event limit exceeded.' });
    assert.deepEqual((await decideAndEvolve(state, { type: 'RedriveExecution' }, fixedEnv())).events, []);
  });
});
