import { abortChildren, childrenFailed, mockedChildren } from '../children';
import type { Decision } from '../decision';
import { compact, json, numberAtPath, resolveReference, type Step, toFailure, unexpectedJsonataResult } from '../decision-support';
import { type ChildrenBook, childThreadId } from '../execution-state';
import { decidesWith, EngineBehaviour } from '../behaviour';
import type { EventInternals, MapRunSettings } from '../history-event';
import { itemsFromObject, StatesError } from '../language';
import { emitMapRunStarted, finishOrWrite, mapRunSettings, recordItems, recordsItemsInBatches, selectAndBatch } from './distributed-map';
import { compileState } from '../compile';
import { resumeThreads } from '../redrive-decision';
import { stateFailed } from '../state-outcome';

/**
 * The input a Parallel's branches or a Map's items are taken from: JSONata's Arguments, or
 * JSONPath's InputPath (Parallel then applies Parameters; a Map's ItemsPath reads it).
 */
export async function containerInput(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<unknown> {
  const cursor = d.cursorOf(threadId);
  if (language === 'JSONata') {
    const states = d.jsonataStates(threadId, cursor.input);
    return definition.Arguments !== undefined ? await d.jsonata(threadId, definition.Arguments, states, 'Arguments') : cursor.input;
  }
  return d.selectInput(threadId, definition.InputPath, cursor.input);
}

/**
 * Starts a Map (inline or distributed): its items (ItemsPath, Items, or an ItemReader's read),
 * its limits (MaxConcurrency before MapStateStarted, the tolerated failures after), ItemBatcher
 * and ResultWriter settings, then the first iterations up to MaxConcurrency.
 */
export async function startMap(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
  const cursor = d.cursorOf(threadId);
  const effective = await containerInput(d, threadId, definition, language);
  d.inspect(language === 'JSONata' ? 'afterArguments' : 'afterInputPath', effective);
  let items: unknown;
  const { distributed, readsItems } = compileState(definition).map!;
  // ItemReader belongs to Distributed Maps (AWS's "ItemReader (Map)").
  if (readsItems) {
    // ItemReader: the Map Run reads the items (AWS ignores ItemsPath/Items then).
    items = [];
  } else if (language === 'JSONata') {
    items = definition.Items !== undefined ? await d.jsonata(threadId, definition.Items, d.jsonataStates(threadId, cursor.input), 'Items') : effective;
    if (!Array.isArray(items)) {
      throw definition.Items !== undefined
        ? unexpectedJsonataResult(definition.Items, 'Items', 'array', items)
        : new StatesError('States.QueryEvaluationError', `Map state input must be an array but was: ${json(items)}`);
    }
  } else {
    items = typeof definition.ItemsPath === 'string'
      ? resolveReference(definition.ItemsPath, d.scope(threadId, effective), () => `Invalid path '${definition.ItemsPath}' : No results for path: ${definition.ItemsPath}`)
      : effective;
    if (!Array.isArray(items)) {
      throw new StatesError('States.Runtime', `Map state input must be an array, but received: ${json(items)}`);
    }
  }
  // MaxConcurrency shapes how the Map starts: AWS fails a bad MaxConcurrencyPath before
  // MapStateStarted; the tolerated-failure thresholds are read once it has started.
  const maxConcurrency = await numberField(d, threadId, definition, 'MaxConcurrency', effective, language);
  let limits: { maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number } = { maxConcurrency };
  let limitsFailure: unknown;
  try {
    limits = {
      maxConcurrency,
      toleratedFailureCount: await numberField(d, threadId, definition, 'ToleratedFailureCount', effective, language),
      toleratedFailurePercentage: await numberField(d, threadId, definition, 'ToleratedFailurePercentage', effective, language),
    };
  } catch (error) {
    limitsFailure = error;
  }
  // A ReaderConfig or ItemBatcher path that is no integer fails the state once it has started.
  let mapRunFailure: unknown;
  const { settings: mapRun, readerFailure } = await mapRunSettings(d, threadId, definition, language, effective).catch((error: unknown) => {
    if (!(error instanceof StatesError)) throw error;
    mapRunFailure = error;
    return {} as Awaited<ReturnType<typeof mapRunSettings>>;
  });
  const given = readsItems && !readerFailure ? itemsGivenToTestState(d, mapRun) : undefined;
  let mapItems = given?.items ?? (items as unknown[]);
  const length = mapItems.length;
  if (!readsItems) d.inspect('afterItemsPath', mapItems);
  const unbatched = mapItems;
  if (mapRun?.batcher && (!readsItems || given?.items)) mapItems = await selectAndBatch(d, threadId, definition, language, effective, mapItems, mapRun.batcher);
  // A Distributed Map's items from the input are recorded in bounded batches right after (BatchedItems).
  const batched = distributed && !readsItems && !d.env.testState && recordsItemsInBatches(d);
  d.emit(threadId, 'MapStateStarted', 'mapStateStartedEventDetails', { length }, compact({
    items: batched ? undefined : json(mapItems),
    batchedItems: batched || undefined,
    mapRun,
    maxConcurrency: limits.maxConcurrency ?? 0,
    toleratedFailureCount: limits.toleratedFailureCount,
    toleratedFailurePercentage: limits.toleratedFailurePercentage,
    distributed: distributed || undefined,
  }) as Partial<EventInternals>);
  if (limitsFailure) throw limitsFailure;
  if (mapRunFailure) throw mapRunFailure;
  if (batched) await recordItems(d, threadId, mapItems);
  const mocked = d.env.testState?.children;
  if (given?.failure) {
    childrenFailed(d, threadId, given.failure.error, given.failure.cause);
    return { kind: 'blocked' };
  }
  if (mocked) {
    // A JSONata Map's TestState shows no item fields (test-state.ts), so none are evaluated for it.
    if (language === 'JSONPath') await inspectItems(d, threadId, definition, effective, unbatched, mapRun?.batcher ? mapItems : undefined);
    d.inspect('maxConcurrency', limits.maxConcurrency ?? 0); // AWS shows 0 (no limit) when none is set
    if (limits.toleratedFailureCount !== undefined) d.inspect('toleratedFailureCount', limits.toleratedFailureCount);
    if (limits.toleratedFailurePercentage !== undefined) d.inspect('toleratedFailurePercentage', limits.toleratedFailurePercentage);
    return mockedChildren(d, threadId, mocked);
  }
  if (distributed) {
    // With an ItemReader the Map Run starts once the object store answered (CompleteItemRead).
    if (readsItems && !readerFailure) return { kind: 'blocked' };
    emitMapRunStarted(d, threadId, definition);
    if (readerFailure) {
      childrenFailed(d, threadId, readerFailure.error, readerFailure.cause);
      return { kind: 'blocked' };
    }
  }
  if (mapItems.length === 0) return finishOrWrite(d, threadId);
  await startIterations(d, threadId, effective);
  return { kind: 'blocked' };
}

/**
 * TestState's mapItemReaderData: the items an ItemReader would have read, read from the data
 * the caller gave (AWS: "the data read by ItemReader in Distributed Map states as found in its
 * original source"), with the reader's InputType and MaxItems. Undefined outside TestState or
 * without the data: the object store is read as in an execution.
 */
function itemsGivenToTestState(d: Decision, mapRun: MapRunSettings | undefined): { items?: unknown[]; failure?: StatesError } | undefined {
  const data = d.env.testState?.itemReaderData;
  const reader = mapRun?.reader;
  if (data === undefined || !reader) return undefined;
  try {
    if (reader.source.action !== 'listObjectsV2') return { items: itemsFromObject(data, reader.settings) };
    let listed: unknown;
    try {
      listed = JSON.parse(data);
    } catch {
      listed = undefined;
    }
    if (!Array.isArray(listed)) throw new StatesError('States.ItemReaderFailed', 'Attempting to map over non-iterable node.');
    return { items: reader.settings.maxItems > 0 ? listed.slice(0, reader.settings.maxItems) : listed };
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    return { failure: error };
  }
}

/** MaxConcurrency(Path), ToleratedFailureCount(Path), ToleratedFailurePercentage(Path), checked as AWS checks them. */
export async function numberField(d: Decision, threadId: string, definition: Record<string, any>, field: string, effective: unknown, language: 'JSONPath' | 'JSONata'): Promise<number | undefined> {
  const value = definition[field];
  const kind = field === 'ToleratedFailurePercentage' ? 'float' : 'integer';
  let resolved: unknown = value;
  if (language === 'JSONata' && typeof value === 'string') {
    resolved = await d.jsonata(threadId, value, d.jsonataStates(threadId, d.cursorOf(threadId).input), field);
    // A number is what the field takes: anything else used to become NaN (a MaxConcurrency of
    // 'abc' then started no iteration and the execution waited a year).
    const number = typeof resolved === 'number' && (kind === 'float' || Number.isInteger(resolved));
    if (!number && decidesWith(d.state.start, EngineBehaviour.JsonataMapLimitsTyped)) throw unexpectedJsonataResult(value, field, kind === 'float' ? 'number' : 'integer', resolved);
  } else if (typeof definition[`${field}Path`] === 'string') {
    const path = definition[`${field}Path`] as string;
    resolved = resolveReference(path, d.scope(threadId, effective), () => `The ${field}Path field does not reference an input value: ${path}`);
    resolved = numberAtPath(field, path, resolved, kind, decidesWith(d.state.start, EngineBehaviour.PathNumbersAsText));
  }
  if (resolved === undefined) return undefined;
  const number = typeof resolved === 'number' ? resolved : Number(resolved);
  if (field === 'ToleratedFailureCount' && number < 0) throw new StatesError('States.Runtime', 'ToleratedFailureCount cannot be negative.');
  if (field === 'ToleratedFailurePercentage' && (number < 0 || number > 100)) {
    throw new StatesError('States.Runtime', 'ToleratedFailurePercentage must be between 0 and 100.');
  }
  if (field === 'MaxConcurrency' && number < 0) throw new StatesError('States.Runtime', 'MaxConcurrency cannot be negative.');
  return number;
}

/**
 * Most Distributed Map iterations one decision starts: a Map over 100,000 items is then a run of
 * appends of a few thousand events each, not one decision and one write of 400,000 (issue 18).
 */
export const MAX_ITERATIONS_PER_DECISION = 250;

function boundsMapSteps(d: Decision): boolean {
  return decidesWith(d.state.start, EngineBehaviour.BoundedDecisions);
}

/** A Distributed Map that stopped at a decision's bound with nothing left running: ContinueMap starts the next ones. */
export async function continueMap(d: Decision, threadId: string, enteredEventId: number): Promise<void> {
  const cursor = d.state.threads[threadId]?.cursor;
  const book = cursor?.children;
  if (!cursor || !book || cursor.enteredEventId !== enteredEventId || !awaitsContinuation(book)) return;
  await startIterationsOrFail(d, threadId);
}

/** Whether a Map has iterations left to start and room to start them (no running child will do it). */
export function awaitsContinuation(book: ChildrenBook): boolean {
  return (
    book.kind === 'Map' &&
    book.distributed === true &&
    book.awaitingItems !== true &&
    hasIterationsToStart(book) &&
    (book.maxConcurrency <= 0 || book.running.length < book.maxConcurrency)
  );
}

/** Whether a Map has iterations it has not started yet: never started, or waiting to be redriven. */
export function hasIterationsToStart(book: ChildrenBook): boolean {
  return book.nextIndex < book.total || (book.redriveQueue !== undefined && book.redriveQueue.length > 0);
}

/**
 * startIterations where no state evaluation surrounds it (an iteration ended and made room, a
 * ContinueMap, an item read, a redrive): an ItemSelector that fails on a later item fails the Map
 * as it does on the first items (stateFailed: Retry, Catch, EvaluationFailed), its running
 * iterations aborted first. The error used to leave the decision: a Map with MaxConcurrency 1
 * whose second item had no field its ItemSelector named stayed RUNNING for good.
 */
export async function startIterationsOrFail(d: Decision, threadId: string): Promise<void> {
  try {
    await startIterations(d, threadId);
  } catch (error) {
    const failure = toFailure(error);
    abortChildren(d, threadId);
    const step = await stateFailed(d, threadId, failure);
    d.schedule(threadId, step);
  }
}

/** Starts Map iterations up to MaxConcurrency; each item goes through ItemSelector first. */
export async function startIterations(d: Decision, threadId: string, mapInput?: unknown): Promise<void> {
  const cursor = d.cursorOf(threadId);
  const definition = d.stateDefinition(threadId, cursor.name);
  const language = d.queryLanguageOf(threadId, definition);
  const processor = compileState(definition).map!.processor;
  let book = cursor.children!;
  const effective = mapInput ?? (language === 'JSONPath' ? d.selectInput(threadId, definition.InputPath, cursor.input) : cursor.input);
  // Children waiting to be redriven go first (EngineBehaviour.MapRedriveConcurrency and, inline,
  // InlineMapRedriveConcurrency).
  while (book.redriveQueue !== undefined && book.redriveQueue.length > 0 && (book.maxConcurrency <= 0 || book.running.length < book.maxConcurrency)) {
    // Distributed: the rest start in the next decision (ContinueMap); an inline Map has no such step.
    if (book.distributed && d.iterationsStarted >= MAX_ITERATIONS_PER_DECISION) return;
    await d.pauseIfDue();
    const index = book.redriveQueue[0];
    const childId = childThreadId(threadId, cursor.enteredEventId, index);
    const parked = book.parked?.[childId] !== undefined;
    const childInput = book.mapRun?.batcher ? book.items![index] : await selectItem(d, threadId, definition, language, effective, index, book.items![index]);
    d.emit(threadId, 'MapIterationStarted', 'mapIterationStartedEventDetails', { index, name: cursor.name }, book.records ? { input: json(childInput) } : {});
    d.iterationsStarted += 1;
    // One the failure stopped inside a state resumes there; one that failed within the tolerance starts over.
    if (parked) resumeThreads(d, Object.values(d.state.threads).filter((thread) => thread.id === childId || thread.id.startsWith(`${childId}/`)).sort((a, b) => a.id.localeCompare(b.id)));
    else d.schedule(childId, { kind: 'enter', name: processor.StartAt as string, input: childInput });
    book = d.cursorOf(threadId).children!;
  }
  while (book.nextIndex < book.total && (book.maxConcurrency <= 0 || book.running.length < book.maxConcurrency)) {
    // A Distributed Map's iterations are started in bounded steps, each appended on its own:
    // the rest start in the next decision (ContinueMap, from the `continue-map` effect).
    if (book.distributed && boundsMapSteps(d) && d.iterationsStarted >= MAX_ITERATIONS_PER_DECISION) return;
    await d.pauseIfDue();
    const index = book.nextIndex;
    const item = book.items![index];
    // Batches went through ItemSelector item by item when they were formed.
    const childInput = book.mapRun?.batcher ? item : await selectItem(d, threadId, definition, language, effective, index, item);
    d.emit(threadId, 'MapIterationStarted', 'mapIterationStartedEventDetails', { index, name: cursor.name }, book.records ? { input: json(childInput) } : {});
    d.iterationsStarted += 1;
    const childId = childThreadId(threadId, cursor.enteredEventId, index);
    d.schedule(childId, { kind: 'enter', name: processor.StartAt as string, input: childInput });
    book = d.cursorOf(threadId).children!;
  }
}

/**
 * TestState's view of a mocked Map's items (AWS InspectionData): `afterItemSelector`, each
 * item as its iteration would get it (when the Map has an ItemSelector), and `afterItemBatcher`, the batches, when there is an
 * ItemBatcher. Only TestState records them; an execution's iterations select their own item.
 */
async function inspectItems(d: Decision, threadId: string, definition: Record<string, any>, effective: unknown, items: readonly unknown[], batches: unknown[] | undefined): Promise<void> {
  const selected: unknown[] = [];
  for (let index = 0; index < items.length; index += 1) selected.push(await selectItem(d, threadId, definition, 'JSONPath', effective, index, items[index]));
  // Without an ItemSelector AWS shows no afterItemSelector (test_state_map_context_object[EXECUTION_INPUT_VALUES], AWS-validated 2025-12-03).
  if (definition.ItemSelector !== undefined || definition.Parameters !== undefined) d.inspect('afterItemSelector', selected);
  if (batches !== undefined) d.inspect('afterItemBatcher', batches);
}

/** ItemSelector (or legacy Parameters) for one item, with $$.Map.Item in the context. */
export async function selectItem(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata', effective: unknown, index: number, item: unknown): Promise<unknown> {
  const selector = compileState(definition).map!.itemSelector;
  if (selector === undefined) return item;
  const cursor = d.cursorOf(threadId);
  const mapContext = { Item: { Index: index, Value: item } };
  if (language === 'JSONata') {
    const states = { input: cursor.input, context: { ...(d.context(threadId) as object), Map: mapContext } };
    return d.jsonata(threadId, selector, states, 'ItemSelector');
  }
  return d.payload(selector, { input: effective, context: { ...(d.context(threadId) as object), Map: mapContext }, variables: d.thread(threadId).variables });
}
