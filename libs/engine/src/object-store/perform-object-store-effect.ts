import type { ExecutionCommand } from '../execution/commands';
import type { Effect } from '../execution/effects';
import { StatesError } from '../execution/language';
import type { ObjectStore } from './object-store.port';
import { readItemBatch, readListingBatch } from './read-item-batch';

type ObjectStoreEffect = Extract<Effect, { kind: 'read-items' | 'write-results' }>;

export function isObjectStoreEffect(effect: Effect): effect is ObjectStoreEffect {
  return effect.kind === 'read-items' || effect.kind === 'write-results';
}

/**
 * Performs a Map's object-store effect and returns the command that reports it. Store errors
 * become the failure's cause (ItemReaderFailed / ResultWriterFailed in the decider); without a
 * store, the read or write fails as it would against a missing bucket.
 */
export async function performObjectStoreEffect(store: ObjectStore | undefined, effect: ObjectStoreEffect): Promise<ExecutionCommand> {
  const target = { threadId: effect.threadId, enteredEventId: effect.enteredEventId };
  try {
    if (!store) throw new Error('No object store is configured.');
    if (effect.kind === 'read-items' && effect.stream) {
      const { settings, position } = effect.stream;
      const source = effect.source;
      try {
        if (!store) throw new Error('No object store is configured.');
        const batch = source.action === 'getObject' ? await readItemBatch(store, source, settings, position) : await readListingBatch(store, source, settings, position);
        return { type: 'RecordItemBatch', ...target, position, ...batch };
      } catch (error) {
        const failureCause = error instanceof StatesError ? error.cause : error instanceof Error ? error.message : String(error);
        return { type: 'RecordItemBatch', ...target, position, items: [], ends: [], done: true, failureCause };
      }
    }
    if (effect.kind === 'read-items') {
      const source = effect.source;
      if (source.action === 'listObjectsV2') return { type: 'CompleteItemRead', ...target, objects: await store.listObjects(source.bucket, source.prefix) };
      return { type: 'CompleteItemRead', ...target, body: await store.getObject(source.bucket, source.key) };
    }
    for (const object of effect.objects) await store.putObject(object.bucket, object.key, object.body);
    return { type: 'CompleteResultWrite', ...target };
  } catch (error) {
    const failureCause = error instanceof Error ? error.message : String(error);
    return effect.kind === 'read-items' ? { type: 'CompleteItemRead', ...target, failureCause } : { type: 'CompleteResultWrite', ...target, failureCause };
  }
}
