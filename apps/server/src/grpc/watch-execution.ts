import { executionStreamId, isHistoryEvent, toHistoryEvent, type ExecutionEvent } from '@stepstone/engine';
import type { EventStore, RecordedEvent } from '@stepstone/event-store';
import type { QueryBus } from '@nestjs/cqrs';
import type protobuf from 'protobufjs';
import { ExecutionDoesNotExist, StateMachineDoesNotExist } from '../aws-protocol/api-errors';
import { oneValidationError, type Arns } from '../aws-protocol/arns';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { validateRequest } from '../aws-protocol/validate-request';
import { GetExecutionHistoryQuery } from '../executions/execution-queries.handler';
import { ExecutionArnDto } from '../executions/executions.dto';
import { DescribeStateMachineQuery } from '../state-machines/state-machine-queries.handler';
import { toMessage } from './aws-shapes';
import type { StreamCall } from './stream-call';

/** The history events after which an execution appends nothing more (unless redriven). */
export const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

export interface WatchDependencies {
  readonly store: EventStore;
  readonly queryBus: QueryBus;
  readonly arns: Arns;
  readonly historyEventType: protobuf.Type;
}

export interface WatchExecutionRequest {
  readonly executionArn?: unknown;
  readonly afterEventId?: unknown;
}

/**
 * WatchExecution: the execution's stream read as stored, then followed through the store's
 * subscription (the global feed from the last position read), so events appended by any
 * process sharing the store arrive, each once and in order: an event is sent only if its
 * stream revision is past the last one sent. Ends after the terminal event.
 */
export async function watchExecution(request: WatchExecutionRequest, call: StreamCall<Record<string, unknown>>, deps: WatchDependencies): Promise<void> {
  const { executionArn } = validateRequest(ExecutionArnDto, { executionArn: request.executionArn });
  const afterEventId = checkAfterEventId(request.afterEventId);
  const { stateMachineName } = deps.arns.parseExecution(executionArn);
  const streamId = executionStreamId(executionArn);

  let lastRevision = -1;
  /** Whether the latest history event seen is terminal: a redriven execution goes on after one. */
  let ended = false;
  const deliver = async (records: readonly RecordedEvent[]) => {
    for (const record of records) {
      if (call.closed.aborted) return;
      if (record.streamId !== streamId || record.revision <= lastRevision) continue;
      lastRevision = record.revision;
      const event = record.data as ExecutionEvent;
      if (!isHistoryEvent(event)) continue;
      if (event.id > afterEventId) {
        await call.write(toMessage(deps.historyEventType, { ...toHistoryEvent(event), timestamp: toEpochSeconds(event.timestamp) }));
      }
      ended = TERMINAL_EVENT_TYPES.has(event.type);
    }
  };

  // Read the head before the stream: whatever is appended after this read is in the feed past it.
  const head = await deps.store.headPosition();
  const stored = await deps.store.readStream(streamId);
  if (stored.length === 0) await assertCanStart(deps, stateMachineName, executionArn);
  await deliver(stored);
  if (ended) return call.end();
  if (call.closed.aborted) return;

  await new Promise<void>((resolve, reject) => {
    const subscription = deps.store.subscribe(
      stored.at(-1)?.position ?? head,
      async (records) => {
        await deliver(records);
        if (ended) {
          stop();
          call.end();
          resolve();
        }
      },
      {
        onError: (error) => {
          stop();
          reject(error);
        },
      },
    );
    const onClosed = () => {
      subscription.close();
      resolve();
    };
    const stop = () => {
      subscription.close();
      call.closed.removeEventListener('abort', onClosed);
    };
    call.closed.addEventListener('abort', onClosed, { once: true });
  });
}

/**
 * A watch may start before its execution (the caller picks the name): it then waits, provided
 * the state machine exists; otherwise the execution cannot come to exist and the answer is
 * ExecutionDoesNotExist, as GetExecutionHistory answers. EXPRESS executions (`:express:` ARNs)
 * keep no history: the answer is GetExecutionHistory's.
 */
async function assertCanStart(deps: WatchDependencies, stateMachineName: string, executionArn: string): Promise<void> {
  if (executionArn.split(':')[5] === 'express') {
    await deps.queryBus.execute(new GetExecutionHistoryQuery({ executionArn, maxResults: 1 }));
    throw new ExecutionDoesNotExist(executionArn);
  }
  try {
    await deps.queryBus.execute(new DescribeStateMachineQuery({ stateMachineArn: deps.arns.stateMachine(stateMachineName) }));
  } catch (error) {
    if (error instanceof StateMachineDoesNotExist) throw new ExecutionDoesNotExist(executionArn);
    throw error;
  }
}

/** `afterEventId`: absent or a non-negative integer (event ids start at 1). */
function checkAfterEventId(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw oneValidationError(`Value '${String(value)}' at 'afterEventId' failed to satisfy constraint: Member must have value greater than or equal to 0`);
  }
  return value;
}
