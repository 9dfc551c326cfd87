import { createHash } from 'node:crypto';

/**
 * Map Runs as DescribeMapRun, ListMapRuns and ListExecutions (by mapRunArn) answer: a
 * Distributed Map's run and its child workflow executions (AWS "Examining Map Run").
 */
export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** AWS's MapRunItemCounts and MapRunExecutionCounts share these fields. */
export interface MapRunCounts {
  readonly pending: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly aborted: number;
  readonly total: number;
  readonly resultsWritten: number;
  readonly failuresNotRedrivable: number;
  readonly pendingRedrive: number;
}

export interface MapRunRecord {
  readonly mapRunArn: string;
  readonly executionArn: string;
  /** The children's state machine, `…:stateMachine:<machine>/<label>` (ListMapRuns shows it). */
  readonly stateMachineArn: string;
  readonly status: MapRunStatus;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly toleratedFailureCount: number;
  readonly itemCounts: MapRunCounts;
  readonly executionCounts: MapRunCounts;
  readonly redriveCount: number;
  readonly redriveDate?: string;
  /** Ended, and a redrive of its parent would run its unsuccessful children again (those that can be). */
  readonly redrivesChildren: boolean;
}

/** A child workflow execution of a Map Run, as ListExecutions lists it. */
export interface MapRunExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly mapRunArn: string;
  /** The child's item (or batch) index in its Map Run. */
  readonly index: number;
  readonly redriveCount?: number;
  readonly redriveDate?: string;
  /** It failed on its own history quota: no redrive runs it again ("Execution history event limit exceeded."). */
  readonly notRedrivable?: boolean;
}

/** A row of read_map_runs joined with its execution. */
export interface MapRunRow {
  readonly map_run_arn: string;
  readonly status: string;
  readonly start_date: string;
  readonly stop_date: string | null;
  readonly max_concurrency: number;
  readonly tolerated_failure_percentage: number;
  readonly tolerated_failure_count: number;
  readonly item_total: number;
  readonly execution_total: number;
  readonly batch_sizes: string | null;
  readonly redrive_count: number;
  readonly redrive_date: string | null;
  readonly execution_arn: string;
  readonly state_machine_arn: string;
  /** The parent execution's status: whether a redrive of it would redrive this run's children. */
  readonly execution_status: string;
}

export interface MapRunExecutionRow {
  readonly map_run_arn: string;
  readonly item_index: number;
  readonly status: string;
  readonly start_date: string;
  readonly stop_date: string | null;
  readonly redrive_count: number;
  readonly redrive_date: string | null;
  readonly not_redrivable?: number;
}

/** A child's status in the count queries: whether it waits to be redriven, whether it never can be. */
type ChildStatus = { status: string; pending_redrive?: number | string; not_redrivable?: number | string };

/**
 * The counts from the children's statuses (`byStatus`). With ItemBatcher each child processes a
 * batch: `children` (each child's index and status) weighs the item counts by batch size.
 */
export function toMapRun(
  row: MapRunRow,
  byStatus: ReadonlyArray<ChildStatus & { count: number | string }>,
  children?: ReadonlyArray<ChildStatus & { item_index: number }>,
): MapRunRecord {
  const ended = row.status !== 'RUNNING';
  const notRedrivable = ended && !redrivesChildren(row);
  /** `count(PENDING_REDRIVE)` is the children waiting to be redriven, whatever their (unsuccessful) status. */
  const counts = (total: number, count: (status: string) => number): MapRunCounts => {
    const succeeded = count('SUCCEEDED');
    const failed = count('FAILED');
    const running = count('RUNNING');
    const timedOut = count('TIMED_OUT');
    const aborted = count('ABORTED');
    return {
      pending: Math.max(0, total - succeeded - failed - running - timedOut - aborted),
      running,
      succeeded,
      failed,
      timedOut,
      aborted,
      total,
      // Once the children have ended, every succeeded or failed child's result is written, with
      // a ResultWriter or without (LocalStack's AWS recording test_list_map_runs_and_describe_map_run).
      resultsWritten: ended && row.status !== 'ABORTED' ? succeeded + failed : 0,
      // A redrive of the parent would run the others again, but not a child that failed on its
      // own history quota (AWS "Redriving Map Runs": such children are "considered as failed").
      failuresNotRedrivable: notRedrivable ? failed + timedOut + aborted : count(NOT_REDRIVABLE),
      // Unsuccessful children a redrive let wait until MaxConcurrency leaves room (engine
      // behaviour MapRedriveConcurrency); they are still counted by their status above.
      pendingRedrive: count(PENDING_REDRIVE),
    };
  };
  const matches = (entry: ChildStatus, status: string) =>
    status === PENDING_REDRIVE ? Number(entry.pending_redrive ?? 0) === 1 : status === NOT_REDRIVABLE ? Number(entry.not_redrivable ?? 0) === 1 : entry.status === status;
  const executionCounts = counts(Number(row.execution_total), (status) =>
    byStatus.reduce((sum, entry) => sum + (matches(entry, status) ? Number(entry.count) : 0), 0),
  );
  let itemCounts = executionCounts;
  if (row.batch_sizes !== null && children) {
    const sizes = JSON.parse(row.batch_sizes) as number[];
    itemCounts = counts(Number(row.item_total), (status) =>
      children.reduce((sum, child) => sum + (matches(child, status) ? (sizes[Number(child.item_index)] ?? 1) : 0), 0),
    );
  } else if (Number(row.item_total) !== Number(row.execution_total)) {
    itemCounts = { ...executionCounts, total: Number(row.item_total), pending: executionCounts.pending + Number(row.item_total) - Number(row.execution_total) };
  }
  return {
    mapRunArn: row.map_run_arn,
    executionArn: row.execution_arn,
    stateMachineArn: mapRunStateMachineArn(row.map_run_arn),
    status: row.status as MapRunStatus,
    startDate: row.start_date,
    ...(row.stop_date !== null ? { stopDate: row.stop_date } : {}),
    maxConcurrency: Number(row.max_concurrency),
    toleratedFailurePercentage: Number(row.tolerated_failure_percentage),
    toleratedFailureCount: Number(row.tolerated_failure_count),
    itemCounts,
    executionCounts,
    redriveCount: Number(row.redrive_count),
    ...(row.redrive_date !== null ? { redriveDate: row.redrive_date } : {}),
    redrivesChildren: ended && !notRedrivable,
  };
}

/** The pseudo-status `counts` takes for the children waiting to be redriven. */
const PENDING_REDRIVE = 'PENDING_REDRIVE';
/** The pseudo-status `counts` takes for the children that failed for good. */
const NOT_REDRIVABLE = 'NOT_REDRIVABLE';

/**
 * Whether redriving the parent execution would redrive this ended Map Run's unsuccessful
 * children. AWS counts those that cannot be as `failuresNotRedrivable` ("FAILED, ABORTED, or
 * TIMED_OUT child workflow executions that cannot be redriven", API reference,
 * MapRunExecutionCounts). A parent redrive resumes only a Map state with no Exited event (AWS
 * "Redriving Map Runs"), and only a parent that ended FAILED, TIMED_OUT or ABORTED can be
 * redriven: a Map Run that succeeded (its failures were tolerated), or whose failure was caught
 * or retried (the parent runs on, or succeeded), leaves its failures for good. The 14-day
 * redrive period is not counted here.
 */
function redrivesChildren(row: MapRunRow): boolean {
  if (row.status !== 'FAILED' && row.status !== 'ABORTED') return false;
  return row.execution_status === 'FAILED' || row.execution_status === 'TIMED_OUT' || row.execution_status === 'ABORTED';
}

/**
 * A child's ARN: AWS names child workflow executions `execution:<stateMachine>/<label>:<id>`
 * and their state machine `stateMachine:<stateMachine>/<label>`. The id is derived from the
 * Map Run and the item's index, so every process and every rebuild gives the same one.
 */
export function toMapRunExecution(row: MapRunExecutionRow): MapRunExecutionRecord {
  const mapRunArn = row.map_run_arn;
  const [prefix, labelled] = partsOf(mapRunArn);
  const hex = createHash('sha256').update(`${mapRunArn}#${row.item_index}`).digest('hex');
  const name = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return {
    executionArn: `${prefix}:execution:${labelled}:${name}`,
    stateMachineArn: mapRunStateMachineArn(mapRunArn),
    name,
    status: row.status,
    startDate: row.start_date,
    ...(row.stop_date !== null ? { stopDate: row.stop_date } : {}),
    mapRunArn,
    index: Number(row.item_index),
    ...(Number(row.redrive_count) > 0 ? { redriveCount: Number(row.redrive_count) } : {}),
    ...(row.redrive_date !== null ? { redriveDate: row.redrive_date } : {}),
    ...(Number(row.not_redrivable ?? 0) === 1 ? { notRedrivable: true } : {}),
  };
}

/**
 * `arn:…:execution:<machine>/<label>:<id>` (a Map Run's child) → `arn:…:mapRun:<machine>/<label>:`,
 * the start of its Map Run's ARN; undefined for any other ARN.
 */
export function mapRunPrefixOfChild(executionArn: string): string | undefined {
  const match = /^(arn:[^:]+:states:[^:]*:[^:]*):execution:([^:/]+\/[^:/]+):[^:]+$/.exec(executionArn);
  return match ? `${match[1]}:mapRun:${match[2]}:` : undefined;
}

/** `arn:…:mapRun:<machine>/<label>:<id>` → [`arn:…`, `<machine>/<label>`]. */
function partsOf(mapRunArn: string): [prefix: string, labelled: string] {
  const at = mapRunArn.indexOf(':mapRun:');
  const resource = mapRunArn.slice(at + ':mapRun:'.length);
  return [mapRunArn.slice(0, at), resource.slice(0, resource.lastIndexOf(':'))];
}

/**
 * The state machine a Map Run's children run: `stateMachine:<machine>/<label>`, as ListMapRuns
 * and ListExecutions name it (LocalStack's AWS recording test_list_map_runs_and_describe_map_run).
 */
export function mapRunStateMachineArn(mapRunArn: string): string {
  const [prefix, labelled] = partsOf(mapRunArn);
  return `${prefix}:stateMachine:${labelled}`;
}
