import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineBehaviour } from './behaviour';
import { type ExecutionEvent, isHistoryEvent } from './history-event';
import { given, startCommand } from './testing/decider-specification';

const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:work';
/** A Distributed Map whose children wait on an activity: the spec ends them one by one. */
const mapOf = (limits: Record<string, unknown>) => ({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      Label: 'Each',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: ACTIVITY, End: true } },
      },
      ...limits,
      End: true,
    },
  },
});
const MAP_RUN_ARN = 'arn:aws:states:us-east-1:123456789012:mapRun:spec/Each:00000000-0000-4000-8000-000000000001';

async function started(limits: Record<string, unknown>, items: unknown[], children: number) {
  const iterations = Array.from({ length: children }, () => 'MapIterationStarted');
  const entered = Array.from({ length: children }, () => ['TaskStateEntered', 'ActivityScheduled']).flat();
  return given().when(startCommand(mapOf(limits), items)).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapItemsRecorded', 'MapRunStarted', ...iterations, ...entered]);
}

/** The token of the open activity task of the Map's child `index`. */
function tokenOf(state: Awaited<ReturnType<typeof started>>['state'], index: number): string {
  const thread = Object.values(state.threads).find((candidate) => candidate.parentId === '0' && candidate.index === index && candidate.cursor?.token);
  return thread!.cursor!.token!;
}

describe('decide: UpdateMapRun on a running Distributed Map', () => {
  it('records MapRunUpdated out of history and starts the children a higher maxConcurrency allows', async () => {
    const run = await started({ MaxConcurrency: 1 }, [1, 2, 3], 1);
    const updated = await given(run.events)
      .when({ type: 'UpdateMapRun', mapRunArn: MAP_RUN_ARN, maxConcurrency: 3, actor: 'AKID' })
      .then(['MapRunUpdated', 'MapIterationStarted', 'MapIterationStarted', 'TaskStateEntered', 'ActivityScheduled', 'TaskStateEntered', 'ActivityScheduled'], (events, state) => {
        const [update] = events;
        assert.equal(isHistoryEvent(update), false);
        assert.ok(update.id < 0, 'numbered apart, as hidden events are');
        assert.deepEqual([update.x.mapRunArn, update.x.maxConcurrency, update.x.actor], [MAP_RUN_ARN, 3, 'AKID']);
        assert.equal(state.threads['0'].cursor?.children?.maxConcurrency, 3);
        assert.equal(state.lastEventId, 4, 'the history does not move');
      });
    // A replay folds the new limit: a lower one lets no new child start after the next success.
    const lowered = await given(updated.events).when({ type: 'UpdateMapRun', mapRunArn: MAP_RUN_ARN, maxConcurrency: 1 }).then(['MapRunUpdated']);
    assert.equal(lowered.state.threads['0'].cursor?.children?.maxConcurrency, 1);
  });

  it('fails the Map Run when the failures so far exceed a lowered tolerance', async () => {
    const run = await started({ ToleratedFailureCount: 1 }, [1, 2, 3], 3);
    const failedOne = await given(run.events).when({ type: 'FailTask', token: tokenOf(run.state, 0), error: 'Broken' }).then(['ActivityStarted', 'ActivityFailed', 'TaskStateAborted', 'MapIterationFailed']);
    await given(failedOne.events)
      .when({ type: 'UpdateMapRun', mapRunArn: MAP_RUN_ARN, toleratedFailureCount: 0 })
      .then(
        ['MapRunUpdated', 'TaskStateAborted', 'MapIterationAborted', 'TaskStateAborted', 'MapIterationAborted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed'],
        (_events, state) => {
          assert.equal(state.error, 'States.ExceedToleratedFailureThreshold');
          assert.equal(state.cause, 'The specified tolerated failure threshold was exceeded');
        },
      );
  });

  it('decides nothing for a Map Run the execution is not running', async () => {
    const run = await started({ MaxConcurrency: 1 }, [1], 1);
    await given(run.events).when({ type: 'UpdateMapRun', mapRunArn: `${MAP_RUN_ARN}0`, maxConcurrency: 5 }).then([]);
  });
});

describe('decide: redriving a Distributed Map', () => {
  it('writes MapRunRedriven after ExecutionRedriven and starts the failed and aborted children again, each with MapIterationStarted', async () => {
    const run = await started({}, ['a', 'b', 'c'], 3);
    const succeeded = await given(run.events).when({ type: 'CompleteTask', token: tokenOf(run.state, 0), output: '"done"' }).then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded']);
    const failed = await given(succeeded.events)
      .when({ type: 'FailTask', token: tokenOf(succeeded.state, 1), error: 'Broken' })
      .then(['ActivityStarted', 'ActivityFailed', 'TaskStateAborted', 'TaskStateAborted', 'MapIterationAborted', 'MapIterationFailed', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    const redriven = await given(failed.events)
      .when({ type: 'RedriveExecution' })
      .then(['ExecutionRedriven', 'MapRunRedriven', 'MapIterationStarted', 'MapIterationStarted', 'TaskStateEntered', 'ActivityScheduled', 'TaskStateEntered', 'ActivityScheduled'], (events) => {
        const [execution, mapRun, first, second] = events;
        assert.equal(mapRun.previousEventId, execution.id);
        assert.deepEqual(mapRun.mapRunRedrivenEventDetails, { mapRunArn: MAP_RUN_ARN, redriveCount: 1 });
        assert.equal(isHistoryEvent(mapRun), true);
        assert.deepEqual(mapRun.x.redriveIndices, [1, 2], 'the failed child and the aborted one wait to be redriven');
        assert.deepEqual([first, second].map((event) => (event.mapIterationStartedEventDetails as { index: number }).index), [1, 2]);
        assert.equal(isHistoryEvent(first), false);
      });
    const again = await given(redriven.events).when({ type: 'CompleteTask', token: tokenOf(redriven.state, 1), output: '"b"' }).then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded']);
    await given(again.events)
      .when({ type: 'CompleteTask', token: tokenOf(again.state, 2), output: '"c"' })
      .then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'], (_events, state) => {
        assert.deepEqual(JSON.parse(state.output!), ['done', 'b', 'c']);
      });
  });

  it('starts the children waiting to be redriven no faster than MaxConcurrency, the stopped one first, then the items never started', async () => {
    const run = await started({ MaxConcurrency: 1, ToleratedFailureCount: 1 }, ['a', 'b', 'c'], 1);
    const failedA = await given(run.events).when({ type: 'FailTask', token: tokenOf(run.state, 0), error: 'Broken' })
      .then(['ActivityStarted', 'ActivityFailed', 'TaskStateAborted', 'MapIterationFailed', 'MapIterationStarted', 'TaskStateEntered', 'ActivityScheduled']);
    const failed = await given(failedA.events).when({ type: 'FailTask', token: tokenOf(failedA.state, 1), error: 'Broken' })
      .then(['ActivityStarted', 'ActivityFailed', 'TaskStateAborted', 'MapIterationFailed', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    const redriven = await given(failed.events)
      .when({ type: 'RedriveExecution' })
      .then(['ExecutionRedriven', 'MapRunRedriven', 'MapIterationStarted', 'TaskStateEntered', 'ActivityScheduled'], (events, state) => {
        assert.deepEqual(events[1].x.redriveIndices, [1, 0]);
        assert.equal((events[2].mapIterationStartedEventDetails as { index: number }).index, 1);
        const book = state.threads['0'].cursor!.children!;
        assert.deepEqual(book.redriveQueue, [0], 'a waits while b runs');
        assert.equal(book.running.length, 1);
        assert.equal(book.failed, 0);
      });
    const resumedB = await given(redriven.events).when({ type: 'CompleteTask', token: tokenOf(redriven.state, 1), output: '"B"' })
      .then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded', 'MapIterationStarted', 'TaskStateEntered', 'ActivityScheduled'], (events, state) => {
        assert.equal((events[4].mapIterationStartedEventDetails as { index: number }).index, 0);
        assert.deepEqual(state.threads['0'].cursor!.children!.redriveQueue, []);
      });
    const restartedA = await given(resumedB.events).when({ type: 'CompleteTask', token: tokenOf(resumedB.state, 0), output: '"A"' })
      .then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded', 'MapIterationStarted', 'TaskStateEntered', 'ActivityScheduled'], (events) => {
        assert.equal((events[4].mapIterationStartedEventDetails as { index: number }).index, 2, 'then the item never started');
      });
    await given(restartedA.events)
      .when({ type: 'CompleteTask', token: tokenOf(restartedA.state, 2), output: '"C"' })
      .then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'], (_events, state) => {
        assert.deepEqual(JSON.parse(state.output!), ['A', 'B', 'C']);
      });
  });

  it('restarts every unsuccessful child at once in a stream written before MapRedriveConcurrency', async () => {
    const old = (events: readonly ExecutionEvent[]) =>
      events.map((event, index) => (index === 0 ? ({ ...event, x: { ...event.x, start: { ...event.x.start!, behaviour: EngineBehaviour.WaitRangeChecked } } } as ExecutionEvent) : event));
    const run = await started({ MaxConcurrency: 1, ToleratedFailureCount: 1 }, ['a', 'b', 'c'], 1);
    const failedA = await given(old(run.events)).when({ type: 'FailTask', token: tokenOf(run.state, 0), error: 'Broken' })
      .then(['ActivityStarted', 'ActivityFailed', 'TaskStateAborted', 'MapIterationFailed', 'MapIterationStarted', 'TaskStateEntered', 'ActivityScheduled']);
    const failed = await given(failedA.events).when({ type: 'FailTask', token: tokenOf(failedA.state, 1), error: 'Broken' })
      .then(['ActivityStarted', 'ActivityFailed', 'TaskStateAborted', 'MapIterationFailed', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    await given(failed.events)
      .when({ type: 'RedriveExecution' })
      .then(['ExecutionRedriven', 'MapRunRedriven', 'TaskStateEntered', 'ActivityScheduled', 'MapIterationStarted', 'TaskStateEntered', 'ActivityScheduled'], (events) => {
        assert.equal(events[1].x.redriveIndices, undefined);
      });
  });
});
