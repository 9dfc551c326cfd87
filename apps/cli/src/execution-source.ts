import { buildTimeline, executionStreamId, isHistoryEvent, toHistoryEvent, type ExecutionEvent } from '@stepstone/engine';
import { openDataStore, parseStatesArn, UsageError } from './cli-support';

/**
 * An execution's history for `stepstone history` and `timeline`: from a running server
 * (GetExecutionHistory over the AWS protocol) or straight from a store folder.
 */

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8083';

/** An AWS error returned by the server (or found locally): printed as `Name: message`. */
export class AwsCommandError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StateStep {
  readonly type: string;
  readonly timestamp: string;
  readonly stateName?: string;
}

export interface LoadedExecution {
  readonly history: readonly Record<string, unknown>[];
  readonly steps: readonly StateStep[];
}

export function checkExecutionArn(arn: string | undefined): string {
  if (arn === undefined) throw new UsageError('give an execution ARN');
  const parsed = parseStatesArn(arn);
  if (parsed?.kind !== 'execution' || parsed.parts.length < 2) throw new AwsCommandError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  return arn;
}

export async function loadExecution(arn: string, source: { endpoint?: string; data?: string }): Promise<LoadedExecution> {
  if (source.data !== undefined) {
    const store = await openDataStore(source.data);
    try {
      const events = (await store.readStream(executionStreamId(arn))).map((recorded) => recorded.data as ExecutionEvent);
      if (events.length === 0) throw new AwsCommandError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      return { history: events.filter(isHistoryEvent).map((event) => toHistoryEvent(event)), steps: buildTimeline(events).steps };
    } finally {
      await store.close();
    }
  }
  const history = await historyFromServer(arn, source.endpoint ?? DEFAULT_ENDPOINT);
  const steps = history.map((event) => ({
    type: String(event.type),
    timestamp: isoTimestamp(event.timestamp),
    ...stateNameOf(event),
  }));
  return { history, steps };
}

/** The AWS JSON protocol sends timestamps as epoch seconds. */
function isoTimestamp(value: unknown): string {
  return typeof value === 'number' ? new Date(value * 1000).toISOString() : String(value);
}

function stateNameOf(event: Record<string, unknown>): { stateName?: string } {
  const details = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails) as { name?: string } | undefined;
  return details?.name !== undefined ? { stateName: details.name } : {};
}

async function historyFromServer(arn: string, endpoint: string): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  let nextToken: string | undefined;
  do {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.GetExecutionHistory' },
        body: JSON.stringify({ executionArn: arn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
      });
    } catch (error) {
      throw new AwsCommandError('ConnectionError', `cannot reach ${endpoint}: ${(error as Error).cause ?? (error as Error).message}`);
    }
    const body = (await response.json()) as { events?: Record<string, unknown>[]; nextToken?: string; __type?: string; message?: string };
    if (!response.ok) throw new AwsCommandError(String(body.__type ?? 'ServiceError').split('#').pop() ?? 'ServiceError', body.message ?? `HTTP ${response.status}`);
    events.push(...(body.events ?? []).map((event) => ({ ...event, timestamp: isoTimestamp(event.timestamp) })));
    nextToken = body.nextToken;
  } while (nextToken);
  return events;
}

/** Each state entered, with when it was entered and how long it ran (undefined while running). */
export function stateDurations(steps: readonly StateStep[]): { name: string; enteredAt: string; ms?: number; type: string }[] {
  const rows: { name: string; enteredAt: string; ms?: number; type: string }[] = [];
  const open = new Map<string, number[]>();
  for (const step of steps) {
    if (step.stateName === undefined) continue;
    if (step.type.endsWith('StateEntered')) {
      open.set(step.stateName, [...(open.get(step.stateName) ?? []), rows.length]);
      rows.push({ name: step.stateName, enteredAt: step.timestamp, type: step.type.replace(/StateEntered$/, '') });
    } else if (step.type.endsWith('StateExited')) {
      const index = open.get(step.stateName)?.shift();
      const row = index === undefined ? undefined : rows[index];
      if (row) row.ms = Date.parse(step.timestamp) - Date.parse(row.enteredAt);
    }
  }
  return rows;
}
