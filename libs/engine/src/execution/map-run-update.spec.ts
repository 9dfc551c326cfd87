import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHistoryEvent } from './history-event';
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
  it('writes MapRunRedriven after ExecutionRedriven and runs the failed and aborted children again', async () => {
    const run = await started({}, ['a', 'b', 'c'], 3);
    const succeeded = await given(run.events).when({ type: 'CompleteTask', token: tokenOf(run.state, 0), output: '"done"' }).then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded']);
    const failed = await given(succeeded.events)
      .when({ type: 'FailTask', token: tokenOf(succeeded.state, 1), error: 'Broken' })
      .then(['ActivityStarted', 'ActivityFailed', 'TaskStateAborted', 'TaskStateAborted', 'MapIterationAborted', 'MapIterationFailed', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    const redriven = await given(failed.events)
      .when({ type: 'RedriveExecution' })
      .then(['ExecutionRedriven', 'MapRunRedriven', 'TaskStateEntered', 'ActivityScheduled', 'TaskStateEntered', 'ActivityScheduled'], (events) => {
        const [execution, mapRun] = events;
        assert.equal(mapRun.previousEventId, execution.id);
        assert.deepEqual(mapRun.mapRunRedrivenEventDetails, { mapRunArn: MAP_RUN_ARN, redriveCount: 1 });
        assert.equal(isHistoryEvent(mapRun), true);
      });
    const again = await given(redriven.events).when({ type: 'CompleteTask', token: tokenOf(redriven.state, 1), output: '"b"' }).then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded']);
    await given(again.events)
      .when({ type: 'CompleteTask', token: tokenOf(again.state, 2), output: '"c"' })
      .then(['ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'MapIterationSucceeded', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'], (_events, state) => {
        assert.deepEqual(JSON.parse(state.output!), ['done', 'b', 'c']);
      });
  });
});
