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
