import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ExecutionRunner } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import { mapRunPrefixOfChild, type Projections } from '@stepstone/projections';
import { ExecutionDoesNotExist, ExecutionNotRedrivable } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import type { RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { catchUp } from '../infrastructure/read-your-writes';
import { ARNS, EVENT_STORE, EXECUTION_RUNNER, PROJECTIONS } from '../infrastructure/tokens';
import { childNotRedrivableReason } from './execution-queries.handler';
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ request, context }: RedriveExecutionCommand) {
    this.arns.parseStandardExecution(request.executionArn);
    if (mapRunPrefixOfChild(request.executionArn) !== undefined) return this.refuseMapRunChild(request.executionArn);
    const outcome = await this.runner.redrive(request.executionArn, {
      ...(request.clientToken !== undefined ? { clientToken: request.clientToken } : {}),
      caller: context,
    });
    if (!outcome) throw new ExecutionDoesNotExist(request.executionArn);
    if (!outcome.redriven) throw new ExecutionNotRedrivable(outcome.reason);
    await this.projections.waitForPosition(outcome.position);
    return { redriveDate: toEpochSeconds(outcome.redriveDate) };
  }

  /**
   * A Map Run's child workflow execution is redriven through its parent only (AWS: "To redrive
   * a workflow that includes a Distributed Map state whose Map Run failed, you must redrive the
   * parent workflow"): on its own ARN, ExecutionNotRedrivable with DescribeExecution's reason.
   */
  private async refuseMapRunChild(executionArn: string): Promise<never> {
    await catchUp(this.store, this.projections);
    const child = await this.projections.getMapRunExecution(executionArn);
    if (!child) throw new ExecutionDoesNotExist(executionArn);
    throw new ExecutionNotRedrivable(childNotRedrivableReason(child));
  }
}
