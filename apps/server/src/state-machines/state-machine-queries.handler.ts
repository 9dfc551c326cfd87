import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { parseDefinition, variableReferencesOf } from '@stepstone/asl';
import type { EventStore } from '@stepstone/event-store';
import { InvalidPageTokenError, type Projections, type StateMachineRecord } from '@stepstone/projections';
import { activityTags, isActivityArn } from '../activities/activity-tags';
import { InvalidArn, InvalidToken, ResourceNotFound, StateMachineDoesNotExist } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { catchUp } from '../infrastructure/read-your-writes';
import { ARNS, EVENT_STORE, PROJECTIONS } from '../infrastructure/tokens';
import { taggableStateMachine } from './check-tag';
import type { DescribeStateMachineDto, ListStateMachinesDto, ResourceArnDto, ValidateStateMachineDefinitionDto } from './state-machines.dto';

export class DescribeStateMachineQuery {
  constructor(readonly request: DescribeStateMachineDto) {}
}

/**
 * The definition Describe answers: with `includedData` METADATA_ONLY, "the returned definition
 * will be {}" (API_DescribeStateMachine, `definition`). AWS offers it for callers without
 * kms:Decrypt; Stepstone encrypts nothing, but answers the same.
 */
export function describedDefinition(definition: string, includedData: string | undefined): string {
  return includedData === 'METADATA_ONLY' ? '{}' : definition;
}

export class ListStateMachinesQuery {
  constructor(readonly request: ListStateMachinesDto) {}
}

export class ListTagsForResourceQuery {
  constructor(readonly request: ResourceArnDto) {}
}

export class ValidateStateMachineDefinitionQuery {
  constructor(readonly request: ValidateStateMachineDefinitionDto) {}
}

@QueryHandler(DescribeStateMachineQuery)
export class DescribeStateMachineHandler implements IQueryHandler<DescribeStateMachineQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: DescribeStateMachineQuery) {
    const target = this.arns.parseStateMachineTarget(request.stateMachineArn);
    if (target.kind === 'alias') throw new InvalidArn(request.stateMachineArn);
    await catchUp(this.store, this.projections);
    if (target.kind === 'version') return this.describeVersion(request.stateMachineArn, request.includedData);
    const machine = await this.projections.getStateMachine(request.stateMachineArn);
    if (!machine || (await isGone(this.projections, machine))) throw new StateMachineDoesNotExist(request.stateMachineArn);
    return {
      stateMachineArn: machine.stateMachineArn,
      name: machine.name,
      status: machine.status,
      definition: describedDefinition(machine.definition, request.includedData),
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: toEpochSeconds(machine.creationDate),
      loggingConfiguration: machine.loggingConfiguration,
      tracingConfiguration: machine.tracingConfiguration,
      encryptionConfiguration: machine.encryptionConfiguration,
      // A machine never updated has no revision id yet (its revision is INITIAL), as AWS shows it.
      ...(machine.updateDate !== undefined ? { revisionId: machine.revisionId } : {}),
      ...(machine.description !== undefined ? { description: machine.description } : {}),
      ...variableReferencesField(machine.definition),
    };
  }

  /** A version ARN describes the immutable snapshot the version was published from. */
  private async describeVersion(versionArn: string, includedData: string | undefined) {
    const version = await this.projections.getStateMachineVersion(versionArn);
    if (!version) throw new StateMachineDoesNotExist(versionArn);
    return {
      stateMachineArn: version.stateMachineVersionArn,
      name: version.name,
      status: 'ACTIVE',
      definition: describedDefinition(version.definition, includedData),
      roleArn: version.roleArn,
      type: version.type,
      creationDate: toEpochSeconds(version.creationDate),
      loggingConfiguration: version.loggingConfiguration,
      tracingConfiguration: version.tracingConfiguration,
      encryptionConfiguration: version.encryptionConfiguration,
      ...(version.revisionId !== undefined ? { revisionId: version.revisionId } : {}),
      ...(version.description !== undefined ? { description: version.description } : {}),
      ...variableReferencesField(version.definition),
    };
  }
}

/**
 * DescribeStateMachine's and DescribeStateMachineForExecution's `variableReferences`: the
 * variables each state reads, left out when no state reads one (as AWS answers). Worked out per
 * call: a Describe already carries the whole definition, and a cache by text would hold copies.
 */
export function variableReferencesField(definition: string): { variableReferences?: Record<string, string[]> } {
  let references: Record<string, string[]> | undefined;
  try {
    references = variableReferencesOf(JSON.parse(definition));
  } catch {
    references = undefined; // a definition stored before validation held it: nothing to tell
  }
  return references ? { variableReferences: references } : {};
}

/** A DELETING machine whose last execution ended is gone (API_DeleteStateMachine). */
export async function isGone(projections: Projections, machine: StateMachineRecord): Promise<boolean> {
  return machine.status === 'DELETING' && (await projections.countRunningExecutions(machine.stateMachineArn)) === 0;
}

@QueryHandler(ListStateMachinesQuery)
export class ListStateMachinesHandler implements IQueryHandler<ListStateMachinesQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
  ) {}

  async execute({ request }: ListStateMachinesQuery) {
    await catchUp(this.store, this.projections);
    const page = await readPage(request.nextToken, () => this.projections.listStateMachines(request));
    const gone = await Promise.all(page.items.map((machine) => isGone(this.projections, machine)));
    return {
      stateMachines: page.items.filter((_, index) => !gone[index]).map((machine) => ({
        stateMachineArn: machine.stateMachineArn,
        name: machine.name,
        type: machine.type,
        creationDate: toEpochSeconds(machine.creationDate),
      })),
      ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
    };
  }
}

@QueryHandler(ListTagsForResourceQuery)
export class ListTagsForResourceHandler implements IQueryHandler<ListTagsForResourceQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: ListTagsForResourceQuery) {
    if (isActivityArn(request.resourceArn)) return { tags: await activityTags(this.store, this.arns, request.resourceArn) };
    taggableStateMachine(this.arns, request.resourceArn);
    await catchUp(this.store, this.projections);
    const machine = await this.projections.getStateMachine(request.resourceArn);
    if (!machine) throw new ResourceNotFound(request.resourceArn);
    return { tags: machine.tags };
  }
}

@QueryHandler(ValidateStateMachineDefinitionQuery)
export class ValidateStateMachineDefinitionHandler implements IQueryHandler<ValidateStateMachineDefinitionQuery> {
  async execute({ request }: ValidateStateMachineDefinitionQuery) {
    const result = parseDefinition(request.definition, { stateMachineType: request.type ?? 'STANDARD' });
    const minimum = request.severity ?? 'ERROR';
    const limit = request.maxResults === undefined || request.maxResults === 0 ? 100 : request.maxResults;
    const shown = result.diagnostics.filter((d) => minimum === 'WARNING' || d.severity === 'ERROR');
    return {
      result: result.ok ? 'OK' : 'FAIL',
      diagnostics: shown.slice(0, limit).map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        ...(d.location !== undefined ? { location: d.location } : {}),
      })),
      truncated: shown.length > limit,
    };
  }
}

/** Runs a paged read, turning an undecodable token into AWS's InvalidToken. */
export async function readPage<T>(token: string | undefined, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidPageTokenError) throw new InvalidToken(token ?? '');
    throw error;
  }
}
