import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ExecutionRunner } from '@stepstone/engine';
import type { Projections } from '@stepstone/projections';
import { ExecutionDoesNotExist, ExecutionNotRedrivable } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import type { RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { ARNS, EXECUTION_RUNNER, PROJECTIONS } from '../infrastructure/tokens';
import type { RedriveExecutionDto } from './executions.dto';

export class RedriveExecutionCommand {
  constructor(
    readonly request: RedriveExecutionDto,
    readonly context: RequestContext,
  ) {}
}

/** RedriveExecution: the runner decides (and the decider re-checks) whether AWS would redrive it. */
@CommandHandler(RedriveExecutionCommand)
export class RedriveExecutionHandler implements ICommandHandler<RedriveExecutionCommand> {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request, context }: RedriveExecutionCommand) {
    this.arns.parseStandardExecution(request.executionArn);
    const outcome = await this.runner.redrive(request.executionArn, {
      ...(request.clientToken !== undefined ? { clientToken: request.clientToken } : {}),
      caller: context,
    });
    if (!outcome) throw new ExecutionDoesNotExist(request.executionArn);
    if (!outcome.redriven) throw new ExecutionNotRedrivable(outcome.reason);
    await this.projections.waitForPosition(outcome.position);
    return { redriveDate: toEpochSeconds(outcome.redriveDate) };
  }
}
