import { randomUUID } from 'node:crypto';
import type { EventStore } from '@stepstone/event-store';
import { TaskFailure, type ExecutionDescription, type ExecutionEndWatcher, type NestedExecutionPort } from '@stepstone/integrations';
import { isApiError } from '../aws-protocol/api-errors';
import { assertValidName, type Arns } from '../aws-protocol/arns';
import type { TaskCompletionRunner } from '../infrastructure/tokens';
import { loadStateMachine } from '../state-machines/state-machine-stream';
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
        const machineName = deps.arns.parseStateMachine(request.stateMachineArn);
        assertValidName(request.name);
        const input = checkExecutionInput(request.input);
        const { state: machine } = await loadStateMachine(deps.store, machineName);
        if (!machine || machine.stateMachineArn !== request.stateMachineArn) throw new StateMachineDoesNotExist(request.stateMachineArn);
        const executionArn = deps.arns.execution(machine.name, request.name);
        const outcome = await deps.runner().start({
          executionArn,
          stateMachineArn: machine.stateMachineArn,
          name: request.name,
          executionType: machine.type,
          definition: machine.definition,
          input,
          roleArn: machine.roleArn,
          actor: 'states:startExecution',
        });
        if (outcome.kind === 'conflict') throw new ExecutionAlreadyExists(executionArn);
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
