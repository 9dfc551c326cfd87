import { randomUUID } from 'node:crypto';
import { executionStreamId } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import { TaskFailure, type ExecutionDescription, type ExecutionEndWatcher, type NestedExecutionPort } from '@stepstone/integrations';
import { isApiError } from '../aws-protocol/api-errors';
import { assertValidName, type Arns } from '../aws-protocol/arns';
import type { TaskCompletionRunner } from '../infrastructure/tokens';
import { loadStateMachine } from '../state-machines/state-machine-stream';
import { resolveStartTarget } from './start-target';
import { ExecutionAlreadyExists, StateMachineDoesNotExist } from '../aws-protocol/api-errors';
import { checkExecutionInput } from './check-input';

/**
 * Nested executions (`states:startExecution`) start children through the same runner and the
 * same checks as the StartExecution API; an API error becomes the Task error AWS reports,
 * `StepFunctions.<Error>Exception` with the Java SDK's cause wording.
 */
export function createNestedExecutions(deps: {
  store: EventStore;
  arns: Arns;
  runner: () => TaskCompletionRunner;
  watcher: ExecutionEndWatcher;
}): NestedExecutionPort {
  async function describe(executionArn: string): Promise<ExecutionDescription | undefined> {
    const loaded = await deps.runner().load(executionArn);
    const start = loaded?.state.start;
    if (!loaded || !start) return undefined;
    const state = loaded.state;
    return {
      executionArn,
      stateMachineArn: start.stateMachineArn,
      name: start.name,
      status: state.status as ExecutionDescription['status'],
      startDate: start.startDate,
      input: start.inputText,
      ...(state.stopDate !== undefined ? { stopDate: state.stopDate } : {}),
      ...(state.output !== undefined ? { output: state.output } : {}),
      ...(state.error !== undefined ? { error: state.error } : {}),
      ...(state.cause !== undefined ? { cause: state.cause } : {}),
    };
  }

  return {
    async start(request) {
      try {
        const qualified = deps.arns.parseStateMachineTarget(request.stateMachineArn);
        assertValidName(request.name);
        const input = checkExecutionInput(request.input);
        const { state: machine } = await loadStateMachine(deps.store, qualified.name);
        // A DELETING child machine is refused as still deleting (its running count is not read here).
        const target = resolveStartTarget(machine, qualified, request.stateMachineArn, request.name, () => 1);
        if (!machine) throw new StateMachineDoesNotExist(request.stateMachineArn);
        const executionArn =
          target.type === 'EXPRESS' ? deps.arns.expressExecution(machine.name, request.name, randomUUID()) : deps.arns.execution(machine.name, request.name);
        const actor = parentActor(request.startedBy);
        const outcome = await deps.runner().start({
          executionArn,
          stateMachineArn: machine.stateMachineArn,
          name: request.name,
          executionType: target.type,
          definition: target.definition,
          input,
          roleArn: target.roleArn,
          ...(target.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: target.stateMachineAliasArn } : {}),
          ...(target.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: target.stateMachineVersionArn } : {}),
          // The parent task is the caller: no API request, so no source IP; the request id is its token.
          caller: { actor, sourceIp: '', requestId: request.startedBy.token },
        });
        if (outcome.kind === 'conflict') {
          const ours = await startedByActor(deps.store, executionArn, actor);
          if (ours) return { executionArn, startDate: ours };
          throw new ExecutionAlreadyExists(executionArn);
        }
        return { executionArn, startDate: outcome.startDate };
      } catch (error) {
        if (!isApiError(error)) throw error;
        const code = error.name;
        throw new TaskFailure(
          `StepFunctions.${code.endsWith('Exception') ? code : `${code}Exception`}`,
          `${error.message} (Service: AWSStepFunctions; Status Code: ${error.status}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`,
        );
      }
    },
    describe,
    async waitUntilClosed(executionArn) {
      await deps.watcher.waitUntilClosed(executionArn, async () => (await describe(executionArn))?.status !== 'RUNNING');
      const closed = await describe(executionArn);
      if (!closed) throw new TaskFailure('States.TaskFailed', `Execution Does Not Exist: '${executionArn}'`);
      return closed;
    },
  };
}

/**
 * Who started a child: its parent execution and the parent task's attempt (the token's digest),
 * recorded as the actor of the child's ExecutionStarted, the link between the two.
 */
function parentActor(startedBy: { executionArn: string; token: string }): string {
  return `${startedBy.executionArn}#${startedBy.token.slice(startedBy.token.lastIndexOf('.') + 1, startedBy.token.lastIndexOf('.') + 17)}`;
}

/** The child's start date when the same parent task started it (a re-dispatch after a crash). */
async function startedByActor(store: EventStore, executionArn: string, actor: string): Promise<string | undefined> {
  const [first] = await store.readStream(executionStreamId(executionArn), { maxCount: 1 });
  if (!first || first.metadata.actor !== actor) return undefined;
  return (first.data as { timestamp?: string }).timestamp;
}
