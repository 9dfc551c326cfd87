import { Inject } from '@nestjs/common';
import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ExecutionRunner } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import type { MapRunCounts, MapRunExecutionRecord, MapRunRecord, Projections } from '@stepstone/projections';
import { ExecutionDoesNotExist, ResourceNotFound, ValidationException } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import type { RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { catchUp } from '../infrastructure/read-your-writes';
import { ARNS, EVENT_STORE, EXECUTION_RUNNER, PROJECTIONS } from '../infrastructure/tokens';
import { readPage } from '../state-machines/state-machine-queries.handler';
import type { ListMapRunsDto, MapRunArnDto, UpdateMapRunDto } from './map-runs.dto';

export class DescribeMapRunQuery {
  constructor(readonly request: MapRunArnDto) {}
}

export class ListMapRunsQuery {
  constructor(readonly request: ListMapRunsDto) {}
}

export class UpdateMapRunCommand {
  constructor(
    readonly request: UpdateMapRunDto,
    readonly context: RequestContext,
  ) {}
}

function counts(value: MapRunCounts) {
  return { ...value };
}

/** DescribeMapRun's answer: dates as epoch seconds; redriveDate only once redriven (as AWS). */
function toDescribeMapRun(run: MapRunRecord) {
  return {
    mapRunArn: run.mapRunArn,
    executionArn: run.executionArn,
    status: run.status,
    startDate: toEpochSeconds(run.startDate),
    ...(run.stopDate !== undefined ? { stopDate: toEpochSeconds(run.stopDate) } : {}),
    maxConcurrency: run.maxConcurrency,
    toleratedFailurePercentage: run.toleratedFailurePercentage,
    toleratedFailureCount: run.toleratedFailureCount,
    itemCounts: counts(run.itemCounts),
    executionCounts: counts(run.executionCounts),
    redriveCount: run.redriveCount,
    ...(run.redriveDate !== undefined ? { redriveDate: toEpochSeconds(run.redriveDate) } : {}),
  };
}

/** A child workflow execution as ListExecutions lists it (with its mapRunArn). */
export function toMapRunExecutionListItem(execution: MapRunExecutionRecord) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: toEpochSeconds(execution.startDate),
    ...(execution.stopDate !== undefined ? { stopDate: toEpochSeconds(execution.stopDate) } : {}),
    mapRunArn: execution.mapRunArn,
    ...(execution.redriveCount !== undefined ? { redriveCount: execution.redriveCount } : {}),
    ...(execution.redriveDate !== undefined ? { redriveDate: toEpochSeconds(execution.redriveDate) } : {}),
  };
}

/** The Map Run, or AWS's ResourceNotFound. */
export async function mapRunOrNotFound(projections: Projections, mapRunArn: string): Promise<MapRunRecord> {
  const run = await projections.getMapRun(mapRunArn);
  if (!run) throw new ResourceNotFound(mapRunArn);
  return run;
}

@QueryHandler(DescribeMapRunQuery)
export class DescribeMapRunHandler implements IQueryHandler<DescribeMapRunQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: DescribeMapRunQuery) {
    this.arns.parseMapRun(request.mapRunArn);
    await catchUp(this.store, this.projections);
    return toDescribeMapRun(await mapRunOrNotFound(this.projections, request.mapRunArn));
  }
}

@QueryHandler(ListMapRunsQuery)
export class ListMapRunsHandler implements IQueryHandler<ListMapRunsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: ListMapRunsQuery) {
    this.arns.parseStandardExecution(request.executionArn);
    await catchUp(this.store, this.projections);
    if (!(await this.projections.describeExecution(request.executionArn))) throw new ExecutionDoesNotExist(request.executionArn);
    const page = await readPage(request.nextToken, () =>
      this.projections.listMapRuns({
        executionArn: request.executionArn,
        ...(request.maxResults !== undefined ? { maxResults: request.maxResults } : {}),
        ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
      }),
    );
    return {
      mapRuns: page.items.map((run) => ({
        executionArn: run.executionArn,
        mapRunArn: run.mapRunArn,
        stateMachineArn: run.stateMachineArn,
        startDate: toEpochSeconds(run.startDate),
        ...(run.stopDate !== undefined ? { stopDate: toEpochSeconds(run.stopDate) } : {}),
      })),
      ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
    };
  }
}

/**
 * UpdateMapRun: the parent execution's runner records the new limits (MapRunUpdated, hidden from
 * history as AWS shows none) and the running Map Run decides with them from then on.
 */
@CommandHandler(UpdateMapRunCommand)
export class UpdateMapRunHandler implements ICommandHandler<UpdateMapRunCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request, context }: UpdateMapRunCommand) {
    this.arns.parseMapRun(request.mapRunArn);
    await catchUp(this.store, this.projections);
    const run = await mapRunOrNotFound(this.projections, request.mapRunArn);
    // AWS updates "an in-progress Map Run" (API reference, UpdateMapRun); an ended one is refused
    // with ValidationExceptionReason CANNOT_UPDATE_COMPLETED_MAP_RUN.
    if (run.status !== 'RUNNING') throw completedMapRun(request.mapRunArn);
    const outcome = await this.runner.updateMapRun(run.executionArn, {
      mapRunArn: request.mapRunArn,
      ...(request.maxConcurrency !== undefined ? { maxConcurrency: request.maxConcurrency } : {}),
      ...(request.toleratedFailureCount !== undefined ? { toleratedFailureCount: request.toleratedFailureCount } : {}),
      ...(request.toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage: request.toleratedFailurePercentage } : {}),
      caller: context,
    });
    if (!outcome) throw new ResourceNotFound(request.mapRunArn);
    // It ended between the read model's answer and the update: nothing was recorded.
    if (!outcome.updated) throw completedMapRun(request.mapRunArn);
    if (outcome.position > 0) await this.projections.waitForPosition(outcome.position);
    return {};
  }
}

function completedMapRun(mapRunArn: string): ValidationException {
  return new ValidationException(`Map Run has already completed and cannot be updated: '${mapRunArn}'`, 'CANNOT_UPDATE_COMPLETED_MAP_RUN');
}
