/**
 * Retry and Catch matching, as the States Language specifies: the first retrier/catcher whose
 * ErrorEquals names the error wins. `States.ALL` matches every error; `States.TaskFailed`
 * matches every error except `States.Timeout` (AWS "Error handling in Step Functions").
 */
type Rule = Readonly<Record<string, any>>;

export function errorMatches(errorEquals: unknown, error: string): boolean {
  if (!Array.isArray(errorEquals)) return false;
  return errorEquals.some(
    (name) => name === error || name === 'States.ALL' || (name === 'States.TaskFailed' && error !== 'States.Timeout'),
  );
}

export function findRetrier(retriers: readonly Rule[], error: string): { retrier: Rule; index: number } | undefined {
  const index = retriers.findIndex((retrier) => errorMatches(retrier.ErrorEquals, error));
  return index < 0 ? undefined : { retrier: retriers[index], index };
}

export function findCatcher(catchers: readonly Rule[], error: string): Rule | undefined {
  return catchers.find((catcher) => errorMatches(catcher.ErrorEquals, error));
}

/**
 * Delay before retry number `attempt + 1`: IntervalSeconds × BackoffRate^attempt, capped by
 * MaxDelaySeconds; JitterStrategy FULL draws uniformly from [0, delay].
 */
export function computeBackoffSeconds(retrier: Rule, attempt: number, random: () => number): number {
  const interval = typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1;
  const rate = typeof retrier.BackoffRate === 'number' ? retrier.BackoffRate : 2;
  let delay = interval * Math.pow(rate, attempt);
  if (typeof retrier.MaxDelaySeconds === 'number') delay = Math.min(delay, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') delay = random() * delay;
  return delay;
}
