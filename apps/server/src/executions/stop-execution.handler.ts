import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ExecutionRunner } from '@stepstone/engine';
import type { Projections } from '@stepstone/projections';
import { ExecutionDoesNotExist } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import type { RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { ARNS, EXECUTION_RUNNER, PROJECTIONS } from '../infrastructure/tokens';
import type { StopExecutionDto } from './executions.dto';

export class StopExecutionCommand {
  constructor(
    readonly request: StopExecutionDto,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(StopExecutionCommand)
export class StopExecutionHandler implements ICommandHandler<StopExecutionCommand> {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request, context }: StopExecutionCommand) {
    this.arns.parseStandardExecution(request.executionArn);
    const stopped = await this.runner.stop(request.executionArn, {
      ...(request.error !== undefined ? { error: request.error } : {}),
      ...(request.cause !== undefined ? { cause: request.cause } : {}),
      caller: context,
    });
    if (!stopped) throw new ExecutionDoesNotExist(request.executionArn);
    await this.projections.waitForPosition(stopped.position);
    return { stopDate: toEpochSeconds(stopped.stopDate) };
  }
}
