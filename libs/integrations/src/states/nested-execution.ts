import { createHash } from 'node:crypto';
import type { TaskProgress } from '@stepstone/engine';
import { IntegrationPattern } from '../resource-arn';
import { sdkHttpMetadata } from '../aws-services/service-errors';
import { TaskFailure } from '../task-failure';

/** An execution as DescribeExecution shows it. */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly startDate: string;
  readonly stopDate?: string;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * What nested executions need from the server: start a child in-process (through the same
 * runner, so it is durable like any execution) and follow it. `start` throws a TaskFailure with
 * AWS's error for a missing machine or a name taken by another input.
 */
export interface NestedExecutionPort {
  /**
   * `startedBy` names the parent task: a child it already started (before a crash) is found
   * again even after the child closed, where a plain StartExecution would answer
   * ExecutionAlreadyExists.
   */
  start(request: {
    stateMachineArn: string;
    name: string;
    input: string;
    startedBy: { readonly executionArn: string; readonly token: string };
  }): Promise<{ executionArn: string; startDate: string }>;
  describe(executionArn: string): Promise<ExecutionDescription | undefined>;
  waitUntilClosed(executionArn: string): Promise<ExecutionDescription>;
}

interface StartExecutionParameters {
  readonly StateMachineArn?: unknown;
  readonly Input?: unknown;
  readonly Name?: unknown;
}

/**
 * `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`. Without a Name the
 * child's name is derived from the parent task's token, so a task re-dispatched after a restart
 * finds the child it already started (StartExecution is idempotent on name and input) instead
 * of starting a second one.
 */
export async function startNestedExecution(
  port: NestedExecutionPort,
  parameters: StartExecutionParameters,
  pattern: IntegrationPattern,
  parent: { readonly executionArn: string; readonly token: string },
  report: (progress: TaskProgress) => Promise<boolean>,
): Promise<unknown> {
  if (typeof parameters.StateMachineArn !== 'string') {
    throw new TaskFailure('States.Runtime', "The field 'StateMachineArn' is required and must be a string");
  }
  const input = parameters.Input === undefined || parameters.Input === null ? '{}' : typeof parameters.Input === 'string' ? parameters.Input : JSON.stringify(parameters.Input);
  const name = typeof parameters.Name === 'string' ? parameters.Name : nameFromToken(parent.token);
  if (pattern === IntegrationPattern.Sync || pattern === IntegrationPattern.Sync2) await report({ kind: 'started' });
  const started = await port.start({ stateMachineArn: parameters.StateMachineArn, name, input, startedBy: parent });
  const requestId = createHash('sha256').update(started.executionArn).digest('hex').slice(0, 32);
  const startResponse = {
    ExecutionArn: started.executionArn,
    SdkHttpMetadata: sdkHttpMetadata(requestId, 200),
    SdkResponseMetadata: { RequestId: requestId },
    StartDate: Date.parse(started.startDate),
  };
  if (pattern !== IntegrationPattern.Sync && pattern !== IntegrationPattern.Sync2) return startResponse;

  await report({ kind: 'submitted', output: JSON.stringify(startResponse) });
  const closed = await port.waitUntilClosed(started.executionArn);
  const described = describeOutput(closed, pattern === IntegrationPattern.Sync2);
  if (closed.status !== 'SUCCEEDED') throw new TaskFailure('States.TaskFailed', JSON.stringify(described));
  return described;
}

/** DescribeExecution's shape, as a `.sync` task returns it; `.sync:2` parses Input and Output. */
function describeOutput(execution: ExecutionDescription, parseJson: boolean): Record<string, unknown> {
  const json = (text: string) => (parseJson ? JSON.parse(text) : text);
  return {
    ...(execution.cause !== undefined ? { Cause: execution.cause } : {}),
    ...(execution.error !== undefined ? { Error: execution.error } : {}),
    ExecutionArn: execution.executionArn,
    Input: json(execution.input),
    InputDetails: { Included: true },
    Name: execution.name,
    ...(execution.output !== undefined ? { Output: json(execution.output), OutputDetails: { Included: true } } : {}),
    StartDate: Date.parse(execution.startDate),
    StateMachineArn: execution.stateMachineArn,
    Status: execution.status,
    ...(execution.stopDate !== undefined ? { StopDate: Date.parse(execution.stopDate) } : {}),
  };
}

/** A UUID-shaped name from the token's digest (AWS names unnamed children with a UUID). */
function nameFromToken(token: string): string {
  const hex = createHash('sha256').update(token).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
