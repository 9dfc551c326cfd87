import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAndEvolve } from './decide';
import { initialExecutionState } from './execution-state';
import { mapRunChildOf } from './map-run-child';
import { fixedEnv, startCommand } from './testing/decider-specification';

/** Strings fail (Fail), numbers pass: one child of each kind, the failure tolerated. */
const definition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ToleratedFailureCount: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Check',
        States: {
          Check: { Type: 'Choice', Choices: [{ Variable: '$', IsString: true, Next: 'Bad' }], Default: 'Good' },
          Good: { Type: 'Pass', End: true },
          Bad: { Type: 'Fail', Error: 'Bad', Cause: 'a string' },
        },
      },
      End: true,
    },
  },
};

async function parentStream() {
  const { events } = await decideAndEvolve(initialExecutionState, startCommand(definition, [7, 'x']), fixedEnv());
  const mapRunArn = (events.find((event) => event.type === 'MapRunStarted')!.mapRunStartedEventDetails as { mapRunArn: string }).mapRunArn;
  return { events, mapRunArn };
}

describe('mapRunChildOf: a Map Run child\'s own history, out of its parent\'s stream', () => {
  it('gives a succeeded child ExecutionStarted with its item, its states numbered from 1, ExecutionSucceeded with its output', async () => {
    const { events, mapRunArn } = await parentStream();
    const child = mapRunChildOf(events, mapRunArn, 0)!;
    assert.deepEqual(
      child.events.map((event) => [event.type, event.id, event.previousEventId]),
      [
        ['ExecutionStarted', 1, 0],
        ['ChoiceStateEntered', 2, 1],
        ['ChoiceStateExited', 3, 2],
        ['PassStateEntered', 4, 3],
        ['PassStateExited', 5, 4],
        ['ExecutionSucceeded', 6, 5],
      ],
    );
    assert.deepEqual(child.events[0].executionStartedEventDetails, { input: '7', inputDetails: { truncated: false }, roleArn: 'arn:aws:iam::123456789012:role/spec' });
    assert.deepEqual(child.events[5].executionSucceededEventDetails, { output: '7', outputDetails: { truncated: false } });
    assert.deepEqual((child.events[1].stateEnteredEventDetails as { name: string }).name, 'Check');
    for (const event of child.events) {
      assert.equal(event.timestamp, '2024-01-01T00:00:00.000Z');
      assert.equal('x' in event, false, 'no engine bookkeeping in a history event');
    }
    assert.equal(child.input, '7');
    assert.equal(child.output, '7');
  });

  it('gives a failed child ExecutionFailed with the error and cause its parent recorded', async () => {
    const { events, mapRunArn } = await parentStream();
    const child = mapRunChildOf(events, mapRunArn, 1)!;
    assert.deepEqual(
      child.events.map((event) => [event.type, event.id, event.previousEventId]),
      [
        ['ExecutionStarted', 1, 0],
        ['ChoiceStateEntered', 2, 1],
        ['ChoiceStateExited', 3, 2],
        ['FailStateEntered', 4, 3],
        ['ExecutionFailed', 5, 4],
      ],
    );
    assert.deepEqual(child.events[4].executionFailedEventDetails, { error: 'Bad', cause: 'a string' });
    assert.deepEqual([child.input, child.error, child.cause], ['"x"', 'Bad', 'a string']);
  });

  it('knows no child of an index that never ran, nor of another Map Run', async () => {
    const { events, mapRunArn } = await parentStream();
    assert.equal(mapRunChildOf(events, mapRunArn, 2), undefined);
    assert.equal(mapRunChildOf(events, `${mapRunArn}-other`, 0), undefined);
  });
});
