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
  readonly redriveCount?: number;
  readonly redriveDate?: string;
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
  readonly writes_results: number;
  readonly redrive_count: number;
  readonly redrive_date: string | null;
  readonly execution_arn: string;
  readonly state_machine_arn: string;
}

export interface MapRunExecutionRow {
  readonly map_run_arn: string;
  readonly item_index: number;
  readonly status: string;
  readonly start_date: string;
  readonly stop_date: string | null;
  readonly redrive_count: number;
  readonly redrive_date: string | null;
}

/**
 * The counts from the children's statuses. Item counts equal execution counts but for the
 * totals: with ItemBatcher each child processes a batch, and items are counted per batch only
 * in `total` (the engine records a child's outcome, not each item's).
 */
export function toMapRun(row: MapRunRow, byStatus: ReadonlyArray<{ status: string; count: number | string }>): MapRunRecord {
  const count = (status: string) => Number(byStatus.find((entry) => entry.status === status)?.count ?? 0);
  const started = byStatus.reduce((sum, entry) => sum + Number(entry.count), 0);
  const ended = row.status !== 'RUNNING';
  const counts = (total: number): MapRunCounts => {
    const succeeded = count('SUCCEEDED');
    const failed = count('FAILED');
    return {
      pending: Math.max(0, total - started),
      running: count('RUNNING'),
      succeeded,
      failed,
      timedOut: count('TIMED_OUT'),
      aborted: count('ABORTED'),
      total,
      // ResultWriter writes every child's result once the children have ended.
      resultsWritten: row.writes_results && ended && row.status !== 'ABORTED' ? succeeded + failed : 0,
      failuresNotRedrivable: 0,
      pendingRedrive: 0,
    };
  };
  const executionCounts = counts(Number(row.execution_total));
  const itemCounts = Number(row.item_total) === Number(row.execution_total) ? executionCounts : counts(Number(row.item_total));
  return {
    mapRunArn: row.map_run_arn,
    executionArn: row.execution_arn,
    stateMachineArn: row.state_machine_arn,
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
  };
}

/**
 * A child's ARN: AWS names child workflow executions `execution:<stateMachine>/<label>:<id>`
 * and their state machine `stateMachine:<stateMachine>/<label>`. The id is derived from the
 * Map Run and the item's index, so every process and every rebuild gives the same one.
 */
export function toMapRunExecution(row: MapRunExecutionRow): MapRunExecutionRecord {
  const mapRunArn = row.map_run_arn;
  const [prefix, resource = ''] = splitOnce(mapRunArn, ':mapRun:');
  const labelled = resource.slice(0, resource.lastIndexOf(':'));
  const hex = createHash('sha256').update(`${mapRunArn}#${row.item_index}`).digest('hex');
  const name = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return {
    executionArn: `${prefix}:execution:${labelled}:${name}`,
    stateMachineArn: `${prefix}:stateMachine:${labelled}`,
    name,
    status: row.status,
    startDate: row.start_date,
    ...(row.stop_date !== null ? { stopDate: row.stop_date } : {}),
    mapRunArn,
    ...(Number(row.redrive_count) > 0 ? { redriveCount: Number(row.redrive_count) } : {}),
    ...(row.redrive_date !== null ? { redriveDate: row.redrive_date } : {}),
  };
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + separator.length)];
}
