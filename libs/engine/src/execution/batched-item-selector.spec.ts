import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInMemoryObjectStore } from '../object-store/in-memory-object-store';
import { performObjectStoreEffect } from '../object-store/perform-object-store-effect';
import { EngineBehaviour } from './behaviour';
import type { ExecutionCommand } from './commands';
import { type Effect, pendingEffects } from './effects';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

/**
 * With an ItemBatcher, a Distributed Map applies its ItemSelector to each item as the ItemReader's
 * items arrive (a CompleteItemRead, or a RecordItemBatch for a streamed read). A selector that
 * fails there fails the Map Run as a reader that fails does; it used to leave the decision, and
 * the execution stayed RUNNING for good.
 */

const ITEMS = JSON.stringify([{ k: 1 }, {}, { k: 3 }]);

const definition = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'in', Key: 'items.json' } },
      ItemBatcher: { MaxItemsPerBatch: 2 },
      ItemSelector: { 'k.$': '$$.Map.Item.Value.k' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } },
      End: true,
    },
  },
};

async function readCommand(effects: readonly Effect[]): Promise<ExecutionCommand> {
  const store = createInMemoryObjectStore();
  store.createBucket('in');
  await store.putObject('in', 'items.json', ITEMS);
  const read = effects.find((effect): effect is Extract<Effect, { kind: 'read-items' }> => effect.kind === 'read-items');
  assert.ok(read, 'the Map asks for its items');
  return performObjectStoreEffect(store, read);
}

describe('a Distributed Map whose ItemSelector fails as its items are batched', () => {
  // Executions started before EngineBehaviour.StreamedItems read the object whole.
  for (const [name, behaviour] of [
    ['read whole (CompleteItemRead)', EngineBehaviour.BatchedItems],
    ['read batch by batch (RecordItemBatch)', undefined],
  ] as const) {
    it(`fails the Map Run with the selector's error when its items are ${name}`, async () => {
      const start = { ...startCommand(definition), ...(behaviour !== undefined ? { behaviour } : {}) } as ExecutionCommand;
      const started = await given().when(start).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted']);
      const command = await readCommand(pendingEffects(started.state));
      assert.equal(command.type, behaviour !== undefined ? 'CompleteItemRead' : 'RecordItemBatch');
      await given(started.events)
        .when(command, fixedEnv())
        .then(['MapRunStarted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed'], (_events, state) => {
          assert.equal(state.error, 'States.Runtime');
          assert.equal(
            state.cause,
            "An error occurred while executing the state 'Fan' (entered at the event id #2). The JSONPath '$$.Map.Item.Value.k' specified for the field 'k.$' could not be found in the input '{}'",
          );
        });
    });
  }
});
