import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { EngineBehaviour } from './behaviour';
import { decideAndEvolve } from './decide';
import type { ExecutionCommand } from './commands';
import { redrivabilityOf } from './redrive';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

const lambda = 'arn:aws:states:::lambda:invoke';

function openTokens(state: ExecutionState): Array<{ threadId: string; index: number; token: string; name: string }> {
  return Object.values(state.threads)
    .filter((thread) => thread.cursor?.phase === 'task' && thread.cursor.token)
    .map((thread) => ({ threadId: thread.id, index: thread.index, token: thread.cursor!.token!, name: thread.cursor!.name }));
}

function entered(events: readonly ExecutionEvent[]): string[] {
  return events.filter((event) => event.type.endsWith('StateEntered')).map((event) => (event.stateEnteredEventDetails as { name: string }).name);
}

describe('RedriveExecution resumes a closed execution from its unsuccessful states', () => {
  it('re-enters the failed Task with its input (not the states before it), counts the redrive, and can succeed', async () => {
    const definition = {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { ready: true }, Next: 'Work' },
        Work: { Type: 'Task', Resource: lambda, Parameters: { 'redrives.$': '$$.Execution.RedriveCount' }, End: true },
      },
    };
    let run = await given().when(startCommand(definition)).then(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'TaskStateEntered', 'TaskScheduled']);
    run = await given(run.events).when({ type: 'FailTask', token: openTokens(run.state)[0].token, error: 'Boom', cause: 'down' }).then(['TaskStarted', 'TaskFailed', 'ExecutionFailed']);
    assert.deepEqual(redrivabilityOf(run.state, fixedEnv().now), { redriveStatus: 'REDRIVABLE' });

    run = await given(run.events).when({ type: 'RedriveExecution', clientToken: 'once' }).then(['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled'], (events, state) => {
      const [redriven, reentered, scheduled] = events;
      assert.deepEqual(redriven.executionRedrivenEventDetails, { redriveCount: 1 });
      assert.deepEqual([redriven.id, redriven.previousEventId], [9, 8]);
      assert.equal(reentered.previousEventId, redriven.id);
      assert.deepEqual(JSON.parse((reentered.stateEnteredEventDetails as { input: string }).input), { ready: true });
      assert.deepEqual(JSON.parse((scheduled.taskScheduledEventDetails as { parameters: string }).parameters), { redrives: 1 });
      assert.equal(state.status, 'RUNNING');
      assert.equal(state.redriveClientToken, 'once');
      assert.equal(redrivabilityOf(state, fixedEnv().now).reason, 'Execution is RUNNING and cannot be redriven.');
    });
    await given(run.events).when({ type: 'CompleteTask', token: openTokens(run.state)[0].token, output: '"ok"' }).then(
      ['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
      (_events, state) => {
        assert.equal(state.output, '"ok"');
        assert.equal(redrivabilityOf(state, fixedEnv().now).reason, 'Execution is SUCCEEDED and cannot be redriven.');
      },
    );
    // A succeeded execution decides nothing on redrive.
    const succeeded = await given(run.events).when({ type: 'CompleteTask', token: openTokens(run.state)[0].token, output: '"ok"' }).then(['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    await given(succeeded.events).when({ type: 'RedriveExecution' }).then([]);
  });

  it('shows $$.Execution.RedriveTime once redriven ("only available if you\'ve redriven an execution", Context object page)', async () => {
    const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, Parameters: { 'execution.$': '$$.Execution' }, End: true } } };
    const parametersOf = (events: readonly ExecutionEvent[]) =>
      JSON.parse((events.find((event) => event.type === 'TaskScheduled')!.taskScheduledEventDetails as { parameters: string }).parameters).execution;
    let run = await given().when(startCommand(definition)).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled'], (events) => {
      assert.equal('RedriveTime' in parametersOf(events), false);
    });
    run = await given(run.events).when({ type: 'FailTask', token: openTokens(run.state)[0].token, error: 'Boom' }).then(['TaskStarted', 'TaskFailed', 'ExecutionFailed']);
    const redriveAt = fixedEnv('2024-01-02T03:04:05.678Z');
    await given(run.events).when({ type: 'RedriveExecution' }, redriveAt).then(['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled'], (events) => {
      assert.deepEqual(parametersOf(events), { ...parametersOf(run.events), RedriveCount: 1, RedriveTime: '2024-01-02T03:04:05.678Z' });
    });
    // An execution started before behaviour 16 (RedriveTimeInContext) keeps the context it had.
    const older = run.events.map((event) =>
      event.type === 'ExecutionStarted' ? ({ ...event, x: { ...event.x, start: { ...event.x!.start!, behaviour: EngineBehaviour.StoppedWaitUnrecorded } } } as ExecutionEvent) : event,
    );
    await given(older).when({ type: 'RedriveExecution' }, redriveAt).then(['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled'], (events) => {
      assert.equal('RedriveTime' in parametersOf(events), false);
    });
  });

  it('redrives only the failed and aborted Parallel branches; the succeeded branch keeps its result', async () => {
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Quick', States: { Quick: { Type: 'Pass', Result: 'quick', End: true } } },
            { StartAt: 'Flaky', States: { Flaky: { Type: 'Task', Resource: lambda, End: true } } },
            { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 100, Next: 'SlowDone' }, SlowDone: { Type: 'Pass', Result: 'slow', End: true } } },
          ],
        },
      },
    };
    let run = await given().when(startCommand(definition)).then([
      'ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted',
      'PassStateEntered', 'PassStateExited', 'TaskStateEntered', 'TaskScheduled', 'WaitStateEntered',
    ]);
    run = await given(run.events).when({ type: 'FailTask', token: openTokens(run.state)[0].token, error: 'Boom', cause: 'once' }).then(
      ['TaskStarted', 'TaskFailed', 'TaskStateAborted', 'WaitStateAborted', 'ParallelStateFailed', 'ExecutionFailed'],
    );
    run = await given(run.events).when({ type: 'RedriveExecution' }).then(['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled', 'WaitStateEntered'], (events) => {
      assert.deepEqual(entered(events), ['Flaky', 'Slow'], 'Quick is not run again');
    });
    run = await given(run.events).when({ type: 'CompleteTask', token: openTokens(run.state)[0].token, output: '"flaky"' }).then(['TaskStarted', 'TaskSucceeded', 'TaskStateExited']);
    const wait = run.events.filter((event) => event.type === 'WaitStateEntered').at(-1)!;
    await given(run.events).when({ type: 'FireTimer', threadId: wait.x.th, enteredEventId: wait.id }, fixedEnv('2024-01-01T00:05:00.000Z')).then(
      ['WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ParallelStateExited', 'ExecutionSucceeded'],
      (_events, state) => assert.deepEqual(JSON.parse(state.output!), ['quick', 'flaky', 'slow']),
    );
  });

  it('redrives only the unsuccessful Map iterations and keeps the results of the others', async () => {
    const definition = { StartAt: 'Each', States: { Each: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, End: true } } } } } };
    let run = await given().when(startCommand(definition, ['a', 'b', 'c'])).then([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'MapIterationStarted', 'MapIterationStarted',
      'TaskStateEntered', 'TaskScheduled', 'TaskStateEntered', 'TaskScheduled', 'TaskStateEntered', 'TaskScheduled',
    ]);
    const [first, second, third] = openTokens(run.state).sort((a, b) => a.index - b.index);
    run = await given(run.events).when({ type: 'CompleteTask', token: first.token, output: '"A"' }).then(['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'MapIterationSucceeded']);
    run = await given(run.events).when({ type: 'FailTask', token: second.token, error: 'Boom', cause: 'b failed' }).then(
      ['TaskStarted', 'TaskFailed', 'TaskStateAborted', 'TaskStateAborted', 'MapIterationAborted', 'MapIterationFailed', 'MapStateFailed', 'ExecutionFailed'],
    );
    void third;
    run = await given(run.events).when({ type: 'RedriveExecution' }).then(['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled', 'TaskStateEntered', 'TaskScheduled'], (events) => {
      assert.deepEqual(events.filter((event) => event.type === 'TaskStateEntered').map((event) => JSON.parse((event.stateEnteredEventDetails as { input: string }).input)), ['b', 'c']);
    });
    for (const open of openTokens(run.state).sort((a, b) => a.index - b.index)) {
      run = await given(run.events).when({ type: 'CompleteTask', token: open.token, output: JSON.stringify(open.index === 1 ? 'B' : 'C') }).then(
        open.index === 1 ? ['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'MapIterationSucceeded'] : ['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'MapIterationSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'],
      );
    }
    assert.deepEqual(JSON.parse(run.state.output!), ['A', 'B', 'C']);
  });

  it('redrives an aborted execution from its Wait, and a timed-out one from its Task, with a fresh deadline', async () => {
    const waiting = { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 100, End: true } } };
    let run = await given().when(startCommand(waiting)).then(['ExecutionStarted', 'WaitStateEntered']);
    run = await given(run.events).when({ type: 'StopExecution' }).then(['WaitStateAborted', 'ExecutionAborted']);
    run = await given(run.events).when({ type: 'RedriveExecution' }).then(['ExecutionRedriven', 'WaitStateEntered']);
    run = await given(run.events).when({ type: 'StopExecution' }).then(['WaitStateAborted', 'ExecutionAborted']);
    await given(run.events).when({ type: 'RedriveExecution' }).then(['ExecutionRedriven', 'WaitStateEntered'], (events, state) => {
      assert.deepEqual(events[0].executionRedrivenEventDetails, { redriveCount: 2 });
      assert.equal(state.start?.redriveCount, 2);
    });

    const timed = { TimeoutSeconds: 10, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, End: true } } };
    run = await given().when(startCommand(timed)).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled']);
    run = await given(run.events).when({ type: 'TimeOutExecution' }, fixedEnv('2024-01-01T00:00:10.000Z')).then(['TaskStateAborted', 'ExecutionTimedOut']);
    await given(run.events).when({ type: 'RedriveExecution' }, fixedEnv('2024-01-02T00:00:00.000Z')).then(['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled'], (_events, state) => {
      assert.equal(state.start?.timeoutAt, '2024-01-02T00:00:10.000Z', 'TimeoutSeconds counts again from the redrive');
    });
  });

  it('is not redrivable 14 days after the execution closed (AWS redriveStatusReason)', async () => {
    const failing = { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'E' } } };
    const run = await given().when(startCommand(failing)).then(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
    const later = fixedEnv('2024-01-15T00:00:00.001Z');
    assert.deepEqual(redrivabilityOf(run.state, later.now), { redriveStatus: 'NOT_REDRIVABLE', reason: 'Execution redrivable period exceeded.' });
    await given(run.events).when({ type: 'RedriveExecution' }, later).then([]);
    // Within the period, a Fail state is entered again (and fails again).
    await given(run.events).when({ type: 'RedriveExecution' }, fixedEnv('2024-01-14T23:59:59.000Z')).then(['ExecutionRedriven', 'FailStateEntered', 'ExecutionFailed']);
  });
});

describe('RedriveExecution and Map tolerated failures', () => {
  it('runs again the iterations that failed within the tolerance, besides the one that exceeded it', async () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: { Type: 'Map', ToleratedFailureCount: 1, End: true, ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, End: true } } } },
      },
    };
    let run = await given().when(startCommand(definition, ['a', 'b', 'c'])).then([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'MapIterationStarted', 'MapIterationStarted',
      'TaskStateEntered', 'TaskScheduled', 'TaskStateEntered', 'TaskScheduled', 'TaskStateEntered', 'TaskScheduled',
    ]);
    const [first, second, third] = openTokens(run.state).sort((a, b) => a.index - b.index);
    run = await given(run.events).when({ type: 'FailTask', token: first.token, error: 'Boom', cause: 'tolerated' }).then(['TaskStarted', 'TaskFailed', 'TaskStateAborted', 'MapIterationFailed']);
    run = await given(run.events).when({ type: 'CompleteTask', token: second.token, output: '"B"' }).then(['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'MapIterationSucceeded']);
    run = await given(run.events).when({ type: 'FailTask', token: third.token, error: 'Boom', cause: 'one too many' }).then(
      ['TaskStarted', 'TaskFailed', 'TaskStateAborted', 'MapIterationFailed', 'MapStateFailed', 'ExecutionFailed'],
      (_events, state) => assert.equal(state.error, 'States.ExceedToleratedFailureThreshold'),
    );
    run = await given(run.events).when({ type: 'RedriveExecution' }).then(
      ['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled', 'MapIterationStarted', 'TaskStateEntered', 'TaskScheduled'],
      (events) => {
        assert.deepEqual(events.filter((event) => event.type === 'TaskStateEntered').map((event) => JSON.parse((event.stateEnteredEventDetails as { input: string }).input)), ['c', 'a']);
      },
    );
    for (const open of openTokens(run.state).sort((a, b) => b.index - a.index)) {
      run = await given(run.events).when({ type: 'CompleteTask', token: open.token, output: JSON.stringify(`${open.index}!`) }).then(
        open.index === 0 ? ['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'MapIterationSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'] : ['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'MapIterationSucceeded'],
      );
    }
    assert.deepEqual(JSON.parse(run.state.output!), ['0!', 'B', '2!']);
  });
});

describe('RedriveExecution of an inline Map respects its MaxConcurrency (AWS: only the unsuccessful iterations run again)', () => {
  const definition = {
    StartAt: 'Each',
    States: {
      Each: { Type: 'Map', MaxConcurrency: 1, ToleratedFailureCount: 2, End: true, ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, End: true } } } },
    },
  };
  const startedIndices = (events: readonly ExecutionEvent[]) => events.filter((event) => event.type === 'MapIterationStarted').map((event) => (event.mapIterationStartedEventDetails as { index: number }).index);

  /** Iterations 0, 1 and 2 fail one after the other (MaxConcurrency 1): the third exceeds the tolerance of two; item 3 never starts. */
  async function failedRun(behaviour?: number) {
    const start = { ...startCommand(definition, ['a', 'b', 'c', 'd']), ...(behaviour !== undefined ? { behaviour } : {}) } as ExecutionCommand;
    let run = await given().when(start).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'TaskStateEntered', 'TaskScheduled']);
    for (const cause of ['tolerated', 'tolerated too']) {
      run = await given(run.events).when({ type: 'FailTask', token: openTokens(run.state)[0].token, error: 'Boom', cause }).then(['TaskStarted', 'TaskFailed', 'TaskStateAborted', 'MapIterationFailed', 'MapIterationStarted', 'TaskStateEntered', 'TaskScheduled']);
    }
    return given(run.events).when({ type: 'FailTask', token: openTokens(run.state)[0].token, error: 'Boom', cause: 'one too many' }).then(['TaskStarted', 'TaskFailed', 'TaskStateAborted', 'MapIterationFailed', 'MapStateFailed', 'ExecutionFailed']);
  }

  it('starts the iterations that failed within the tolerance one at a time, after the one that failed the Map, then the item never started', async () => {
    let run = await failedRun();
    // The iteration that failed the Map resumes in its Task; the two tolerated failures wait for room.
    run = await given(run.events).when({ type: 'RedriveExecution' }).then(['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled'], (_events, state) => {
      assert.equal(openTokens(state).length, 1);
    });
    const order: number[] = [];
    while (run.state.status === 'RUNNING') {
      const open = openTokens(run.state);
      assert.equal(open.length, 1, 'never more than MaxConcurrency iterations at once');
      order.push(open[0].index);
      const decided = await decideAndEvolve(run.state, { type: 'CompleteTask', token: open[0].token, output: JSON.stringify(`${open[0].index}!`) }, fixedEnv());
      run = { events: [...run.events, ...decided.events], state: decided.state };
    }
    assert.deepEqual(order, [2, 0, 1, 3]);
    assert.equal(run.state.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(run.state.output!), ['0!', '1!', '2!', '3!']);
  });

  it('restarts them all at once in a stream written before InlineMapRedriveConcurrency', async () => {
    const run = await failedRun(EngineBehaviour.QuotaFailuresKept);
    const { events, state } = await decideAndEvolve(run.state, { type: 'RedriveExecution' }, fixedEnv());
    assert.deepEqual(startedIndices(events), [0, 1]);
    assert.equal(openTokens(state).length, 3);
  });
});

