import { MAX_EXECUTION_DURATION_MS } from './redrive';

/**
 * Retry and Catch matching, as the States Language specifies: the first retrier/catcher whose
 * ErrorEquals names the error wins. `States.ALL` matches every error; `States.TaskFailed`
 * matches every error except `States.Timeout` (AWS "Error handling in Step Functions").
 */
type Rule = Readonly<Record<string, any>>;

export function errorMatches(errorEquals: unknown, error: string, alias?: string): boolean {
  if (!Array.isArray(errorEquals)) return false;
  return errorEquals.some(
    (name) => name === error || (alias !== undefined && name === alias) || name === 'States.ALL' || (name === 'States.TaskFailed' && error !== 'States.Timeout'),
  );
}

/**
 * `alias`: a second name the error answers to. A missed heartbeat is recorded as
 * States.Timeout, and Retry/Catch may also name it States.HeartbeatTimeout ("Error names").
 */
export function findRetrier(retriers: readonly Rule[], error: string, alias?: string): { retrier: Rule; index: number } | undefined {
  const index = retriers.findIndex((retrier) => errorMatches(retrier.ErrorEquals, error, alias));
  return index < 0 ? undefined : { retrier: retriers[index], index };
}

export function findCatcher(catchers: readonly Rule[], error: string, alias?: string): Rule | undefined {
  return catchers.find((catcher) => errorMatches(catcher.ErrorEquals, error, alias));
}

/**
 * No retry waits longer than this: past it the backoff of a large BackoffRate (or many attempts)
 * is no date at all (Date's range ends 8.64e15 ms after 1970), and a retry due after its
 * execution's one-year limit never fires anyway, so the cap changes no outcome.
 */
export const LONGEST_BACKOFF_SECONDS = (2 * MAX_EXECUTION_DURATION_MS) / 1000;

/**
 * Delay before retry number `attempt + 1`: IntervalSeconds × BackoffRate^attempt, capped by
 * MaxDelaySeconds; JitterStrategy FULL draws uniformly from [0, delay]. IntervalSeconds 0 is 0
 * whatever the attempt (0 × 2^1024 would be NaN), and no delay passes LONGEST_BACKOFF_SECONDS:
 * either used to make the retry's deadline an invalid date, and the RangeError left the decision.
 */
export function computeBackoffSeconds(retrier: Rule, attempt: number, random: () => number): number {
  const interval = typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1;
  const rate = typeof retrier.BackoffRate === 'number' ? retrier.BackoffRate : 2;
  if (interval === 0) return 0;
  let delay = interval * Math.pow(rate, attempt);
  if (typeof retrier.MaxDelaySeconds === 'number') delay = Math.min(delay, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') delay = random() * delay;
  return Math.min(delay, LONGEST_BACKOFF_SECONDS);
}
