import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { executionStreamId, mapRunChildOf, redrivabilityOf, toHistoryEvent, type ExecutionEvent, type ExecutionRunner } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import { DEFAULT_ENCRYPTION, mapRunPrefixOfChild, type ExecutionRecord, type MapRunExecutionRecord, type Projections } from '@stepstone/projections';
import { ExecutionDoesNotExist, InvalidToken, ResourceNotFound, StateMachineDoesNotExist, StateMachineTypeNotSupported, ValidationException } from '../aws-protocol/api-errors';
import { mapRunOrNotFound, toMapRunExecutionListItem } from '../map-runs/map-runs.handler';
import type { Arns } from '../aws-protocol/arns';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { catchUp, catchUpStream } from '../infrastructure/read-your-writes';
import { ARNS, CLOCK, EVENT_STORE, EXECUTION_RUNNER, PROJECTIONS, type Clock } from '../infrastructure/tokens';
import { describedDefinition, isGone, readPage, variableReferencesField } from '../state-machines/state-machine-queries.handler';
import type { DescribeExecutionDto, GetExecutionHistoryDto, ListExecutionsDto } from './executions.dto';

export class DescribeExecutionQuery {
  constructor(readonly request: DescribeExecutionDto) {}
}

export class ListExecutionsQuery {
  constructor(readonly request: ListExecutionsDto) {}
}

export class GetExecutionHistoryQuery {
  constructor(readonly request: GetExecutionHistoryDto) {}
}

export class DescribeStateMachineForExecutionQuery {
  constructor(readonly request: DescribeExecutionDto) {}
}

@QueryHandler(DescribeExecutionQuery)
export class DescribeExecutionHandler implements IQueryHandler<DescribeExecutionQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request }: DescribeExecutionQuery) {
    // "Executions of an EXPRESS state machine aren't supported by DescribeExecution unless a Map
    // Run dispatched them" (API reference): an `express:` ARN naming a Map Run's children
    // (`<machine>/<label>`) is let through; any other is InvalidArn.
    if (!isMapRunChildArn(request.executionArn)) this.arns.parseStandardExecution(request.executionArn);
    // Its own stream's last event (a Map Run child has none of its own: then the store's head).
    await catchUpStream(this.store, this.projections, executionStreamId(request.executionArn));
    const execution = await this.projections.describeExecution(request.executionArn);
    if (!execution) return this.describeMapRunChild(request.executionArn);
    const withData = request.includedData !== 'METADATA_ONLY';
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: toEpochSeconds(execution.startDate),
      ...(execution.stopDate !== undefined ? { stopDate: toEpochSeconds(execution.stopDate) } : {}),
      ...(withData && execution.input !== undefined ? { input: execution.input } : {}),
      inputDetails: { included: withData },
      ...(withData && execution.output !== undefined ? { output: execution.output } : {}),
      ...(execution.status === 'SUCCEEDED' ? { outputDetails: { included: withData } } : {}),
      ...(execution.error !== undefined ? { error: execution.error } : {}),
      ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
      ...versionFields(execution),
      redriveCount: execution.redriveCount,
      ...(execution.redriveDate !== undefined ? { redriveDate: toEpochSeconds(execution.redriveDate) } : {}),
      ...(await this.redrivability(execution)),
    };
  }

  /**
   * A child workflow execution of a Map Run (AWS: DescribeExecution "return[s] the Map Run ARN if
   * the execution was dispatched by a Map Run"): its status and dates from the Map Run read
   * model, its state machine `<machine>/<label>`, its mapRunArn. Its redriveStatus is the Map
   * Run's: an unsuccessful child is REDRIVABLE_BY_MAP_RUN while a redrive of the parent would run
   * it again (API reference: "for a Distributed Map that includes child workflows …, redriveStatus
   * indicates whether or not the Map Run can redrive child workflow executions").
   */
  private async describeMapRunChild(executionArn: string) {
    const child = await this.projections.getMapRunExecution(executionArn);
    if (!child) throw new ExecutionDoesNotExist(executionArn);
    const run = await this.projections.getMapRun(child.mapRunArn);
    const data = run ? await this.childData(run.executionArn, child.mapRunArn, child.index) : {};
    const unsuccessful = child.status === 'FAILED' || child.status === 'TIMED_OUT' || child.status === 'ABORTED';
    const redrivable = unsuccessful && child.notRedrivable !== true && run !== undefined && run.redrivesChildren;
    return {
      executionArn: child.executionArn,
      stateMachineArn: child.stateMachineArn,
      name: child.name,
      status: child.status,
      startDate: toEpochSeconds(child.startDate),
      ...(child.stopDate !== undefined ? { stopDate: toEpochSeconds(child.stopDate) } : {}),
      ...(data.input !== undefined ? { input: data.input } : {}),
      inputDetails: { included: data.input !== undefined },
      ...(child.status === 'SUCCEEDED' && data.output !== undefined ? { output: data.output, outputDetails: { included: true } } : {}),
      ...(unsuccessful && data.error !== undefined ? { error: data.error } : {}),
      ...(unsuccessful && data.cause !== undefined ? { cause: data.cause } : {}),
      mapRunArn: child.mapRunArn,
      redriveCount: child.redriveCount ?? 0,
      ...(child.redriveDate !== undefined ? { redriveDate: toEpochSeconds(child.redriveDate) } : {}),
      ...(redrivable
        ? { redriveStatus: 'REDRIVABLE_BY_MAP_RUN' }
        : { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: childNotRedrivableReason(child) }),
    };
  }

  /** A child's input, output and failure, read from its parent's stream (mapRunChildOf). */
  private async childData(parentArn: string, mapRunArn: string, index: number): Promise<{ input?: string; output?: string; error?: string; cause?: string }> {
    return (await readMapRunChild(this.store, parentArn, mapRunArn, index)) ?? {};
  }

  /** redriveStatus and, when NOT_REDRIVABLE, AWS's redriveStatusReason. */
  private async redrivability(execution: ExecutionRecord): Promise<{ redriveStatus: string; redriveStatusReason?: string }> {
    const loaded = execution.status === 'RUNNING' || execution.status === 'SUCCEEDED' ? undefined : await this.runner.load(execution.executionArn);
    const { redriveStatus, reason } = loaded
      ? redrivabilityOf(loaded.state, this.clock())
      : { redriveStatus: 'NOT_REDRIVABLE', reason: `Execution is ${execution.status} and cannot be redriven.` };
    return { redriveStatus, ...(reason !== undefined ? { redriveStatusReason: reason } : {}) };
  }
}

@QueryHandler(ListExecutionsQuery)
export class ListExecutionsHandler implements IQueryHandler<ListExecutionsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: ListExecutionsQuery) {
    if (request.mapRunArn !== undefined) {
      if (request.stateMachineArn !== undefined) throw new ValidationException('Only one of stateMachineArn or mapRunArn may be specified.');
      return this.childExecutions(request, request.mapRunArn);
    }
    // LocalStack's wording for this case (its provider's list_executions), AWS's being unrecorded.
    if (request.stateMachineArn === undefined) throw new ValidationException('1 validation error detected: Must provide a StateMachine ARN or MapRun ARN');
    // AWS (ListExecutions, statusFilter): PENDING_REDRIVE is a Map Run child's status only, and with a
    // stateMachineArn "the API returns a validation exception". The wording is ours (unrecorded).
    if (request.statusFilter === 'PENDING_REDRIVE') throw new ValidationException('The PENDING_REDRIVE statusFilter requires a mapRunArn, not a stateMachineArn.');
    const target = this.arns.parseStateMachineTarget(request.stateMachineArn);
    await catchUp(this.store, this.projections);
    const machineArn = this.arns.stateMachine(target.name);
    const machine = await this.projections.getStateMachine(machineArn);
    if (!machine || (await isGone(this.projections, machine))) throw new StateMachineDoesNotExist(request.stateMachineArn);
    // AWS keeps no execution list for EXPRESS machines.
    if (machine.type === 'EXPRESS') throw new StateMachineTypeNotSupported();
    if (target.kind === 'version' && !(await this.projections.getStateMachineVersion(request.stateMachineArn))) {
      throw new StateMachineDoesNotExist(request.stateMachineArn);
    }
    if (target.kind === 'alias' && !(await this.projections.getStateMachineAlias(request.stateMachineArn))) {
      throw ResourceNotFound.alias(request.stateMachineArn);
    }
    const page = await readPage(request.nextToken, () =>
      this.projections.listExecutions({
        stateMachineArn: machineArn,
        ...(target.kind === 'version' ? { stateMachineVersionArn: request.stateMachineArn } : {}),
        ...(target.kind === 'alias' ? { stateMachineAliasArn: request.stateMachineArn } : {}),
        ...(request.statusFilter !== undefined ? { statusFilter: request.statusFilter } : {}),
        ...(request.redriveFilter !== undefined ? { redriveFilter: request.redriveFilter } : {}),
        ...(request.maxResults !== undefined ? { maxResults: request.maxResults } : {}),
        ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
      }),
    );
    return {
      executions: page.items.map(toExecutionListItem),
      ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
    };
  }

  /** ListExecutions by mapRunArn: the Map Run's child workflow executions. */
  private async childExecutions(request: ListExecutionsDto, mapRunArn: string) {
    this.arns.parseMapRun(mapRunArn);
    await catchUp(this.store, this.projections);
    await mapRunOrNotFound(this.projections, mapRunArn);
    const page = await readPage(request.nextToken, () =>
      this.projections.listMapRunExecutions({
        mapRunArn,
        ...(request.statusFilter !== undefined ? { statusFilter: request.statusFilter } : {}),
        ...(request.redriveFilter !== undefined ? { redriveFilter: request.redriveFilter } : {}),
        ...(request.maxResults !== undefined ? { maxResults: request.maxResults } : {}),
        ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
      }),
    );
    return {
      executions: page.items.map(toMapRunExecutionListItem),
      ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
    };
  }
}

/** Which version ran the execution and through which alias (absent for the unqualified machine). */
function versionFields(execution: ExecutionRecord) {
  return {
    ...(execution.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: execution.stateMachineAliasArn } : {}),
    ...(execution.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: execution.stateMachineVersionArn } : {}),
  };
}

function toExecutionListItem(execution: ExecutionRecord) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: toEpochSeconds(execution.startDate),
    ...(execution.stopDate !== undefined ? { stopDate: toEpochSeconds(execution.stopDate) } : {}),
    ...versionFields(execution),
    redriveCount: execution.redriveCount,
    ...(execution.redriveDate !== undefined ? { redriveDate: toEpochSeconds(execution.redriveDate) } : {}),
  };
}

const DEFAULT_HISTORY_PAGE = 100;

/**
 * History is the execution's stream as stored (AWS's event shape) minus the engine's `x`
 * field, with timestamps in the protocol's epoch seconds. Pages are offsets into the
 * requested order.
 */
@QueryHandler(GetExecutionHistoryQuery)
export class GetExecutionHistoryHandler implements IQueryHandler<GetExecutionHistoryQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: GetExecutionHistoryQuery) {
    this.arns.parseStandardExecution(request.executionArn);
    const events = mapRunPrefixOfChild(request.executionArn) !== undefined ? await this.childHistory(request.executionArn) : await this.runner.history(request.executionArn);
    if (!events) throw new ExecutionDoesNotExist(request.executionArn);
    const ordered = request.reverseOrder ? [...events].reverse() : events;
    const offset = decodeHistoryToken(request.nextToken);
    const limit = request.maxResults === undefined || request.maxResults === 0 ? DEFAULT_HISTORY_PAGE : request.maxResults;
    const slice = ordered.slice(offset, offset + limit);
    const includeData = request.includeExecutionData ?? true;
    return {
      events: slice.map((event) => {
        const aws = toHistoryEvent(event, includeData);
        return { ...aws, timestamp: toEpochSeconds(event.timestamp) };
      }),
      ...(offset + limit < ordered.length ? { nextToken: encodeHistoryToken(offset + limit, request.reverseOrder ?? false) } : {}),
    };
  }

  /**
   * A Map Run's child (`execution:<machine>/<label>:<id>`, a STANDARD child: an EXPRESS one's
   * `express:` ARN is refused above, as AWS keeps no history for EXPRESS executions): its own
   * history, built from its parent's stream (mapRunChildOf). The parent's own history leaves
   * the children's events out (they are hidden), as AWS's shows only MapRunStarted and its end.
   */
  private async childHistory(executionArn: string): Promise<readonly ExecutionEvent[] | undefined> {
    await catchUp(this.store, this.projections);
    const child = await this.projections.getMapRunExecution(executionArn);
    const run = child && (await this.projections.getMapRun(child.mapRunArn));
    if (!child || !run) return undefined;
    return (await readMapRunChild(this.store, run.executionArn, child.mapRunArn, child.index))?.events;
  }
}

/** A Map Run child, read from its parent's stream. */
async function readMapRunChild(store: EventStore, parentArn: string, mapRunArn: string, index: number) {
  const events = (await store.readStream(executionStreamId(parentArn))).map((recorded) => recorded.data as ExecutionEvent);
  return mapRunChildOf(events, mapRunArn, index);
}

/** A history token remembers its direction: reusing it with the other order is InvalidToken. */
function encodeHistoryToken(offset: number, reverse: boolean): string {
  return Buffer.from(JSON.stringify({ o: offset, r: reverse }), 'utf8').toString('base64url');
}

function decodeHistoryToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isSafeInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // reported below
  }
  throw new InvalidToken(token);
}

@QueryHandler(DescribeStateMachineForExecutionQuery)
export class DescribeStateMachineForExecutionHandler implements IQueryHandler<DescribeStateMachineForExecutionQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  /** The definition the execution runs (recorded in its ExecutionStarted), not the machine's latest. */
  async execute({ request }: DescribeStateMachineForExecutionQuery) {
    this.arns.parseStandardExecution(request.executionArn);
    const loaded = await this.runner.load(request.executionArn);
    const start = loaded?.state.start;
    if (!start) throw new ExecutionDoesNotExist(request.executionArn);
    await catchUp(this.store, this.projections);
    const machine = await this.projections.getStateMachine(start.stateMachineArn);
    // An execution of a version answers with the version's revision and date, under the
    // machine's unqualified ARN (as the recorded AWS runs show).
    const versionArn = (await this.projections.describeExecution(request.executionArn))?.stateMachineVersionArn;
    const version = versionArn !== undefined ? await this.projections.getStateMachineVersion(versionArn) : undefined;
    const revisionId = version ? version.revisionId : machine?.updateDate !== undefined ? machine.revisionId : undefined;
    return {
      stateMachineArn: start.stateMachineArn,
      name: this.arns.parseStateMachine(start.stateMachineArn),
      definition: describedDefinition(start.definition, request.includedData),
      roleArn: start.roleArn,
      updateDate: toEpochSeconds(version?.creationDate ?? machine?.updateDate ?? machine?.creationDate ?? start.startDate),
      loggingConfiguration: version?.loggingConfiguration ?? machine?.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: version?.tracingConfiguration ?? machine?.tracingConfiguration ?? { enabled: false },
      encryptionConfiguration: version?.encryptionConfiguration ?? machine?.encryptionConfiguration ?? DEFAULT_ENCRYPTION,
      ...(revisionId !== undefined ? { revisionId } : {}),
      ...variableReferencesField(start.definition),
    };
  }
}

/**
 * Why a Map Run's child cannot be redriven (DescribeExecution's redriveStatusReason, and the
 * message of RedriveExecution's ExecutionNotRedrivable): one that failed on its own history
 * quota never can be (AWS's reason "Execution history event limit exceeded."); the others are
 * redriven only through their parent (AWS "Redriving Map Runs").
 */
export function childNotRedrivableReason(child: MapRunExecutionRecord): string {
  if (child.notRedrivable === true) return 'Execution history event limit exceeded.';
  const unsuccessful = child.status === 'FAILED' || child.status === 'TIMED_OUT' || child.status === 'ABORTED';
  return unsuccessful ? 'Execution cannot be redriven.' : `Execution is ${child.status} and cannot be redriven.`;
}

/** `arn:…:express:<machine>/<label>:…`: an EXPRESS child workflow execution of a Map Run. */
function isMapRunChildArn(arn: string): boolean {
  return /^arn:[^:]+:states:[^:]*:[^:]*:express:[^:/]+\/[^:/]+:/.test(arn);
}
