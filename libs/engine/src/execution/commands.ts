import type { EngineBehaviour } from './behaviour';
import type { ObjectSummary } from '@stepstone/asl';
import type { ExecutionState } from './execution-state';
import type { ItemReadPosition } from './history-event';

/** What can happen to an execution. The runner turns API calls, timers and task results into these. */
export type ExecutionCommand =
  | {
      readonly type: 'StartExecution';
      readonly executionArn: string;
      readonly stateMachineArn: string;
      readonly name: string;
      readonly executionType: 'STANDARD' | 'EXPRESS';
      readonly definition: string;
      /** The input exactly as the caller sent it (JSON text). */
      readonly input: string;
      readonly roleArn: string;
      readonly traceHeader?: string;
      readonly actor?: string;
      /** Step Functions Local's mock test case (`<stateMachineArn>#<TestCase>`), kept in bookkeeping only. */
      readonly testCase?: string;
      /** StartExecution on a version or alias ARN: recorded in executionStartedEventDetails, as AWS's history shows them. */
      readonly stateMachineAliasArn?: string;
      readonly stateMachineVersionArn?: string;
      /**
       * The engine behaviour version to start with; absent: the current one. Only a replay of a
       * stored stream sets it (stream-fixtures.spec.ts decides a start as the engine that wrote it).
       */
      readonly behaviour?: EngineBehaviour;
    }
  /** A Wait state's or a retry backoff's deadline passed. Stale timers decide nothing. */
  | { readonly type: 'FireTimer'; readonly threadId: string; readonly enteredEventId: number }
  | { readonly type: 'StartTask'; readonly token: string; readonly workerName?: string }
  /** A `.sync` integration started its job (TaskSubmitted); the final outcome follows later. */
  | { readonly type: 'SubmitTask'; readonly token: string; readonly output: string }
  /** SendTaskHeartbeat: the worker is alive (resets the HeartbeatSeconds deadline). */
  | { readonly type: 'HeartbeatTask'; readonly token: string }
  | { readonly type: 'CompleteTask'; readonly token: string; readonly output: string }
  /** SendTaskFailure may name no error and no cause: AWS then records neither. */
  | { readonly type: 'FailTask'; readonly token: string; readonly error?: string; readonly cause?: string }
  /**
   * The task timed out: reported by whoever performs it, or fired by the engine's own timer
   * for TimeoutSeconds/HeartbeatSeconds (`deadline`), which decides nothing unless that
   * deadline, as the events define it now, has passed (a later heartbeat moved it).
   */
  | {
      readonly type: 'TimeOutTask';
      readonly token: string;
      readonly error?: string;
      readonly cause?: string;
      readonly deadline?: 'timeout' | 'heartbeat';
    }
  /** The object store answered a Map's ItemReader (the object's text, a listing, or a failure). */
  | {
      readonly type: 'CompleteItemRead';
      readonly threadId: string;
      readonly enteredEventId: number;
      readonly body?: string;
      readonly objects?: readonly ObjectSummary[];
      readonly failureCause?: string;
    }
  /**
   * One batch of a Map's ItemReader object, read from `position` (EngineBehaviour.StreamedItems),
   * or pages of its listing (EngineBehaviour.PagedListing; `ends` is empty, each item names its Key):
   * the items with the byte offset after each, whether the object (or MaxItems) ended there, or
   * the failure. Only the read that goes on from the position recorded decides anything.
   */
  | {
      readonly type: 'RecordItemBatch';
      readonly threadId: string;
      readonly enteredEventId: number;
      readonly position: ItemReadPosition;
      readonly items: readonly unknown[];
      readonly ends: readonly number[];
      /** CSV, FIRST_ROW: the headers the first row gave. */
      readonly headers?: readonly string[];
      readonly done: boolean;
      readonly failureCause?: string;
    }
  /** The object store stored (or failed to store) a Map's ResultWriter files. */
  | { readonly type: 'CompleteResultWrite'; readonly threadId: string; readonly enteredEventId: number; readonly failureCause?: string }
  | { readonly type: 'StopExecution'; readonly error?: string; readonly cause?: string; readonly actor?: string }
  | { readonly type: 'TimeOutExecution' }
  /** UpdateMapRun: a running Map Run's new limits (each absent one stays as it is). */
  | {
      readonly type: 'UpdateMapRun';
      readonly mapRunArn: string;
      readonly maxConcurrency?: number;
      readonly toleratedFailureCount?: number;
      readonly toleratedFailurePercentage?: number;
      readonly actor?: string;
    }
  /** RedriveExecution: resume a FAILED, TIMED_OUT or ABORTED execution from its unsuccessful states. */
  | { readonly type: 'RedriveExecution'; readonly clientToken?: string; readonly actor?: string }
  /**
   * A Distributed Map stopped starting iterations at the bound of one decision
   * (MAX_ITERATIONS_PER_DECISION): start the next ones. Derived from the folded state (the
   * `continue-map` effect), so a restart resumes it; a stale one decides nothing.
   */
  | { readonly type: 'ContinueMap'; readonly threadId: string; readonly enteredEventId: number }
  /** A decision stopped a thread between two states (MAX_EVENTS_PER_DECISION): enter the next one. `after`: the thread's last event id. */
  | { readonly type: 'ContinueThread'; readonly threadId: string; readonly after: number };

/** What the decider may not compute itself: time, ids, randomness, hashing, what exists outside. */
export interface DecisionEnv {
  readonly now: Date;
  readonly random: () => number;
  readonly uuid: () => string;
  readonly hash: (algorithm: string, data: string) => string;
  /**
   * Whether an activity exists. AWS fails a Task on a missing activity before scheduling it
   * (no ActivityScheduled; corpus: test_activity_task_on_deleted). Absent: not checked here.
   */
  readonly activityExists?: (activityArn: string) => Promise<boolean>;
  /**
   * TestState only (test-state.ts): what the state modules report of their data flow
   * (afterInputPath, afterParameters, result…), fields of `$$` the caller set, and the mocked
   * outcome of a Parallel's or Map's children. Absent in executions, which it never changes.
   */
  readonly testState?: TestStateHooks;
  /**
   * Lets the event loop run other work in the middle of a long decision (the runner passes a
   * setImmediate): called every PAUSE_EVERY_EVENTS events. The events decided are the same with
   * or without it; absent (tests), a decision never pauses.
   */
  readonly pause?: () => Promise<void>;
}

export interface TestStateHooks {
  /** `state`: the execution as it stands, to tell the tested state from the ones after it. */
  readonly inspect: (field: InspectedField, value: unknown, state: ExecutionState) => void;
  /** Whether a thread may enter the state it goes to next: TestState stops after the tested state. */
  readonly mayEnter: (threadId: string) => boolean;
  /** The context object the tested state sees in place of the engine's (TestState's `context`). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Without a given context, what `$$` shows of the test: the state's name and the role (null when none was given). */
  readonly shown?: { readonly stateName: string; readonly roleArn: string | null };
  /**
   * stateConfiguration.mapItemReaderData: what a Distributed Map's ItemReader would have read,
   * as found in its source (a JSON array, JSON Lines or CSV text; for `s3:listObjectsV2`, a JSON
   * array of the listed objects). The Map takes its items from it instead of the object store.
   */
  readonly itemReaderData?: string;
  /** A mocked Parallel or Map: its children do not run, this is their outcome. */
  readonly children?: { readonly result: unknown; readonly failedIterations?: number } | { readonly error: string; readonly cause: string };
}

/** The inspectionData fields of AWS's TestState that the state modules produce. */
export type InspectedField =
  | 'afterInputPath'
  | 'afterParameters'
  | 'afterArguments'
  | 'result'
  | 'afterResultSelector'
  | 'afterResultPath'
  | 'afterItemsPath'
  | 'afterItemSelector'
  | 'afterItemBatcher'
  | 'maxConcurrency'
  | 'toleratedFailureCount'
  | 'toleratedFailurePercentage'
  /** A Catch took the failure: `{ catchIndex, error, cause }`. */
  | 'caught'
  /** A Parallel's or Map's own failure, whose event carries none: `{ error, cause }`. */
  | 'failed'
  /** The retrier that matched the failure but had no attempts left: its index. */
  | 'retrierSpent';
