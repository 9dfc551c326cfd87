import type { BatchSettings, ItemSource, ReaderSettings, ResultDestination, WriterSettings } from '@stepstone/asl';
/**
 * Execution events. Each one is exactly what AWS's GetExecutionHistory shows (type, id,
 * previousEventId, timestamp and the `*EventDetails` field AWS uses for that type), plus `x`:
 * the engine's own bookkeeping (which branch thread it belongs to, timer deadlines, task tokens),
 * which history responses leave out. Storing AWS's shape makes history a direct read.
 *
 * Payloads inside details are JSON strings, as AWS returns them.
 */
export const EVENT_SCHEMA_VERSION = 1 as const;

export type StateKind = 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

export const ExecutionEventType = {
  ExecutionStarted: 'ExecutionStarted',
  ExecutionSucceeded: 'ExecutionSucceeded',
  ExecutionFailed: 'ExecutionFailed',
  ExecutionAborted: 'ExecutionAborted',
  ExecutionTimedOut: 'ExecutionTimedOut',
  ExecutionRedriven: 'ExecutionRedriven',
  EvaluationFailed: 'EvaluationFailed',
  ParallelStateStarted: 'ParallelStateStarted',
  ParallelStateSucceeded: 'ParallelStateSucceeded',
  ParallelStateFailed: 'ParallelStateFailed',
  ParallelStateAborted: 'ParallelStateAborted',
  MapStateStarted: 'MapStateStarted',
  MapStateSucceeded: 'MapStateSucceeded',
  MapStateFailed: 'MapStateFailed',
  MapStateAborted: 'MapStateAborted',
  MapRunStarted: 'MapRunStarted',
  MapRunSucceeded: 'MapRunSucceeded',
  MapRunFailed: 'MapRunFailed',
  MapRunAborted: 'MapRunAborted',
  /** RedriveExecution resumed a Distributed Map's run (AWS's mapRunRedrivenEventDetails). */
  MapRunRedriven: 'MapRunRedriven',
  /**
   * Engine-only and hidden from history (AWS's UpdateMapRun adds no history event): a Map Run's
   * new maxConcurrency or tolerated failures, so a replay decides with them.
   */
  MapRunUpdated: 'MapRunUpdated',
  /**
   * Engine-only and hidden from history: one bounded batch of a Distributed Map's items (or of
   * ItemBatcher's batches), in order, recorded after MapStateStarted (items from the input) or
   * before MapRunStarted (items an ItemReader read). Executions started with
   * EngineBehaviour.BatchedItems store their items this way; older streams hold them all in
   * MapStateStarted's or MapRunStarted's `x.items`, and still fold.
   */
  MapItemsRecorded: 'MapItemsRecorded',
  MapIterationStarted: 'MapIterationStarted',
  MapIterationSucceeded: 'MapIterationSucceeded',
  MapIterationFailed: 'MapIterationFailed',
  MapIterationAborted: 'MapIterationAborted',
  TaskScheduled: 'TaskScheduled',
  TaskStarted: 'TaskStarted',
  TaskSucceeded: 'TaskSucceeded',
  TaskFailed: 'TaskFailed',
  TaskTimedOut: 'TaskTimedOut',
  TaskSubmitted: 'TaskSubmitted',
  LambdaFunctionScheduled: 'LambdaFunctionScheduled',
  LambdaFunctionStarted: 'LambdaFunctionStarted',
  LambdaFunctionSucceeded: 'LambdaFunctionSucceeded',
  LambdaFunctionFailed: 'LambdaFunctionFailed',
  LambdaFunctionTimedOut: 'LambdaFunctionTimedOut',
  ActivityScheduled: 'ActivityScheduled',
  ActivityStarted: 'ActivityStarted',
  ActivitySucceeded: 'ActivitySucceeded',
  ActivityFailed: 'ActivityFailed',
  ActivityTimedOut: 'ActivityTimedOut',
  /**
   * Engine-only and hidden from history (AWS records no event for SendTaskHeartbeat): a
   * heartbeat of an open task, so a replay re-arms HeartbeatSeconds from the last one.
   */
  TaskHeartbeatRecorded: 'TaskHeartbeatRecorded',
} as const;

/** `PassStateEntered`, `TaskStateExited`, `MapStateAborted`... */
export type StateEnteredType = `${StateKind}StateEntered`;
export type StateExitedType = `${StateKind}StateExited`;
export type StateAbortedType = `${StateKind}StateAborted`;

export type ExecutionEventTypeName =
  | (typeof ExecutionEventType)[keyof typeof ExecutionEventType]
  | StateEnteredType
  | StateExitedType
  | StateAbortedType;

export interface PayloadDetails {
  readonly truncated: boolean;
}

/** Engine-only fields of an event; never shown in GetExecutionHistory. */
export interface EventInternals {
  readonly v: typeof EVENT_SCHEMA_VERSION;
  /** The branch thread the event belongs to: '0' is the top level. */
  readonly th: string;
  /** ExecutionStarted: everything needed to fold the execution without another read. */
  readonly start?: ExecutionStartInternals;
  /** WaitStateEntered, retry backoffs: when the timer fires (ISO). */
  readonly wakeAt?: string;
  /** A retry's backoff: index of the retrier and attempt number. */
  readonly retry?: { readonly retrier: number; readonly attempt: number };
  /** TaskScheduled (and LambdaFunction/Activity): the deterministic task token. */
  readonly token?: string;
  /** *Scheduled: the resolved TimeoutSeconds (AWS's default when the state has none) and HeartbeatSeconds. */
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** Map started (or its Map Run, or MapItemsRecorded): the items (JSON), all of them or this batch. */
  readonly items?: string;
  /**
   * MapItemsRecorded of an ItemReader read batch by batch (EngineBehaviour.StreamedItems): how
   * far the object has been read once this batch is stored, where the next read starts.
   */
  readonly read?: ItemReadPosition;
  /** MapStateStarted of a Distributed Map: its items follow in MapItemsRecorded events (EngineBehaviour.BatchedItems). */
  readonly batchedItems?: boolean;
  readonly maxConcurrency?: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  /** Next state chosen on exit (so a fold never re-evaluates Choice rules). */
  readonly next?: string;
  /** A Catch's or failure's error value, carried to the fold. */
  readonly error?: string;
  readonly cause?: string;
  /** Distributed Map bookkeeping: set on MapStateStarted; `hidden` marks iteration events. */
  readonly distributed?: boolean;
  /** MapStateStarted of a Map with ItemReader/ItemBatcher/ResultWriter: their evaluated settings. */
  readonly mapRun?: MapRunSettings;
  /** MapIterationStarted: the child's input (JSON), kept for ResultWriter's metadata. */
  readonly input?: string;
  readonly hidden?: boolean;
  /** ExecutionRedriven: the new execution deadline and the caller's idempotency token. */
  readonly redrive?: { readonly timeoutAt: string; readonly clientToken?: string };
  /**
   * MapRunRedriven (EngineBehaviour.MapRedriveConcurrency): the indices of the unsuccessful
   * children that wait to be redriven; each starts later with its own MapIterationStarted.
   */
  readonly redriveIndices?: readonly number[];
  /**
   * MapIterationFailed of a child that failed on its own history quota (EngineBehaviour.
   * QuotaFailuresKept): AWS does not redrive it ("Redriving Map Runs", redrive eligibility).
   */
  readonly notRedrivable?: boolean;
  /**
   * MapRunRedriven (EngineBehaviour.QuotaFailuresKept): the unsuccessful children the redrive
   * leaves failed (not redrivable); they still count against the tolerated failures.
   */
  readonly keptFailed?: readonly number[];
  /** MapRunUpdated: the Map Run it changes (its new limits are maxConcurrency and the tolerated failures above). */
  readonly mapRunArn?: string;
  /** The actor that caused the event (API caller or 'engine'). */
  readonly actor?: string;
}

/** How far a Distributed Map's ItemReader has read its object (EngineBehaviour.StreamedItems). */
export interface ItemReadPosition {
  /** Byte offset just after the last item recorded: the next read starts there. */
  readonly offset: number;
  /** Items read so far, before ItemBatcher: what ReaderConfig.MaxItems counts. */
  readonly count: number;
  /** CSV with CSVHeaderLocation FIRST_ROW: the headers its first row gave. */
  readonly headers?: readonly string[];
  /** Batches' worth of items the next read takes (1 when absent): doubled when ItemBatcher could not close a batch in one. */
  readonly window?: number;
  /** A listing (listObjectsV2, EngineBehaviour.PagedListing): the last key listed; the next page starts after it. */
  readonly after?: string;
}

/** A Distributed Map's data sources and sinks, evaluated when the Map starts. */
export interface MapRunSettings {
  /** ItemReader: the object-store call to make and how to read its answer. */
  readonly reader?: { readonly source: ItemSource; readonly settings: ReaderSettings };
  /** ItemBatcher: limits and BatchInput, applied once the items are known. */
  readonly batcher?: BatchSettings;
  /** ResultWriter: the shaping of results and, when exporting, where they go. */
  readonly writer?: { readonly settings: WriterSettings; readonly destination?: ResultDestination };
}

/** ExecutionStarted's `x.start`. evolve copies it field by field (one shape for every state): a new field goes there too. */
export interface ExecutionStartInternals {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: string;
  readonly timeoutAt?: string;
  readonly traceHeader?: string;
  readonly redriveCount?: number;
  /** Step Functions Local's `<stateMachineArn>#<TestCase>`: the mock test case this execution runs. */
  readonly testCase?: string;
  /** The engine behaviour version the execution decides by (behaviour.ts); absent in streams written before it: Initial. */
  readonly behaviour?: number;
}

/** What every execution event carries, whatever its type. */
interface ExecutionEventBase<T extends ExecutionEventTypeName> {
  readonly type: T;
  readonly id: number;
  readonly previousEventId: number;
  /** ISO 8601 with milliseconds. */
  readonly timestamp: string;
  readonly x: EventInternals;
  /** Readers outside the engine still read details by field name (detailsFieldOf). */
  readonly [detailsField: string]: unknown;
}

/** A payload field as AWS shows it: JSON text, with its truncation flag. */
type Details = Readonly<Record<string, unknown>>;

export interface StateEnteredEventDetails {
  readonly name: string;
  readonly input: string;
  readonly inputDetails: PayloadDetails;
}

export interface StateExitedEventDetails {
  readonly name: string;
  readonly output: string;
  readonly outputDetails: PayloadDetails;
  readonly assignedVariables?: Readonly<Record<string, string>>;
  readonly assignedVariablesDetails?: PayloadDetails;
}

export interface ExecutionStartedEventDetails {
  readonly input: string;
  readonly inputDetails: PayloadDetails;
  readonly roleArn: string;
}

/** The details field each event type carries (AWS's name for it), when it carries one. */
type DetailsOf<T extends ExecutionEventTypeName> = T extends `${StateKind}StateEntered`
  ? { readonly stateEnteredEventDetails: StateEnteredEventDetails }
  : T extends `${StateKind}StateExited`
    ? { readonly stateExitedEventDetails: StateExitedEventDetails }
    : T extends 'ExecutionStarted'
      ? { readonly executionStartedEventDetails: ExecutionStartedEventDetails }
      : T extends keyof typeof DETAILS_FIELD
        ? { readonly [K in (typeof DETAILS_FIELD)[T]]?: Details }
        : unknown;

/** Details fields of the other event types (detailsFieldOf gives the same names at run time). */
const DETAILS_FIELD = {
  ExecutionSucceeded: 'executionSucceededEventDetails',
  ExecutionFailed: 'executionFailedEventDetails',
  ExecutionAborted: 'executionAbortedEventDetails',
  ExecutionTimedOut: 'executionTimedOutEventDetails',
  ExecutionRedriven: 'executionRedrivenEventDetails',
  EvaluationFailed: 'evaluationFailedEventDetails',
  MapStateStarted: 'mapStateStartedEventDetails',
  MapRunStarted: 'mapRunStartedEventDetails',
  MapRunFailed: 'mapRunFailedEventDetails',
  MapRunRedriven: 'mapRunRedrivenEventDetails',
  MapIterationStarted: 'mapIterationStartedEventDetails',
  MapIterationSucceeded: 'mapIterationSucceededEventDetails',
  MapIterationFailed: 'mapIterationFailedEventDetails',
  MapIterationAborted: 'mapIterationAbortedEventDetails',
  TaskScheduled: 'taskScheduledEventDetails',
  TaskStarted: 'taskStartedEventDetails',
  TaskSucceeded: 'taskSucceededEventDetails',
  TaskFailed: 'taskFailedEventDetails',
  TaskTimedOut: 'taskTimedOutEventDetails',
  TaskSubmitted: 'taskSubmittedEventDetails',
  LambdaFunctionScheduled: 'lambdaFunctionScheduledEventDetails',
  LambdaFunctionSucceeded: 'lambdaFunctionSucceededEventDetails',
  LambdaFunctionFailed: 'lambdaFunctionFailedEventDetails',
  LambdaFunctionTimedOut: 'lambdaFunctionTimedOutEventDetails',
  ActivityScheduled: 'activityScheduledEventDetails',
  ActivityStarted: 'activityStartedEventDetails',
  ActivitySucceeded: 'activitySucceededEventDetails',
  ActivityFailed: 'activityFailedEventDetails',
  ActivityTimedOut: 'activityTimedOutEventDetails',
} as const;

/**
 * An execution event: one member per type, discriminated on `type`, readonly. A switch on
 * `event.type` narrows it (evolve's has a never default).
 */
export type ExecutionEvent = { [T in ExecutionEventTypeName]: ExecutionEventBase<T> & DetailsOf<T> }[ExecutionEventTypeName];

/** The event of one type: `EventOfType<'ExecutionStarted'>`. */
export type EventOfType<T extends ExecutionEventTypeName> = Extract<ExecutionEvent, { readonly type: T }>;

/** The `*EventDetails` field name AWS uses for each event type. */
export function detailsFieldOf(type: string): string | undefined {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  if (type === 'ExecutionStarted') return 'executionStartedEventDetails';
  return Object.prototype.hasOwnProperty.call(DETAILS_FIELD, type) ? DETAILS_FIELD[type as keyof typeof DETAILS_FIELD] : undefined;
}

/** Whether GetExecutionHistory shows the event (Distributed Map iterations are not shown). */
export function isHistoryEvent(event: ExecutionEvent): boolean {
  return event.x.hidden !== true;
}

/** The event as GetExecutionHistory returns it: AWS's fields only. */
export function toHistoryEvent(event: ExecutionEvent, includeExecutionData = true): Record<string, unknown> {
  const { x: _internals, ...aws } = event;
  if (includeExecutionData) return aws;
  const field = detailsFieldOf(event.type);
  if (!field || typeof aws[field] !== 'object' || aws[field] === null) return aws;
  const details = { ...(aws[field] as Record<string, unknown>) };
  for (const key of ['input', 'output', 'parameters', 'assignedVariables']) delete details[key];
  return { ...aws, [field]: details };
}
