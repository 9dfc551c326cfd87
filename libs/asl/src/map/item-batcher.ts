import { StatesError } from '../errors/states-error';

/**
 * ItemBatcher (Distributed Map): groups items so each child workflow gets
 * `{ "BatchInput": …, "Items": [...] }` (BatchInput only when given), as AWS's
 * "ItemBatcher (Map)" page describes. A batch closes when it holds MaxItemsPerBatch items or
 * when one more item would take its JSON past MaxInputBytesPerBatch.
 */
export interface BatchSettings {
  readonly maxItemsPerBatch?: number;
  readonly maxInputBytesPerBatch?: number;
  readonly batchInput?: unknown;
}

/** AWS's ceiling on a child's input: 256 KiB. */
export const MAX_BATCH_BYTES = 256 * 1024;

/** A resolved MaxItemsPerBatch/MaxInputBytesPerBatch value: a positive integer. */
export function batchLimit(field: 'MaxItemsPerBatch' | 'MaxInputBytesPerBatch', value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    throw new StatesError('States.Runtime', `The field ${field} must be a positive integer, but was: ${JSON.stringify(value)}`);
  }
  return field === 'MaxInputBytesPerBatch' ? Math.min(number, MAX_BATCH_BYTES) : number;
}

export function batchItems(items: readonly unknown[], settings: BatchSettings): Array<Record<string, unknown>> {
  const batches: Array<Record<string, unknown>> = [];
  const base = settings.batchInput !== undefined ? { BatchInput: settings.batchInput } : {};
  const bytesOf = (batch: unknown[]) => Buffer.byteLength(JSON.stringify({ ...base, Items: batch }), 'utf8');
  let current: unknown[] = [];
  for (const item of items) {
    const full = settings.maxItemsPerBatch !== undefined && current.length >= settings.maxItemsPerBatch;
    const tooBig = settings.maxInputBytesPerBatch !== undefined && current.length > 0 && bytesOf([...current, item]) > settings.maxInputBytesPerBatch;
    if (full || tooBig) {
      batches.push({ ...base, Items: current });
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) batches.push({ ...base, Items: current });
  return batches;
}
