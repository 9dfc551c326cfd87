import type { BatchSettings } from '@stepstone/asl';
import { abortChildren, childrenFailed, finishChildren } from '../children';
import type { ExecutionCommand } from '../commands';
import type { Decision } from '../decision';
import { compact, exceedsTolerance, json, numberAtPath, resolveReference, type Step, toFailure } from '../decision-support';
import { withStatePrefix } from '../state-outcome';
import type { ItemReadPosition, MapRunSettings } from '../history-event';
import { batchItems, batchLimit, itemsFromListing, itemsFromObject, readerSettings, StatesError, toItemSource, toResultDestination, writerSettings } from '../language';
import { awaitsResultWrite } from '../map-run';
import { hasIterationsToStart, selectItem, startIterationsOrFail } from './map';
import { compileState } from '../compile';
import { decidesWith, EngineBehaviour } from '../behaviour';

/** Most items one MapItemsRecorded event holds. */
export const MAX_ITEMS_PER_RECORD = 1_000;
/** Most bytes of item JSON one MapItemsRecorded event holds (AWS's payload limit); a bigger single item goes alone. */
export const MAX_ITEM_RECORD_BYTES = 256 * 1024;

/** Whether the execution stores a Distributed Map's items in bounded MapItemsRecorded events. */
export function recordsItemsInBatches(d: Decision): boolean {
  return decidesWith(d.state.start, EngineBehaviour.BatchedItems);
}

/**
 * Records a Distributed Map's items (or ItemBatcher's batches) in MapItemsRecorded events of at
 * most MAX_ITEMS_PER_RECORD items and MAX_ITEM_RECORD_BYTES of JSON, pausing between them: a
 * Map over 100,000 items is a hundred events of ~14 KB, not one of 1.4 MB that every reader (the
 * store's hash, the read models, a replay) handles in one piece (issue 18).
 */
export async function recordItems(d: Decision, threadId: string, items: readonly unknown[], read?: ItemReadPosition): Promise<void> {
  let texts: string[] = [];
  let bytes = 0;
  const flush = async (last: boolean) => {
    if (texts.length === 0) return;
    // A batch read from an object records how far it read on its last event (EngineBehaviour.StreamedItems).
    d.emit(threadId, 'MapItemsRecorded', undefined, undefined, { hidden: true, items: `[${texts.join(',')}]`, ...(last && read ? { read } : {}) });
    texts = [];
    bytes = 0;
    await d.pause();
  };
  for (const item of items) {
    const text = json(item);
    if (texts.length >= MAX_ITEMS_PER_RECORD || (texts.length > 0 && bytes + text.length + 1 > MAX_ITEM_RECORD_BYTES)) await flush(false);
    texts.push(text);
    bytes += text.length + 1;
  }
  await flush(true);
}

export function emitMapRunStarted(d: Decision, threadId: string, definition: Record<string, any>, items?: readonly unknown[]): void {
  const start = d.state.start!;
  const label = typeof definition.Label === 'string' ? definition.Label : d.cursorOf(threadId).name;
  const mapRunArn = `${start.stateMachineArn.replace(':stateMachine:', ':mapRun:')}/${label}:${d.env.uuid()}`;
  d.emit(threadId, 'MapRunStarted', 'mapRunStartedEventDetails', { mapRunArn }, items ? { items: json(items) } : {});
}

/** A Map whose children all ended: finish it, or first wait for ResultWriter's files. */
export function finishOrWrite(d: Decision, threadId: string): Promise<Step> | Step {
  const book = d.cursorOf(threadId).children!;
  return awaitsResultWrite(book) ? { kind: 'blocked' } : finishChildren(d, threadId);
}

/**
 * ItemReader, ItemBatcher and ResultWriter of a Distributed Map, evaluated against the Map's
 * effective input. A reader's own failure (a bad MaxItems, an unknown resource) is AWS's
 * States.ItemReaderFailed, raised once the Map Run has started.
 */
export async function mapRunSettings(d: Decision,
  threadId: string,
  definition: Record<string, any>,
  language: 'JSONPath' | 'JSONata',
  effective: unknown,
): Promise<{ settings?: MapRunSettings; readerFailure?: StatesError }> {
  const { ItemReader: reader, ItemBatcher: batcher, ResultWriter: writer } = definition as Record<string, Record<string, any> | undefined>;
  // ItemReader, ItemBatcher and ResultWriter are Distributed Map fields.
  if ((!reader && !batcher && !writer) || !compileState(definition).map!.distributed) return {};
  const arguments_ = (field: Record<string, any>, name: string) =>
    language === 'JSONata'
      ? field.Arguments !== undefined ? d.jsonata(threadId, field.Arguments, d.jsonataStates(threadId, d.cursorOf(threadId).input), `${name}.Arguments`) : Promise.resolve({})
      : Promise.resolve(field.Parameters !== undefined ? d.payload(field.Parameters, d.scope(threadId, effective)) : {});
  const value = async (container: Record<string, any>, field: string, name: string): Promise<unknown> => {
    const literal = container[field];
    if (language === 'JSONata' && typeof literal === 'string') return d.jsonata(threadId, literal, d.jsonataStates(threadId, d.cursorOf(threadId).input), name);
    if (typeof container[`${field}Path`] === 'string') {
      const path = container[`${field}Path`] as string;
      const resolved = resolveReference(path, d.scope(threadId, effective), () => `The ${field}Path field does not reference an input value: ${path}`);
      // AWS fails the state on a path value that is no integer, before any Map Run starts.
      return decidesWith(d.state.start, EngineBehaviour.PathNumbersAsText) ? numberAtPath(field, path, resolved, 'integer') : resolved;
    }
    return literal;
  };
  let readerFailure: StatesError | undefined;
  let readerSettingsValue: MapRunSettings['reader'];
  if (reader) {
    const parameters = await arguments_(reader, 'ItemReader');
    const config = (reader.ReaderConfig ?? {}) as Record<string, any>;
    const maxItems = await value(config, 'MaxItems', 'ItemReader.ReaderConfig.MaxItems');
    try {
      readerSettingsValue = { source: toItemSource(String(reader.Resource ?? ''), parameters), settings: readerSettings(config, maxItems) };
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      readerFailure = error;
    }
  }
  let batcherSettings: MapRunSettings['batcher'];
  if (batcher) {
    let batchInput: unknown;
    if (batcher.BatchInput !== undefined) {
      batchInput = language === 'JSONata'
        ? await d.jsonata(threadId, batcher.BatchInput, d.jsonataStates(threadId, d.cursorOf(threadId).input), 'ItemBatcher.BatchInput')
        : d.payload(batcher.BatchInput, d.scope(threadId, effective));
    }
    batcherSettings = compact({
      maxItemsPerBatch: batchLimit('MaxItemsPerBatch', await value(batcher, 'MaxItemsPerBatch', 'ItemBatcher.MaxItemsPerBatch')),
      maxInputBytesPerBatch: batchLimit('MaxInputBytesPerBatch', await value(batcher, 'MaxInputBytesPerBatch', 'ItemBatcher.MaxInputBytesPerBatch')),
      batchInput,
    });
  }
  let writerSettingsValue: MapRunSettings['writer'];
  if (writer) {
    const settings = writerSettings(writer);
    writerSettingsValue = typeof writer.Resource === 'string'
      ? { settings, destination: toResultDestination(await arguments_(writer, 'ResultWriter')) }
      : { settings };
  }
  return { settings: compact({ reader: readerSettingsValue, batcher: batcherSettings, writer: writerSettingsValue }), readerFailure };
}

/** ItemBatcher: each item through ItemSelector, then grouped into `{ BatchInput?, Items }` batches. */
export async function selectAndBatch(d: Decision,
  threadId: string,
  definition: Record<string, any>,
  language: 'JSONPath' | 'JSONata',
  effective: unknown,
  items: readonly unknown[],
  batcher: BatchSettings,
): Promise<unknown[]> {
  const selected: unknown[] = [];
  for (let index = 0; index < items.length; index++) selected.push(await selectItem(d, threadId, definition, language, effective, index, items[index]));
  return batchItems(selected, batcher);
}

/** The object store answered a Map's ItemReader: the Map Run starts with the items, or fails. */
/**
 * ItemSelector as an ItemBatcher applies it, item by item as the items are read: when it fails,
 * the Map Run starts empty and fails with that error, as one whose reader fails does. The error
 * used to leave the decision (a CompleteItemRead or RecordItemBatch), and the execution stayed
 * RUNNING for good.
 */
async function selectOrFail<T>(d: Decision, threadId: string, definition: Record<string, any>, select: () => Promise<T>): Promise<T | undefined> {
  try {
    return await select();
  } catch (error) {
    const failure = toFailure(error);
    emitMapRunStarted(d, threadId, definition, []);
    childrenFailed(d, threadId, failure.error, withStatePrefix(d, d.cursorOf(threadId), failure));
    return undefined;
  }
}

export async function itemsRead(d: Decision, command: Extract<ExecutionCommand, { type: 'CompleteItemRead' }>): Promise<void> {
  const threadId = command.threadId;
  const cursor = d.state.threads[threadId]?.cursor;
  const book = cursor?.children;
  const reader = book?.mapRun?.reader;
  if (!cursor || !book?.awaitingItems || !reader || cursor.enteredEventId !== command.enteredEventId) return;
  const definition = d.stateDefinition(threadId, cursor.name);
  let items: unknown[] = [];
  let failure: StatesError | undefined;
  try {
    if (command.failureCause !== undefined) throw new StatesError('States.ItemReaderFailed', command.failureCause);
    items = reader.source.action === 'listObjectsV2'
      ? itemsFromListing(command.objects ?? [], reader.settings.maxItems)
      : itemsFromObject(command.body ?? '', reader.settings);
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    failure = error;
  }
  const batcher = book.mapRun?.batcher;
  if (!failure && batcher) {
    const language = d.queryLanguageOf(threadId, definition);
    const effective = language === 'JSONPath' ? d.selectInput(threadId, definition.InputPath, cursor.input) : cursor.input;
    const batched = await selectOrFail(d, threadId, definition, () => selectAndBatch(d, threadId, definition, language, effective, items, batcher));
    if (batched === undefined) return;
    items = batched;
  }
  if (!failure && recordsItemsInBatches(d)) {
    await recordItems(d, threadId, items);
    emitMapRunStarted(d, threadId, definition);
  } else {
    emitMapRunStarted(d, threadId, definition, failure ? [] : items);
  }
  if (failure) {
    childrenFailed(d, threadId, failure.error, failure.cause);
    return;
  }
  if (items.length === 0) {
    d.scheduleAsync(threadId, async () => finishOrWrite(d, threadId));
    return;
  }
  await startIterationsOrFail(d, threadId);
}

/**
 * One batch of an ItemReader's object, read from the position recorded (EngineBehaviour.
 * StreamedItems): its items are stored with how far the object was read, and once the object (or
 * MaxItems) ends the Map Run starts. A read that does not go on from the recorded position (a
 * repeat after a restart, a second process) decides nothing, so no item is stored twice or
 * skipped. With ItemBatcher, the last batch of a read may still grow: its items are read again
 * with the next batch; when no batch closes within one read, the next read takes twice as many.
 */
export async function itemBatchRead(d: Decision, command: Extract<ExecutionCommand, { type: 'RecordItemBatch' }>): Promise<void> {
  const threadId = command.threadId;
  const cursor = d.state.threads[threadId]?.cursor;
  const book = cursor?.children;
  const reader = book?.mapRun?.reader;
  if (!cursor || !book?.awaitingItems || !reader || cursor.enteredEventId !== command.enteredEventId) return;
  const position = book.itemRead ?? { offset: 0, count: 0 };
  if (command.position.offset !== position.offset || command.position.count !== position.count || command.position.after !== position.after) return;
  const definition = d.stateDefinition(threadId, cursor.name);
  if (command.failureCause !== undefined) {
    emitMapRunStarted(d, threadId, definition, []);
    childrenFailed(d, threadId, 'States.ItemReaderFailed', command.failureCause);
    return;
  }
  let consumed = command.items.length;
  let records: readonly unknown[] = command.items;
  const batcher = book.mapRun?.batcher;
  if (batcher) {
    const language = d.queryLanguageOf(threadId, definition);
    const effective = language === 'JSONPath' ? d.selectInput(threadId, definition.InputPath, cursor.input) : cursor.input;
    const selected = await selectOrFail(d, threadId, definition, async () => {
      const each: unknown[] = [];
      for (let index = 0; index < command.items.length; index++) {
        each.push(await selectItem(d, threadId, definition, language, effective, position.count + index, command.items[index]));
      }
      return each;
    });
    if (selected === undefined) return;
    const batches = batchItems(selected, batcher);
    if (!command.done) {
      const open = batches.pop();
      if (batches.length === 0) {
        d.emit(threadId, 'MapItemsRecorded', undefined, undefined, { hidden: true, items: '[]', read: { ...position, window: (position.window ?? 1) * 2 } });
        return;
      }
      consumed -= (open?.Items as unknown[] | undefined)?.length ?? 0;
    }
    records = batches;
  }
  // A listing (EngineBehaviour.PagedListing) goes on after the last key stored; an object, after its last byte.
  const listing = reader.source.action === 'listObjectsV2';
  const read: ItemReadPosition = compact({
    offset: consumed > 0 && !listing ? command.ends[consumed - 1]! : position.offset,
    count: position.count + consumed,
    headers: command.headers ?? position.headers,
    window: position.window,
    after: listing && consumed > 0 ? (command.items[consumed - 1] as { Key: string }).Key : position.after,
  });
  await recordItems(d, threadId, records, read);
  if (!command.done) return;
  emitMapRunStarted(d, threadId, definition);
  if (d.cursorOf(threadId).children!.total === 0) {
    d.scheduleAsync(threadId, async () => finishOrWrite(d, threadId));
    return;
  }
  await startIterationsOrFail(d, threadId);
}

/** The object store stored a Map Run's ResultWriter files (or could not). */
export function resultsWritten(d: Decision, command: Extract<ExecutionCommand, { type: 'CompleteResultWrite' }>): void {
  const threadId = command.threadId;
  const cursor = d.state.threads[threadId]?.cursor;
  const book = cursor?.children;
  if (!cursor || !book || !awaitsResultWrite(book) || cursor.enteredEventId !== command.enteredEventId) return;
  if (command.failureCause !== undefined) {
    childrenFailed(d, threadId, 'States.ResultWriterFailed', command.failureCause);
    return;
  }
  d.scheduleAsync(threadId, () => finishChildren(d, threadId));
}

/**
 * UpdateMapRun on a running Map Run: the new limits are recorded (hidden, as AWS's history shows
 * no event for it) and take effect at once. A higher maxConcurrency starts the waiting children;
 * a tolerance the failures so far already exceed fails the Map Run as the next failure would.
 */
export async function updateMapRun(d: Decision, command: Extract<ExecutionCommand, { type: 'UpdateMapRun' }>): Promise<void> {
  const thread = Object.values(d.state.threads).find((candidate) => !candidate.done && candidate.cursor?.children?.mapRunArn === command.mapRunArn);
  const book = thread?.cursor?.children;
  if (!thread || !book?.distributed) return;
  const threadId = thread.id;
  d.emit(threadId, 'MapRunUpdated', undefined, undefined, compact({
    hidden: true,
    mapRunArn: command.mapRunArn,
    maxConcurrency: command.maxConcurrency,
    toleratedFailureCount: command.toleratedFailureCount,
    toleratedFailurePercentage: command.toleratedFailurePercentage,
    actor: command.actor,
  }));
  const updated = d.cursorOf(threadId).children!;
  if (updated.awaitingItems) return;
  if (command.toleratedFailureCount !== undefined || command.toleratedFailurePercentage !== undefined) {
    if (exceedsTolerance(updated)) {
      abortChildren(d, threadId);
      childrenFailed(d, threadId, 'States.ExceedToleratedFailureThreshold', 'The specified tolerated failure threshold was exceeded');
      return;
    }
  }
  if (hasIterationsToStart(updated)) await startIterationsOrFail(d, threadId);
}
