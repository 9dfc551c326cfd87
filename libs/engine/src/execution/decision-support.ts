import { type ChildrenBook, ROOT_THREAD, type ThreadState } from './execution-state';
import { EVENT_SCHEMA_VERSION, type EventInternals, type ExecutionEvent, type ExecutionEventTypeName, type StateKind } from './history-event';
import { evaluateReference, type EvaluationScope, isJsonPathNotFound, StatesError } from './language';
import { compileState } from './compile';

export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}

export type Step =
  /** `inputText`: the caller's exact JSON text, which AWS shows unchanged for the first state. */
  | { readonly kind: 'enter'; readonly name: string; readonly input: unknown; readonly inputText?: string }
  /** `outputText`: the output's JSON as the last Exited event wrote it (not stringified again). */
  | { readonly kind: 'end'; readonly output: unknown; readonly outputText?: string }
  /** `taskAttempt`: the failure of a task attempt that no Catch handled (its Task state is aborted in a branch); `notRedrivable`: a Distributed Map child's failure a redrive leaves (EngineBehaviour.QuotaFailuresKept). */
  | { readonly kind: 'fail'; readonly error?: string; readonly cause?: string; readonly taskAttempt?: boolean; readonly notRedrivable?: boolean }
  | { readonly kind: 'blocked' };

export interface Failure {
  readonly error?: string;
  readonly cause?: string;
  /** Raised while evaluating the state (paths, intrinsics, JSONata): AWS prefixes the cause. */
  readonly evaluation?: boolean;
  /**
   * Raised after the state's Entered event was recorded (a Wait's deadline): AWS's
   * EvaluationFailed then points at the Entered event, not where the Entered pointed.
   */
  readonly afterEntered?: boolean;
}

/** Errors AWS documents as terminal: no Retry or Catch (not even States.ALL) sees them. */
export const UNCATCHABLE: ReadonlySet<string> = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/**
 * A task's own failure with States.DataLimitExceeded (its result was too large) is caught
 * like any other: the corpus's test_task_lambda_catch_state_all_data_limit_exceeded_* cases
 * end in their States.ALL catcher.
 */
export const TASK_UNCATCHABLE: ReadonlySet<string> = new Set(['States.Runtime']);

export interface ErrorMatching {
  readonly alias?: string;
  readonly uncatchable?: ReadonlySet<string>;
}

export const PAYLOAD_DETAILS = { truncated: false } as const;

/** AWS's quota on any state's input or output: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * AWS's quota on an execution's history: 25,000 events. AWS fails the execution with
 * States.Runtime, and the failure itself is event 25,000 (the last real event is 24,999).
 */
export const MAX_HISTORY_EVENTS = 25_000;
export const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;

export const MAX_DURATION_CAUSE = 'The execution reached the maximum execution time of one year.';
export const MAX_EXPRESS_DURATION_CAUSE = 'The execution reached the maximum execution time of five minutes.';

/** Each state kind's Entered/Exited event type, made once (not a new string per event). */
export const ENTERED_TYPE = stateEventTypes('StateEntered');
export const EXITED_TYPE = stateEventTypes('StateExited');

export function stateEventTypes(suffix: 'StateEntered' | 'StateExited'): Readonly<Record<StateKind, ExecutionEventTypeName>> {
  const kinds: readonly StateKind[] = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];
  return Object.fromEntries(kinds.map((kind) => [kind, `${kind}${suffix}` as ExecutionEventTypeName])) as Record<StateKind, ExecutionEventTypeName>;
}

/**
 * Shared, frozen internals: `{ next }` per state name, and the `x` of a top-level event that
 * carries nothing else (most events: every Entered, every Exited). An in-process run keeps every
 * event it writes, and an object less per event is one less for each garbage collection to copy
 * and mark. Bounded: names come from definitions, and a cache that filled up starts over.
 */
export const MAX_SHARED_INTERNALS = 4_096;
export const nextOnlyInternals = new Map<string, Readonly<{ next: string }>>();
export const rootEventInternals = new Map<string, EventInternals>();
export const ROOT_EVENT_INTERNALS: EventInternals = Object.freeze({ v: EVENT_SCHEMA_VERSION, th: ROOT_THREAD });

export function nextOnly(next: string | undefined): Readonly<{ next: string }> | undefined {
  if (next === undefined) return undefined;
  let internals = nextOnlyInternals.get(next);
  if (!internals) {
    if (nextOnlyInternals.size >= MAX_SHARED_INTERNALS) nextOnlyInternals.clear();
    internals = Object.freeze({ next });
    nextOnlyInternals.set(next, internals);
  }
  return internals;
}

export function rootInternals(next: string | undefined): EventInternals {
  if (next === undefined) return ROOT_EVENT_INTERNALS;
  let internals = rootEventInternals.get(next);
  if (!internals) {
    if (rootEventInternals.size >= MAX_SHARED_INTERNALS) rootEventInternals.clear();
    internals = Object.freeze({ v: EVENT_SCHEMA_VERSION, th: ROOT_THREAD, next });
    rootEventInternals.set(next, internals);
  }
  return internals;
}

/**
 * An event, its fields in the stored order (type, id, previousEventId, timestamp, details, x).
 * Entered and Exited events (most of them) are object literals of one shape each: adding the
 * details under a computed name was a keyed store of many shapes, a tenth of a Pass chain.
 */
export function newEvent(
  type: ExecutionEventTypeName,
  id: number,
  previousEventId: number,
  timestamp: string,
  detailsField: string | undefined,
  details: Record<string, unknown> | undefined,
  x: EventInternals,
): ExecutionEvent {
  if (detailsField === 'stateEnteredEventDetails') return { type, id, previousEventId, timestamp, stateEnteredEventDetails: details ?? {}, x } as unknown as ExecutionEvent;
  if (detailsField === 'stateExitedEventDetails') return { type, id, previousEventId, timestamp, stateExitedEventDetails: details ?? {}, x } as unknown as ExecutionEvent;
  const event: Record<string, unknown> = { type, id, previousEventId, timestamp };
  if (detailsField) event[detailsField] = details ?? {};
  event.x = x;
  return event as unknown as ExecutionEvent;
}

/** The event types that close an execution. */
export const EXECUTION_CLOSING_TYPES = ['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut'] as const;
export const CLOSING_TYPES: ReadonlySet<string> = new Set(EXECUTION_CLOSING_TYPES);

/** Raised by `emit` when the next event would pass the history quota; `handle` closes the execution. */
export class HistoryLimitReached extends Error {}

/** A Distributed Map child reached its own history quota (EngineBehaviour.ChildHistoryQuota): that child fails, not the execution. */
export class ChildHistoryLimitReached extends Error {
  constructor(readonly childId: string) {
    super(`child ${childId} reached the history quota`);
  }
}

// ---- small pure helpers -----------------------------------------------------------------

/** StartAt of the branch (Parallel) or item processor (Map) a child thread runs. */
export function firstStateOf(parent: ThreadState, child: ThreadState): string {
  const definition = parent.states[parent.cursor!.name] as Record<string, any>;
  const processor = parent.cursor!.kind === 'Parallel' ? definition.Branches[child.index] : compileState(definition).map!.processor;
  return processor.StartAt as string;
}

/** UTF-8 takes at most 3 bytes per UTF-16 unit: a short text needs no byte count. */
export function exceedsPayloadQuota(text: string): boolean {
  return text.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES;
}

/**
 * V8's JSON.stringify returns text longer than 32 characters as a tree of its parts. History
 * keeps these texts (the in-memory store for good), and every garbage collection then copies
 * three objects per text instead of one; converting the text to a number makes V8 flatten it
 * in place, and the collector then drops the tree.
 */
export function json(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value);
  if (text.length > 32) void Number(text);
  return text;
}

export function compact<T extends Record<string, unknown>>(value: T): T {
  const result: Record<string, unknown> = {};
  for (const key in value) {
    const field = value[key];
    if (field !== undefined) result[key] = field;
  }
  return result as T;
}

/** JavaScript's own errors: what a state's evaluation throws when nothing above it foresaw the case. */
const BUILT_IN_ERRORS: ReadonlySet<unknown> = new Set([Error, TypeError, RangeError, ReferenceError, SyntaxError, URIError, EvalError]);

/**
 * A state's failure from what its evaluation threw. A StatesError is the language's own; a
 * built-in error (a library's TypeError, a RangeError from a stack too deep) fails the state with
 * States.Runtime rather than escape the decision, which would leave the execution RUNNING for
 * good. The engine's own signals (history quotas, TestState's refusals) go on up.
 */
export function toFailure(error: unknown): Failure {
  if (error instanceof StatesError) return { error: error.error, cause: error.cause, evaluation: true };
  if (error instanceof Error && BUILT_IN_ERRORS.has(error.constructor)) return { error: 'States.Runtime', cause: error.message, evaluation: true };
  throw error;
}

/** Resolves `$.x`, `$$.x` or `$var.x` against a scope; a miss is States.Runtime with `message`. */
export function resolveReference(expression: string, scope: EvaluationScope, message: () => string): unknown {
  try {
    return evaluateReference(expression, scope);
  } catch (error) {
    if (!isJsonPathNotFound(error)) throw error;
    throw new StatesError('States.Runtime', message());
  }
}

/** Whole numbers and decimals as Java parses a number's text (Long.parseLong, Double.parseDouble). */
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A Map's number given through a `…Path` (MaxConcurrencyPath, ToleratedFailureCountPath,
 * ToleratedFailurePercentagePath, ReaderConfig's MaxItemsPath, ItemBatcher's …Path). AWS reads
 * the referenced value's text: a number or a string holding one (a variable assigned `"1"`)
 * is taken; anything else (`"NoNumber"`, `{}`, 1.5 for an integer) is States.Runtime.
 * LocalStack's snapshots: test_reference_in_map_state[MAP_STATE_REFERENCE_IN_MAX_CONCURRENCY_PATH]
 * and [MAP_STATE_REFERENCE_IN_TOLERATED_FAILURE_PATH] (AWS, 2024-11-18: `"1"` runs the Map),
 * test_map_item_reader_csv_max_items_paths[1.5] and test_max_concurrency_path[NoNumber].
 * `asText` false keeps the engine's earlier rule (numbers only) for older executions.
 */
export function numberAtPath(field: string, path: string, resolved: unknown, kind: 'integer' | 'float', asText = true): number {
  // Text with blanks around the number is no number, as Java's parsers read it.
  const text = asText && typeof resolved === 'string' && resolved.trim() === resolved ? resolved : undefined;
  const number = typeof resolved === 'number' ? resolved : text !== undefined && (kind === 'integer' ? INTEGER_TEXT : DECIMAL_TEXT).test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(number) || (kind === 'integer' && !Number.isInteger(number))) {
    throw new StatesError('States.Runtime', `The ${field}Path field refers to value "${textOf(resolved)}" which is not a valid ${kind}: ${path}`);
  }
  return number;
}

/** A value as AWS prints it inside messages: strings bare, everything else as JSON. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : json(value);
}

export function exceedsTolerance(book: ChildrenBook): boolean {
  if (book.failed === 0) return false;
  const countLimit = book.toleratedFailureCount;
  const percentLimit = book.toleratedFailurePercentage;
  if (countLimit === undefined && percentLimit === undefined) return true;
  if (countLimit !== undefined && book.failed > countLimit) return true;
  if (percentLimit !== undefined && book.total > 0 && (book.failed / book.total) * 100 > percentLimit) return true;
  return false;
}

export function stripTemplate(value: unknown): string {
  return typeof value === 'string' ? value.replace(/^\{%\s*/, '').replace(/\s*%\}$/, '') : json(value);
}

/**
 * A JSONata field whose result has the wrong type, worded as AWS words it for Items (LocalStack's
 * snapshots test_map_state_items_eval_jsonata_fail[*]): "The JSONata expression '<expr>' specified
 * for the field '<field>' returned an unexpected result type. Expected '<type>', but was '<type>'
 * for value: <json>". States.QueryEvaluationError.
 */
export function unexpectedJsonataResult(expression: unknown, field: string, expected: string, value: unknown): StatesError {
  return new StatesError(
    'States.QueryEvaluationError',
    `The JSONata expression '${stripTemplate(expression)}' specified for the field '${field}' returned an unexpected result type. Expected '${expected}', but was '${jsonTypeName(value)}' for value: ${json(value)}`,
  );
}

export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

