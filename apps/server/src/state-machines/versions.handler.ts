import { Inject } from '@nestjs/common';
import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';
import { ConflictException, InvalidArn, StateMachineDoesNotExist } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import { eventMetadata, type RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { catchUp } from '../infrastructure/read-your-writes';
import { ARNS, CLOCK, EVENT_STORE, PROJECTIONS, type Clock } from '../infrastructure/tokens';
import { decideAndAppend } from './decide-and-append';
import { isGone, readPage } from './state-machine-queries.handler';
import type { ListVersionsOrAliasesDto, PublishStateMachineVersionDto, StateMachineVersionArnDto } from './versions-aliases.dto';
import { decidePublish, requireActive, runningExecutions } from './versions';

export class PublishStateMachineVersionCommand {
  constructor(
    readonly request: PublishStateMachineVersionDto,
    readonly context: RequestContext,
  ) {}
}

export class DeleteStateMachineVersionCommand {
  constructor(
    readonly request: StateMachineVersionArnDto,
    readonly context: RequestContext,
  ) {}
}

export class ListStateMachineVersionsQuery {
  constructor(readonly request: ListVersionsOrAliasesDto) {}
}

@CommandHandler(PublishStateMachineVersionCommand)
export class PublishStateMachineVersionHandler implements ICommandHandler<PublishStateMachineVersionCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, context }: PublishStateMachineVersionCommand) {
    const target = this.arns.parseStateMachineTarget(request.stateMachineArn);
    if (target.kind !== 'machine') throw new StateMachineDoesNotExist(request.stateMachineArn);
    const running = await runningExecutions(this.store, this.projections, request.stateMachineArn);
    const { result, position } = await decideAndAppend(this.store, target.name, eventMetadata(context), ({ state }) => {
      const machine = requireActive(state, request.stateMachineArn, running);
      const published = decidePublish(
        machine,
        {
          ...(request.description !== undefined ? { description: request.description } : {}),
          ...(request.revisionId !== undefined ? { revisionId: request.revisionId } : {}),
        },
        this.clock().toISOString(),
        this.arns,
      );
      return { events: published.events, result: published.version };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return { creationDate: toEpochSeconds(result.creationDate), stateMachineVersionArn: result.stateMachineVersionArn };
  }
}

/**
 * Deleting a version that does not exist succeeds (the recorded AWS run deletes one twice);
 * a version an alias points to cannot go (ConflictException naming the aliases).
 */
@CommandHandler(DeleteStateMachineVersionCommand)
export class DeleteStateMachineVersionHandler implements ICommandHandler<DeleteStateMachineVersionCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, context }: DeleteStateMachineVersionCommand) {
    const arn = request.stateMachineVersionArn;
    const target = this.arns.parseStateMachineTarget(arn);
    if (target.kind !== 'version') throw new InvalidArn(arn);
    const { position } = await decideAndAppend(this.store, target.name, eventMetadata(context), ({ state }) => {
      const version = state?.versions.get(target.version);
      if (!state || !version || version.stateMachineVersionArn !== arn) return { events: [], result: undefined };
      const referencing = [...state.aliases.values()]
        .filter((alias) => alias.routingConfiguration.some((item) => item.stateMachineVersionArn === arn))
        .map((alias) => alias.name);
      if (referencing.length > 0) {
        throw new ConflictException(
          `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${referencing.join(', ')}]`,
        );
      }
      return { events: [{ type: 'StateMachineVersionDeleted', data: { v: 1, version: target.version, deletionDate: this.clock().toISOString() } }], result: undefined };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return {};
  }
}

/** Newest first; a machine that does not exist has no versions (the action has no DoesNotExist error). */
@QueryHandler(ListStateMachineVersionsQuery)
export class ListStateMachineVersionsHandler implements IQueryHandler<ListStateMachineVersionsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: ListStateMachineVersionsQuery) {
    const target = this.arns.parseStateMachineTarget(request.stateMachineArn);
    if (target.kind !== 'machine') throw new InvalidArn(request.stateMachineArn);
    await catchUp(this.store, this.projections);
    const machine = await this.projections.getStateMachine(request.stateMachineArn);
    if (!machine || (await isGone(this.projections, machine))) return { stateMachineVersions: [] };
    const page = await readPage(request.nextToken, () =>
      this.projections.listStateMachineVersions({
        machine: target.name,
        ...(request.maxResults !== undefined ? { maxResults: request.maxResults } : {}),
        ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
      }),
    );
    return {
      stateMachineVersions: page.items.map((version) => ({
        stateMachineVersionArn: version.stateMachineVersionArn,
        creationDate: toEpochSeconds(version.creationDate),
      })),
      ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
    };
  }
}

export const VERSION_HANDLERS = [PublishStateMachineVersionHandler, DeleteStateMachineVersionHandler, ListStateMachineVersionsHandler];
