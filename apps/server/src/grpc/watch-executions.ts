import type { ExecutionEvent } from '@stepstone/engine';
import type { RecordedEvent } from '@stepstone/event-store';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { validateRequest } from '../aws-protocol/validate-request';
import { DescribeStateMachineQuery } from '../state-machines/state-machine-queries.handler';
import { StateMachineArnDto } from '../state-machines/state-machines.dto';
import { toMessage } from './aws-shapes';
import type { StreamCall } from './stream-call';
import type { WatchDependencies } from './watch-execution';

/** The history events that change an execution's status, and the status they change it to. */
const STATUS_AFTER: Readonly<Record<string, string>> = {
  ExecutionStarted: 'RUNNING',
  ExecutionRedriven: 'RUNNING',
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

export interface WatchExecutionsDependencies extends Omit<WatchDependencies, 'historyEventType'> {
  readonly statusChangeType: WatchDependencies['historyEventType'];
}

/**
 * WatchExecutions: the status changes of one state machine's executions, from the store's
 * global feed (so executions run by any process sharing the store are seen), starting at the
 * feed's head when the call arrives. Runs until the client cancels.
 */
export async function watchExecutions(
  request: { readonly stateMachineArn?: unknown },
  call: StreamCall<Record<string, unknown>>,
  deps: WatchExecutionsDependencies,
): Promise<void> {
  const { stateMachineArn } = validateRequest(StateMachineArnDto, { stateMachineArn: request.stateMachineArn });
  // The same answers as DescribeStateMachine: InvalidArn, StateMachineDoesNotExist.
  await deps.queryBus.execute(new DescribeStateMachineQuery({ stateMachineArn }));
  const stateMachineName = deps.arns.parseStateMachine(stateMachineArn);
  // Execution streams are `execution-<stateMachineName>:<executionName>` (executionStreamId).
  const streamPrefix = `execution-${stateMachineName}:`;
  const head = await deps.store.headPosition();
  if (call.closed.aborted) return;

  const changeOf = (record: RecordedEvent): Record<string, unknown> | undefined => {
    if (!record.streamId.startsWith(streamPrefix)) return undefined;
    const event = record.data as ExecutionEvent & Record<string, unknown>;
    const status = STATUS_AFTER[event.type];
    if (status === undefined) return undefined;
    const executionName = record.streamId.slice(streamPrefix.length);
    const failure = failureOf(event);
    return toMessage(deps.statusChangeType, {
      executionArn: deps.arns.execution(stateMachineName, executionName),
      stateMachineArn,
      name: executionName,
      status,
      eventType: event.type,
      eventId: event.id,
      timestamp: toEpochSeconds(event.timestamp),
      ...failure,
    });
  };

  await new Promise<void>((resolve, reject) => {
    const subscription = deps.store.subscribe(
      head,
      async (records) => {
        for (const record of records) {
          if (call.closed.aborted) return;
          const change = changeOf(record);
          if (change) await call.write(change);
        }
      },
      {
        onError: (error) => {
          call.closed.removeEventListener('abort', onClosed);
          reject(error);
        },
      },
    );
    const onClosed = () => {
      subscription.close();
      resolve();
    };
    call.closed.addEventListener('abort', onClosed, { once: true });
  });
}

/** error and cause of a failed, timed-out or aborted execution, from its event's details. */
function failureOf(event: Record<string, unknown>): { error?: string; cause?: string } {
  for (const field of ['executionFailedEventDetails', 'executionTimedOutEventDetails', 'executionAbortedEventDetails']) {
    const details = event[field] as { error?: unknown; cause?: unknown } | undefined;
    if (!details) continue;
    return {
      ...(typeof details.error === 'string' ? { error: details.error } : {}),
      ...(typeof details.cause === 'string' ? { cause: details.cause } : {}),
    };
  }
  return {};
}
