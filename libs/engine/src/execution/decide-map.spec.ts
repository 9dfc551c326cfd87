import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { given, startCommand } from './testing/decider-specification';

const passItem = { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } };
const distributedConfig = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };
/** A Map Run's child-workflow events (numbered below zero, out of the parent's history) for one item. */
const hiddenIteration = ['PassStateEntered', 'PassStateExited', 'MapIterationSucceeded'];

describe('decide: Map in distributed mode and its limits', () => {
  it('links MapStateExited of a Map Run at MapRunStarted', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemProcessor: { ...passItem, ProcessorConfig: distributedConfig }, End: true } },
    };
    await given().when(startCommand(definition, [1, 2])).then(
      [
        'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted',
        'MapIterationStarted', 'MapIterationStarted', ...hiddenIteration, ...hiddenIteration,
        'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
      ],
      (events, state) => {
        const visible = events.filter((event) => event.id > 0).map((event) => [event.type, event.id, event.previousEventId]);
        assert.deepEqual(visible.slice(3, 7), [['MapRunStarted', 4, 3], ['MapRunSucceeded', 5, 4], ['MapStateSucceeded', 6, 5], ['MapStateExited', 7, 4]]);
        assert.deepEqual(JSON.parse(state.output!), [1, 2]);
      },
    );
  });

  it('runs a Map Run for the legacy Iterator with ProcessorConfig DISTRIBUTED', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', Parameters: { 'v.$': '$$.Map.Item.Value' }, Iterator: { ...passItem, ProcessorConfig: distributedConfig }, End: true } },
    };
    await given().when(startCommand(definition, ['a'])).then(
      [
        'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted',
        'MapIterationStarted', ...hiddenIteration,
        'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
      ],
      (_events, state) => assert.deepEqual(JSON.parse(state.output!), [{ v: 'a' }]),
    );
  });

  for (const [label, value, shown] of [['a string', 'many', 'many'], ['an object', {}, '{}'], ['a fraction', 1.5, '1.5']] as const) {
    it(`fails before MapStateStarted when MaxConcurrencyPath resolves to ${label}`, async () => {
      const definition = {
        StartAt: 'Each',
        States: { Each: { Type: 'Map', ItemsPath: '$.items', MaxConcurrencyPath: '$.limit', ItemProcessor: passItem, End: true } },
      };
      await given().when(startCommand(definition, { items: [1], limit: value })).then(['ExecutionStarted', 'MapStateEntered', 'ExecutionFailed'], (_events, state) => {
        assert.equal(state.error, 'States.Runtime');
        assert.equal(
          state.cause,
          `An error occurred while executing the state 'Each' (entered at the event id #2). The MaxConcurrencyPath field refers to value "${shown}" which is not a valid integer: $.limit`,
        );
      });
    });
  }

  it('reads ToleratedFailureCountPath after MapStateStarted (AWS fails it there)', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ToleratedFailureCountPath: '$.tolerated', ItemsPath: '$.items', ItemProcessor: passItem, End: true } },
    };
    await given().when(startCommand(definition, { items: [1], tolerated: -1 })).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'ExecutionFailed'], (_events, state) => {
      assert.match(state.cause!, /ToleratedFailureCount cannot be negative\.$/);
    });
  });
});
