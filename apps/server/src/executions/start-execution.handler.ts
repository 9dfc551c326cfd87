import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ExecutionRunner } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';
import { ExecutionAlreadyExists, StateMachineDoesNotExist, StateMachineTypeNotSupported } from '../aws-protocol/api-errors';
import { assertValidName, type Arns } from '../aws-protocol/arns';
import type { RequestContext } from '../aws-protocol/request-context';
import { optionalEpochSeconds, toEpochSeconds } from '../aws-protocol/timestamps';
import { ARNS, EVENT_STORE, EXECUTION_RUNNER, ID_SOURCE, PROJECTIONS, type IdSource } from '../infrastructure/tokens';
import { createStateMachineLoader, type LoadedStateMachine, type StateMachineState } from '../state-machines/state-machine-stream';
import { checkExecutionInput } from './check-input';
import type { StartExecutionDto } from './executions.dto';

export class StartExecutionCommand {
  constructor(
    readonly request: StartExecutionDto,
    readonly context: RequestContext,
  ) {}
}

export class StartSyncExecutionCommand {
  constructor(
    readonly request: StartExecutionDto,
    readonly context: RequestContext,
  ) {}
}

interface CheckedStart {
  readonly machine: StateMachineState;
  readonly name: string;
  readonly input: string;
}

/** Everything a start checks before the runner sees it: nothing is appended for a rejected request. */
async function checkStart(
  loadMachine: (name: string) => Promise<LoadedStateMachine>,
  arns: Arns,
  ids: IdSource,
  request: StartExecutionDto,
): Promise<CheckedStart> {
  const machineName = arns.parseStateMachine(request.stateMachineArn);
  const name = request.name ?? ids();
  assertValidName(name);
  const input = checkExecutionInput(request.input);
  const { state } = await loadMachine(machineName);
  if (!state || state.stateMachineArn !== request.stateMachineArn) throw new StateMachineDoesNotExist(request.stateMachineArn);
  return { machine: state, name, input };
}

@CommandHandler(StartExecutionCommand)
export class StartExecutionHandler implements ICommandHandler<StartExecutionCommand> {
  private readonly loadMachine: (name: string) => Promise<LoadedStateMachine>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
  ) {
    this.loadMachine = createStateMachineLoader(store);
  }

  async execute({ request, context }: StartExecutionCommand) {
    const { machine, name, input } = await checkStart(this.loadMachine, this.arns, this.ids, request);
    const executionArn = this.arns.execution(machine.name, name);
    const outcome = await this.runner.start({
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name,
      executionType: machine.type,
      definition: machine.definition,
      input,
      roleArn: machine.roleArn,
      actor: context.actor,
      ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
    });
    // Same name and input while open: AWS answers with the existing execution (idempotent).
    if (outcome.kind === 'conflict') throw new ExecutionAlreadyExists(executionArn);
    await this.projections.waitForPosition(outcome.position);
    return { executionArn, startDate: toEpochSeconds(outcome.startDate) };
  }
}

/** EXPRESS only; runs to completion in memory and answers with the result (nothing stored). */
@CommandHandler(StartSyncExecutionCommand)
export class StartSyncExecutionHandler implements ICommandHandler<StartSyncExecutionCommand> {
  private readonly loadMachine: (name: string) => Promise<LoadedStateMachine>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
  ) {
    this.loadMachine = createStateMachineLoader(store);
  }

  async execute({ request, context }: StartSyncExecutionCommand) {
    const { machine, name, input } = await checkStart(this.loadMachine, this.arns, this.ids, request);
    if (machine.type !== 'EXPRESS') throw new StateMachineTypeNotSupported();
    const executionArn = this.arns.expressExecution(machine.name, name, this.ids());
    const result = await this.runner.runSync({
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name,
      executionType: 'EXPRESS',
      definition: machine.definition,
      input,
      roleArn: machine.roleArn,
      actor: context.actor,
      ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
    });
    return {
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name,
      startDate: toEpochSeconds(result.startDate),
      stopDate: optionalEpochSeconds(result.stopDate),
      status: result.status,
      input: result.input,
      inputDetails: { included: true },
      ...(result.output !== undefined ? { output: result.output, outputDetails: { included: true } } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
      ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
    };
  }
}
