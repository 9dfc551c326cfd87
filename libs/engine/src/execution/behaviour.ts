import type { ExecutionStartInternals } from './history-event';

/**
 * Engine behaviour versions, recorded in every ExecutionStarted (`x.start.behaviour`), as
 * Temporal records its flags in history (sdk-typescript's workflow/src/flags.ts): a fix that
 * would decide differently on a recorded stream adds a version here and is taken only by
 * executions started with it, so an execution keeps deciding as the engine that started it.
 * Streams written before versions were recorded carry none and decide as Initial.
 */
export const EngineBehaviour = {
  /** The engine as of the stored-stream fixtures (testing/stream-fixtures). */
  Initial: 1,
  /**
   * A decision stops at MAX_EVENTS_PER_DECISION events between two states (ContinueThread goes
   * on), and a Distributed Map starts at most MAX_ITERATIONS_PER_DECISION iterations per
   * decision (ContinueMap): each step is appended on its own, so one execution's long run never
   * holds the process for long (issue 18).
   */
  BoundedDecisions: 2,
  /**
   * A Distributed Map's items (its input array, or what its ItemReader read) are stored in
   * MapItemsRecorded events of at most MAX_ITEMS_PER_RECORD items and MAX_ITEM_RECORD_BYTES
   * each, not in one MapStateStarted or MapRunStarted (~1.4 MB for 100,000 items; issue 18).
   */
  BatchedItems: 3,
  /**
   * A Wait fails as AWS's does on a SecondsPath that references a negative value, and on a
   * delay longer than 2^31 - 1 seconds however it is given ("Wait state delay is too long."),
   * where it used to wait 0 seconds, or a year until the execution timed out (issue 14 §3).
   */
  WaitRangeChecked: 4,
  /**
   * An ItemReader's object (s3:getObject) is read and parsed batch by batch, each batch stored
   * as it is read in a MapItemsRecorded event that records how far the object was read
   * (`x.read`), instead of read and parsed whole before its items are stored: the object is
   * never held whole, and a restart goes on from the last batch stored (issue 18).
   */
  StreamedItems: 5,
  /**
   * A redrive of a Distributed Map's run starts its unsuccessful children no faster than the
   * Map's MaxConcurrency allows: MapRunRedriven records them (`x.redriveIndices`) as waiting to
   * be redriven (AWS's pendingRedrive), and each starts with its own MapIterationStarted as room
   * frees up, where it used to restart every one of them at once (issue 14 §2).
   */
  MapRedriveConcurrency: 6,
  /**
   * A Distributed Map's child is held to its own history quota, as AWS's child executions
   * are: at 25,000 events of its own it fails with States.Runtime (MapIterationFailed), where
   * a child's endless loop of pure states used to run on in bounded steps until the parent's
   * one-year limit, its events numbered apart and never counted (issues 14 and 18).
   */
  ChildHistoryQuota: 7,
  /**
   * A Distributed Map child that failed on its own history quota is not redrivable, as on AWS
   * ("Redriving Map Runs": such children count toward the tolerated failures and are considered
   * failed): its MapIterationFailed says so (`x.notRedrivable`), a redrive of the parent leaves
   * it failed (MapRunRedriven's `x.keptFailed`), and a Map Run whose kept failures alone exceed
   * its tolerance fails again at once, where a redrive used to run such a child again
   * (issue 14 §2).
   */
  QuotaFailuresKept: 8,
  /**
   * A redrive of an inline Map starts its iterations that failed within the tolerance no faster
   * than its MaxConcurrency allows, after the ones the failure stopped inside a state (which
   * resume there): ExecutionRedriven's fold puts them in the Map's book as waiting
   * (`redriveQueue`), and each starts with its MapIterationStarted as room frees up, where they
   * all used to start at once (issue 14 §2; AWS redrives "only the iterations … that failed or
   * aborted").
   */
  InlineMapRedriveConcurrency: 9,
  /**
   * An ItemReader's `s3:listObjectsV2` listing is read page by page, as S3 pages it (at most
   * 1,000 keys a call), each page stored as it is read in MapItemsRecorded events that record the
   * last key listed (`x.read.after`), instead of listed whole in one call: a bucket of 100,000
   * objects is a hundred bounded reads and events, and a restart goes on after the last key
   * stored (issue 14 §2).
   */
  PagedListing: 10,
  /**
   * A Map's numbers given through a path (MaxConcurrencyPath, ToleratedFailure…Path,
   * ReaderConfig's MaxItemsPath, ItemBatcher's …Path) are read from the value's text, as
   * AWS reads them: a string holding a number (`"1"`) is taken where it used to fail the state,
   * and a MaxItemsPath or ItemBatcher path whose value is no integer fails the state with
   * States.Runtime right after MapStateStarted, where it used to fail the Map Run with
   * States.ItemReaderFailed or be rounded (numberAtPath).
   */
  PathNumbersAsText: 11,
  /**
   * A Parallel whose failure is retried writes no ParallelStateFailed for that attempt (the
   * event is kept hidden, for the retry it carries): the history goes from the failed branch
   * straight to the next ParallelStateStarted, as AWS's does; only the last attempt's failure
   * shows ParallelStateFailed.
   */
  ParallelRetryUnrecorded: 12,
  /**
   * A JSONata MaxConcurrency, ToleratedFailureCount or ToleratedFailurePercentage whose result
   * is no number (no integer for the first two) fails the Map with States.QueryEvaluationError
   * ("returned an unexpected result type"), where it used to be read as NaN: a MaxConcurrency
   * of 'abc' started no iteration and the execution waited a year.
   */
  JsonataMapLimitsTyped: 13,
  /**
   * A Wait in flight when its execution is stopped or times out writes no WaitStateAborted (the
   * event is kept hidden, for the fold): AWS records ExecutionStarted, WaitStateEntered,
   * ExecutionAborted (LocalStack's AWS-validated snapshot test_sfn_api::test_stop_execution,
   * 2024-05-06). A Wait aborted with its branch (a sibling failed) still writes it.
   */
  StoppedWaitUnrecorded: 14,
  /**
   * JSONata values AWS documents or was measured
   * to treat otherwise: a JSONata Wait `Seconds` past 99999999 fails the state with
   * States.QueryEvaluationError (Wait page: the expression "must evaluate to an integer in the
   * stated range", 0 to 99999999), where it used to wait until the execution's one-year limit;
   * and a JSONata result holding an infinite number keeps it as the text "Infinity" /
   * "-Infinity" (AWS measured in floci-io/floci#2783: `[1/0]` gives `["Infinity"]`,
   * `{'k': 1/0}` gives `{"k":"Infinity"}`), where JSON's serialisation used to make it null;
   * and $range cuts non-integer arguments toward zero and has no 1000-item ceiling (AWS measured
   * in floci-io/floci#2676: `$range(-1.7, 2, 1)` is `[-1,0,1,2]`, a 200,000-item range runs),
   * where it took fractions as given and failed past States.ArrayRange's 1000 items.
   */
  JsonataValuesAsAws: 15,
  /**
   * A Choice assigns both its state-level Assign and the matched rule's Assign, the rule's
   * values winning where both name a variable (AWS's Developer Guide, "Choice workflow state":
   * a rule's Assign "assigns variables when this specific choice rule matches", and an Assign
   * at the state level "applies regardless of which choice rule matches"; LocalStack's
   * AWS-validated test_assign_in_choice[CONDITION_TRUE], 2024-11, records the rule's value for a
   * name both give). A JSONPath Choice used to ignore the matched rule's Assign, and a JSONata
   * one to drop the state's Assign whenever the matched rule had its own.
   */
  ChoiceAssignMerged: 16,
  /**
   * Also with version 16: a redriven execution's context object shows `Execution.RedriveTime`,
   * when the last redrive started (AWS's Developer Guide, "Accessing execution data from the
   * Context object": "The RedriveTime Context object is only available if you've redriven an
   * execution"). It was missing, so `$$.Execution.RedriveTime` failed to resolve.
   */
  RedriveTimeInContext: 16,
} as const;
export type EngineBehaviour = (typeof EngineBehaviour)[keyof typeof EngineBehaviour];

/** The version new executions record. */
export const CURRENT_ENGINE_BEHAVIOUR: EngineBehaviour = EngineBehaviour.ChoiceAssignMerged;

/** The version an execution decides by: the one it recorded, or Initial for older streams. */
export function behaviourOf(start: Pick<ExecutionStartInternals, 'behaviour'> | undefined): EngineBehaviour {
  return (start?.behaviour as EngineBehaviour | undefined) ?? EngineBehaviour.Initial;
}

/** Whether an execution decides with (at least) the behaviour `version`: the gate around a fix. */
export function decidesWith(start: Pick<ExecutionStartInternals, 'behaviour'> | undefined, version: EngineBehaviour): boolean {
  return behaviourOf(start) >= version;
}
