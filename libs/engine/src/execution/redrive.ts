import type { ExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';

/**
 * RedriveExecution's rules (AWS "Redriving executions" and DescribeExecution's
 * redriveStatusReason): a STANDARD execution that FAILED, TIMED_OUT or was ABORTED less than
 * 14 days ago, within one year of its start, with room in its history for the redrive.
 */
export const REDRIVABLE_PERIOD_MS = 14 * 24 * 60 * 60 * 1000;
export const MAX_EXECUTION_DURATION_MS = 365 * 24 * 60 * 60 * 1000;
/**
 * An EXPRESS execution's maximum execution time: "5 minutes. If an execution runs for more than
 * the 5-minute maximum, it will fail with a States.Timeout error" (Developer Guide, Step Functions
 * service quotas; "Maximum duration: 5 minutes" on the Standard vs Express page).
 */
export const MAX_EXPRESS_EXECUTION_DURATION_MS = 5 * 60 * 1000;

/** The maximum execution time of an execution of this type. */
export function maxExecutionDurationMs(type: string | undefined): number {
  return type === 'EXPRESS' ? MAX_EXPRESS_EXECUTION_DURATION_MS : MAX_EXECUTION_DURATION_MS;
}
/** ExecutionRedriven and at least one more event must fit under the 25,000-event quota. */
export const MAX_REDRIVABLE_HISTORY_EVENTS = 24_999;

export type RedriveStatus = 'REDRIVABLE' | 'NOT_REDRIVABLE';

export interface Redrivability {
  readonly redriveStatus: RedriveStatus;
  /** AWS's redriveStatusReason, when NOT_REDRIVABLE. */
  readonly reason?: string;
}

export function redrivabilityOf(state: ExecutionState, now: Date): Redrivability {
  const notRedrivable = (reason: string): Redrivability => ({ redriveStatus: 'NOT_REDRIVABLE', reason });
  const start = state.start;
  if (state.status === 'RUNNING' || state.status === 'SUCCEEDED') return notRedrivable(`Execution is ${state.status} and cannot be redriven.`);
  if (!start || state.status === 'NONE') return notRedrivable('Execution does not exist.');
  if (start.type !== 'STANDARD') return notRedrivable('Execution is EXPRESS and cannot be redriven.');
  if (state.lastEventId >= MAX_REDRIVABLE_HISTORY_EVENTS) return notRedrivable('Execution history event limit exceeded.');
  if (now.getTime() - Date.parse(start.startDate) >= MAX_EXECUTION_DURATION_MS) return notRedrivable('Execution has exceeded the max execution time.');
  if (state.stopDate !== undefined && now.getTime() - Date.parse(state.stopDate) > REDRIVABLE_PERIOD_MS) return notRedrivable('Execution redrivable period exceeded.');
  if (!state.redriveSnapshot) return notRedrivable('Execution has no unsuccessful state to redrive.');
  return { redriveStatus: 'REDRIVABLE' };
}

/**
 * The events of a failure cascade: the failed attempt that was not retried, the siblings it
 * aborted, the containers that failed with it, and the closing event. The fold keeps the
 * threads as they were before the last run of these events: the states a redrive resumes.
 */
export function isFailureCascadeEvent(event: ExecutionEvent): boolean {
  const type = event.type;
  if (type.endsWith('StateAborted')) return true;
  switch (type) {
    case 'ExecutionFailed':
    case 'ExecutionAborted':
    case 'ExecutionTimedOut':
    case 'MapIterationAborted':
    case 'MapRunAborted':
    case 'MapRunFailed':
    case 'EvaluationFailed':
    case 'TaskStarted':
      return true;
    case 'TaskFailed':
    case 'TaskTimedOut':
    case 'MapIterationFailed':
    case 'ParallelStateFailed':
    case 'MapStateFailed':
      return event.x.wakeAt === undefined; // a retry carries on: not a cascade
    default:
      return false;
  }
}
