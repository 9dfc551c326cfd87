import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingEffects } from './effects';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

const lambda = 'arn:aws:states:::lambda:invoke';

/** Parallel: one branch waits, one runs a Map whose iterations are Tasks (one waiting for its retry). */
const nested = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      End: true,
      Branches: [
        { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 100, End: true } } },
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              End: true,
              ItemProcessor: {
                StartAt: 'Work',
                States: { Work: { Type: 'Task', Resource: lambda, Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 50 }], End: true } },
              },
            },
          },
        },
      ],
    },
  },
};

describe('StopExecution and execution timeouts abort every running state, as AWS writes it', () => {
  it('writes the *StateAborted events of nested branches and iterations, innermost first, then ExecutionAborted', async () => {
    let history = await given().when(startCommand(nested, [1, 2])).then([
      'ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted',
      'WaitStateEntered',
      'MapStateEntered', 'MapStateStarted',
      'MapIterationStarted', 'MapIterationStarted',
      'TaskStateEntered', 'TaskScheduled', 'TaskStateEntered', 'TaskScheduled',
    ]);
    // iteration 1 fails once and waits for its retry backoff
    const secondToken = Object.values(history.state.threads).find((thread) => thread.cursor?.token && thread.index === 1)!.cursor!.token!;
    history = await given(history.events).when({ type: 'FailTask', token: secondToken, error: 'Boom', cause: 'once' }).then(['TaskStarted', 'TaskFailed']);

    const stopped = await given(history.events).when({ type: 'StopExecution', error: 'Operator', cause: 'stop now', actor: 'tester' }).then(
      [
        'WaitStateAborted',
        'TaskStateAborted', 'MapIterationAborted',
        'TaskStateAborted', 'MapIterationAborted',
        'MapStateAborted',
        'ParallelStateAborted',
        'ExecutionAborted',
      ],
      (events, state) => {
        assert.equal(state.status, 'ABORTED');
        assert.deepEqual(pendingEffects(state), [], 'no timer or task is left to run');
        const aborted = events[events.length - 1];
        assert.deepEqual(aborted.executionAbortedEventDetails, { error: 'Operator', cause: 'stop now' });
        // The Wait's abort is kept hidden (EngineBehaviour.StoppedWaitUnrecorded): the history AWS shows goes on without it.
        const shown = events.filter((event) => event.id > 0);
        assert.equal(events[0].type, 'WaitStateAborted');
        assert.ok(events[0].id < 0, "the stopped Wait's abort is not in the history");
        assert.deepEqual(shown.map((event) => event.id), shown.map((_, index) => history.events.length + index + 1), 'ids stay consecutive');
        assert.ok(shown.every((event) => (event.previousEventId ?? 0) >= 0), 'no shown event links to a hidden one');
      },
    );

    // What arrives after the stop decides nothing: the Wait's timer, the retry's timer, a task completion.
    const waitEntered = history.events.find((event) => event.type === 'WaitStateEntered')!;
    await given(stopped.events).when({ type: 'FireTimer', threadId: waitEntered.x.th, enteredEventId: waitEntered.id }, fixedEnv('2024-01-01T00:10:00.000Z')).then([]);
    const firstToken = history.events.filter((event) => event.type === 'TaskScheduled').map((event) => event.x.token!).find((token) => token !== secondToken)!;
    await given(stopped.events).when({ type: 'CompleteTask', token: firstToken, output: '{}' }).then([]);
    await given(stopped.events).when({ type: 'StopExecution' }).then([]);
    await given(stopped.events).when({ type: 'TimeOutExecution' }).then([]);
  });

  it('writes no WaitStateAborted for a Wait stopped with its execution, as AWS records it', async () => {
    // LocalStack's AWS-validated snapshot test_sfn_api::test_stop_execution (2024-05-06):
    // ExecutionStarted, WaitStateEntered, ExecutionAborted.
    const definition = { StartAt: 'State_1', States: { State_1: { Type: 'Wait', Seconds: 60, End: true } } };
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'WaitStateEntered']);
    await given(started.events).when({ type: 'StopExecution' }).then(['WaitStateAborted', 'ExecutionAborted'], (events, state) => {
      assert.equal(state.status, 'ABORTED');
      const [waitAborted, executionAborted] = events;
      assert.ok(waitAborted.id < 0, 'kept for the fold, left out of the history');
      assert.equal(executionAborted.id, 3);
      assert.equal(executionAborted.previousEventId, 2);
      assert.deepEqual(pendingEffects(state), []);
    });
  });

  it('times out with the same aborted states, then ExecutionTimedOut', async () => {
    const definition = { TimeoutSeconds: 5, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, End: true } } };
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled'], (_events, state) => {
      assert.deepEqual(pendingEffects(state).find((effect) => effect.kind === 'execution-timeout'), { kind: 'execution-timeout', at: '2024-01-01T00:00:05.000Z' });
    });
    await given(started.events).when({ type: 'TimeOutExecution' }, fixedEnv('2024-01-01T00:00:05.000Z')).then(['TaskStateAborted', 'ExecutionTimedOut'], (_events, state) => {
      assert.equal(state.status, 'TIMED_OUT');
    });
  });

  it('aborts a Parallel waiting for its retry (no branches running) with ParallelStateAborted only', async () => {
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          End: true,
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 30 }],
          Branches: [{ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'E' } } }],
        },
      },
    };
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed']);
    await given(started.events).when({ type: 'StopExecution' }).then(['ParallelStateAborted', 'ExecutionAborted']);
  });
});
