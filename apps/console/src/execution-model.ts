/**
 * What happened to each state of one execution, read off its AWS history (GetExecutionHistory's
 * events): the colour a state gets in the graph and the time spent in it.
 */
export type StateOutcome = 'running' | 'succeeded' | 'failed' | 'caught' | 'retried' | 'not-reached';

export interface StateSummary {
  outcome: StateOutcome;
  visits: number;
  retries: number;
  durationMs: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId?: number;
  readonly type: string;
  /** Epoch seconds, as the AWS JSON protocol sends it. */
  readonly timestamp: number;
  readonly [details: string]: unknown;
}

const EXECUTION_END = /^Execution(Succeeded|Failed|Aborted|TimedOut)$/;
const STATE_FAILURE = /^(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$|^(Parallel|Map)StateFailed$|^MapRunFailed$|^EvaluationFailed$/;
const STATE_SUCCESS = /^(Task|LambdaFunction|Activity)Succeeded$/;
const CONTAINER_ENTERED = /^(Parallel|Map)StateEntered$/;
const CONTAINER_EVENT = /^(Parallel|Map)State(Started|Succeeded|Failed|Aborted)$|^MapRun/;
const STATE_SCHEDULE = /^(Task|LambdaFunction|Activity)Scheduled$|^(Parallel|Map)StateStarted$/;
const CONTAINER_START = /^(Parallel|Map)StateStarted$/;

/** The `*EventDetails` object of an event, whichever its type. */
export function detailsOf(event: HistoryEvent): Record<string, unknown> | undefined {
  const key = Object.keys(event).find((name) => name.endsWith('EventDetails'));
  return key ? (event[key] as Record<string, unknown>) : undefined;
}

export function summarizeStates(events: readonly HistoryEvent[], nowMs: number): Map<string, StateSummary> {
  const summaries = new Map<string, StateSummary & { enteredAt?: number; exited: boolean; lastOutcome?: 'failed' | 'succeeded'; containerStarted?: boolean }>();
  const stateOfEvent = new Map<number, string | undefined>();
  const exitedEvents = new Set<number>();
  const ended = events.some((event) => EXECUTION_END.test(event.type));
  // A Parallel's or Map's own events (Started, Failed...) chain to its children's last event,
  // not to its Entered: they belong to the innermost open Parallel or Map.
  const openContainers: string[] = [];
  for (const event of events) {
    const details = detailsOf(event);
    let name: string | undefined;
    if (event.type.endsWith('StateEntered')) {
      name = String(details?.name);
      const summary = summaries.get(name) ?? { outcome: 'running', visits: 0, retries: 0, durationMs: 0, exited: false };
      summary.visits += 1;
      summary.enteredAt = event.timestamp * 1000;
      summary.exited = false;
      summary.lastOutcome = undefined;
      summary.containerStarted = false;
      summary.input = typeof details?.input === 'string' ? details.input : summary.input;
      summaries.set(name, summary);
      if (CONTAINER_ENTERED.test(event.type)) openContainers.push(name);
    } else if (event.type.endsWith('StateExited')) {
      name = String(details?.name);
      exitedEvents.add(event.id);
      const open = openContainers.lastIndexOf(name);
      if (open >= 0 && CONTAINER_ENTERED.test(event.type.replace('Exited', 'Entered'))) openContainers.splice(open, 1);
      const summary = summaries.get(name);
      if (summary) {
        summary.exited = true;
        if (summary.enteredAt !== undefined) summary.durationMs += event.timestamp * 1000 - summary.enteredAt;
        summary.enteredAt = undefined;
        summary.output = typeof details?.output === 'string' ? details.output : summary.output;
      }
    } else {
      const previous = event.previousEventId ?? 0;
      name = CONTAINER_EVENT.test(event.type) ? openContainers.at(-1) : exitedEvents.has(previous) ? undefined : stateOfEvent.get(previous);
      const summary = name !== undefined ? summaries.get(name) : undefined;
      if (summary) {
        if (STATE_FAILURE.test(event.type)) {
          summary.lastOutcome = 'failed';
          if (typeof details?.error === 'string') summary.error = details.error;
          if (typeof details?.cause === 'string') summary.cause = details.cause;
        } else if (STATE_SUCCESS.test(event.type)) {
          summary.lastOutcome = 'succeeded';
        } else if (STATE_SCHEDULE.test(event.type)) {
          // A retried attempt starts again. AWS records no ParallelStateFailed for a Parallel
          // attempt it retries: a second ParallelStateStarted in one visit is the retry.
          const containerStart = CONTAINER_START.test(event.type);
          if (summary.lastOutcome === 'failed' || (containerStart && summary.containerStarted === true)) {
            summary.retries += 1;
            summary.lastOutcome = undefined;
          }
          if (containerStart) summary.containerStarted = true;
        }
      }
    }
    stateOfEvent.set(event.id, name);
  }
  const result = new Map<string, StateSummary>();
  for (const [name, summary] of summaries) {
    let outcome: StateOutcome;
    if (summary.exited) outcome = summary.lastOutcome === 'failed' ? 'caught' : summary.retries > 0 ? 'retried' : 'succeeded';
    else outcome = ended ? 'failed' : summary.lastOutcome === 'failed' && summary.retries === 0 && ended ? 'failed' : 'running';
    const open = !summary.exited && !ended && summary.enteredAt !== undefined ? nowMs - summary.enteredAt : 0;
    result.set(name, {
      outcome,
      visits: summary.visits,
      retries: summary.retries,
      durationMs: summary.durationMs + open,
      ...(summary.input !== undefined ? { input: summary.input } : {}),
      ...(summary.output !== undefined ? { output: summary.output } : {}),
      ...(summary.error !== undefined ? { error: summary.error } : {}),
      ...(summary.cause !== undefined ? { cause: summary.cause } : {}),
    });
  }
  return result;
}
