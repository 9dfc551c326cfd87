import type { ExecutionStartInternals, ItemReadPosition, MapRunSettings, StateKind } from './history-event';
import type { TaskEventFamily } from './task-resource';

/** One child of a Map Run, as ResultWriter reports it. */
export interface IterationRecord {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  readonly input: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: string;
  readonly stopDate?: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A definition as parsed JSON; the language core validates it before it gets here. */
export type StatesMap = Readonly<Record<string, Readonly<Record<string, any>>>>;

export interface StartedExecution extends ExecutionStartInternals {
  readonly input: unknown;
  readonly inputText: string;
  readonly roleArn: string;
  readonly startDate: string;
  readonly definitionObject: Readonly<Record<string, any>>;
}

/** Where a thread is inside a state it entered, between two decisions. */
export type CursorPhase = 'running' | 'wait' | 'task' | 'children' | 'retry';

export interface ChildrenBook {
  readonly kind: 'Parallel' | 'Map';
  readonly total: number;
  /** Map: the items (after ItemsPath/Items), needed to start later iterations. */
  readonly items?: readonly unknown[];
  readonly nextIndex: number;
  readonly running: readonly string[];
  readonly results: readonly unknown[];
  readonly succeeded: number;
  readonly failed: number;
  readonly maxConcurrency: number;
  /** Distributed mode: iterations are child workflows, out of the parent's history. */
  readonly distributed?: boolean;
  /** ItemReader/ItemBatcher/ResultWriter settings (MapStateStarted's `x.mapRun`). */
  readonly mapRun?: MapRunSettings;
  /** ItemReader: MapStateStarted asked for the items; MapRunStarted brings them. */
  readonly awaitingItems?: boolean;
  /** ItemReader read batch by batch (EngineBehaviour.StreamedItems): how far it has read. */
  readonly itemRead?: ItemReadPosition;
  readonly mapRunArn?: string;
  /** ResultWriter: what each child did, for the files it writes. */
  readonly records?: readonly (IterationRecord | undefined)[];
  /** Distributed mode: the MapRunStarted event, which MapStateExited links to. */
  readonly mapRunStartedEventId?: number;
  /** The last MapIterationSucceeded/Failed: MapStateSucceeded links to it. */
  readonly lastIterationEventId?: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  /** Distributed mode: how many times RedriveExecution resumed this Map Run (MapRunRedriven). */
  readonly redriveCount?: number;
  /** Map: iterations that failed within the tolerance; a redrive runs them again. */
  readonly failedIndices?: readonly number[];
  /**
   * Distributed mode, redriven (EngineBehaviour.MapRedriveConcurrency): the unsuccessful
   * children waiting to be redriven, in the order they start as MaxConcurrency leaves room.
   */
  readonly redriveQueue?: readonly number[];
  /**
   * The threads of waiting children that stopped inside a state (the failed one, the aborted
   * ones), kept out of the execution's threads (no effect is derived from them, no abort
   * reaches them) until the child starts again and resumes where it stopped.
   */
  readonly parked?: Readonly<Record<string, ThreadState>>;
}

export interface Cursor {
  readonly name: string;
  readonly kind: StateKind;
  readonly enteredEventId: number;
  /** previousEventId of the Entered event: an EvaluationFailed points there (as AWS does). */
  readonly enteredPointer: number;
  readonly enteredTime: string;
  readonly input: unknown;
  readonly phase: CursorPhase;
  readonly wakeAt?: string;
  readonly retryCounts: readonly number[];
  readonly token?: string;
  readonly taskStarted?: boolean;
  /** Task*: AWS's resource and resourceType (`startExecution.sync:2`, `states`); otherwise the function/activity ARN. */
  readonly taskResource?: string;
  readonly taskResourceType?: string;
  readonly taskParameters?: string;
  /** Which events the open task writes: Task*, LambdaFunction* or Activity*. */
  readonly taskFamily?: TaskEventFamily;
  /** A `.sync`/`.waitForTaskToken` task whose TaskSubmitted is written. */
  readonly taskSubmitted?: boolean;
  /** 0-based: how many times this state was scheduled before in this execution (mocks pick by it). */
  readonly taskInvocation?: number;
  /** The open task's deadlines, derived from events: TimeoutSeconds counts from `taskClockFrom`, HeartbeatSeconds from `lastBeatAt`. */
  readonly taskTimeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  readonly taskClockFrom?: string;
  readonly lastBeatAt?: string;
  readonly children?: ChildrenBook;
}

export interface ThreadState {
  readonly id: string;
  readonly parentId?: string;
  /** Branch index (Parallel) or iteration index (Map). */
  readonly index: number;
  readonly states: StatesMap;
  /** The QueryLanguage states of this branch default to. */
  readonly queryLanguage: 'JSONPath' | 'JSONata';
  /** previousEventId for the next event of this thread (AWS's chain, see evolve). */
  readonly pointer: number;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly cursor?: Cursor;
  readonly done: boolean;
  readonly lastOutput?: unknown;
  /**
   * Between a state's Exited event and the next state's Entered: the state the thread goes on
   * with. At rest only when a decision stopped there (MAX_EVENTS_PER_DECISION): ContinueThread.
   */
  readonly next?: string;
  /** Inside a Distributed Map iteration: events are numbered apart and hidden from history. */
  readonly hidden?: boolean;
  /** Map iterations: the item, for $$.Map.Item.Value. */
  readonly item?: unknown;
  /**
   * A Distributed Map child's root thread (EngineBehaviour.ChildHistoryQuota): how many events
   * of the child's own history (its threads' events) it has written, for its 25,000-event quota.
   */
  readonly ownEvents?: number;
}

export interface ExecutionState {
  readonly status: ExecutionStatus | 'NONE';
  readonly start?: StartedExecution;
  readonly lastEventId: number;
  /** Count of hidden events (Distributed Map iterations), numbered -1, -2, ... */
  readonly hiddenEvents: number;
  /** Task schedulings so far per state name (the `invocation` a mocked response is chosen by). */
  readonly taskSchedulings?: Readonly<Record<string, number>>;
  readonly threads: Readonly<Record<string, ThreadState>>;
  readonly stopDate?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /**
   * The threads as they were just before the run of failure events that closed the execution
   * (failed states, aborted siblings, the closing event): what RedriveExecution resumes.
   */
  readonly redriveSnapshot?: Readonly<Record<string, ThreadState>>;
  /** The last ExecutionRedriven: when, and the caller's idempotency token. */
  readonly redriveDate?: string;
  readonly redriveClientToken?: string;
  /**
   * Distributed Map children (thread ids) whose failure no redrive runs again: they failed on
   * their own history quota (EngineBehaviour.QuotaFailuresKept). Kept outside the threads, so
   * the redrive snapshot taken before such a failure still knows it.
   */
  readonly unredrivable?: readonly string[];
}

/**
 * Every field present from the start, in one order: the fold's copies and in-place changes then
 * keep one hidden class instead of adding properties (an Object.assign that added the closing
 * fields was 6% of a 10-Pass run).
 */
export const initialExecutionState: ExecutionState = Object.freeze({
  status: 'NONE',
  start: undefined,
  lastEventId: 0,
  hiddenEvents: 0,
  taskSchedulings: undefined,
  threads: Object.freeze({}),
  stopDate: undefined,
  output: undefined,
  error: undefined,
  cause: undefined,
  redriveSnapshot: undefined,
  redriveDate: undefined,
  redriveClientToken: undefined,
  unredrivable: undefined,
});

export const ROOT_THREAD = '0';

export function childThreadId(parentId: string, enteredEventId: number, index: number): string {
  return `${parentId}/${enteredEventId}.${index}`;
}
