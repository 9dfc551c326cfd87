import { Inject } from '@nestjs/common';
import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { canonicalJson, type EventStore } from '@stepstone/event-store';
import type { Projections, RoutingConfigurationItem } from '@stepstone/projections';
import {
  ConflictException,
  InvalidArn,
  ResourceNotFound,
  ServiceQuotaExceededException,
  StateMachineDeleting,
  StateMachineDoesNotExist,
  ValidationException,
} from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import { eventMetadata, type RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { catchUp } from '../infrastructure/read-your-writes';
import { ARNS, CLOCK, EVENT_STORE, PROJECTIONS, type Clock } from '../infrastructure/tokens';
import { decideAndAppend } from './decide-and-append';
import { checkAliasName, checkRoutingConfiguration } from './routing-configuration';
import { isGone, readPage } from './state-machine-queries.handler';
import type { StateMachineState } from './state-machine-stream';
import type { CreateStateMachineAliasDto, ListVersionsOrAliasesDto, StateMachineAliasArnDto, UpdateStateMachineAliasDto } from './versions-aliases.dto';
import { MAX_ALIASES, runningExecutions } from './versions';

export class CreateStateMachineAliasCommand {
  constructor(
    readonly request: CreateStateMachineAliasDto,
    readonly context: RequestContext,
  ) {}
}

export class UpdateStateMachineAliasCommand {
  constructor(
    readonly request: UpdateStateMachineAliasDto,
    readonly context: RequestContext,
  ) {}
}

export class DeleteStateMachineAliasCommand {
  constructor(
    readonly request: StateMachineAliasArnDto,
    readonly context: RequestContext,
  ) {}
}

export class DescribeStateMachineAliasQuery {
  constructor(readonly request: StateMachineAliasArnDto) {}
}

export class ListStateMachineAliasesQuery {
  constructor(readonly request: ListVersionsOrAliasesDto) {}
}

/** The machine an alias command acts on: DELETING while executions run refuses, as AWS does. */
function requireMachine(state: StateMachineState | undefined, stateMachineArn: string, running: number): StateMachineState {
  if (!state || state.stateMachineArn !== stateMachineArn) throw new ResourceNotFound(stateMachineArn, 'Request references a resource that does not exist.');
  if (state.status === 'DELETING') {
    if (running > 0) throw new StateMachineDeleting(stateMachineArn);
    throw new ResourceNotFound(stateMachineArn, 'Request references a resource that does not exist.');
  }
  return state;
}

/** Every version an alias routes to must exist when the alias is created or changed. */
function requireVersions(state: StateMachineState, items: readonly RoutingConfigurationItem[]): void {
  const present = new Set([...state.versions.values()].map((version) => version.stateMachineVersionArn));
  const missing = items.find((item) => !present.has(item.stateMachineVersionArn));
  if (missing) throw new ResourceNotFound(missing.stateMachineVersionArn, 'Request references a resource that does not exist.');
}

/** The alias's machine comes from its routing: the versions it points to (API_CreateStateMachineAlias). */
@CommandHandler(CreateStateMachineAliasCommand)
export class CreateStateMachineAliasHandler implements ICommandHandler<CreateStateMachineAliasCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, context }: CreateStateMachineAliasCommand) {
    checkAliasName(request.name);
    const { machine, items } = checkRoutingConfiguration(request.routingConfiguration, this.arns);
    const stateMachineArn = this.arns.stateMachine(machine);
    const stateMachineAliasArn = this.arns.stateMachineAlias(machine, request.name);
    const running = await runningExecutions(this.store, this.projections, stateMachineArn);
    const { result, position } = await decideAndAppend(this.store, machine, eventMetadata(context), ({ state }) => {
      const current = requireMachine(state, stateMachineArn, running);
      const existing = current.aliases.get(request.name);
      if (existing) {
        // Idempotent on name, description and routing (API_CreateStateMachineAlias).
        const same = existing.description === request.description && canonicalJson(existing.routingConfiguration) === canonicalJson(items);
        if (!same) throw new ConflictException('Failed to create alias because an alias with the same name and a different routing configuration already exists.');
        return { events: [], result: existing.creationDate };
      }
      if (current.aliases.size >= MAX_ALIASES) {
        throw new ServiceQuotaExceededException(`Exceeded the maximum of ${MAX_ALIASES} aliases for state machine '${stateMachineArn}'`);
      }
      requireVersions(current, items);
      const creationDate = this.clock().toISOString();
      return {
        events: [
          {
            type: 'StateMachineAliasCreated',
            data: {
              v: 1,
              name: request.name,
              stateMachineAliasArn,
              ...(request.description !== undefined ? { description: request.description } : {}),
              routingConfiguration: items,
              creationDate,
            },
          },
        ],
        result: creationDate,
      };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return { stateMachineAliasArn, creationDate: toEpochSeconds(result) };
  }
}

@CommandHandler(UpdateStateMachineAliasCommand)
export class UpdateStateMachineAliasHandler implements ICommandHandler<UpdateStateMachineAliasCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, context }: UpdateStateMachineAliasCommand) {
    const target = this.arns.parseStateMachineTarget(request.stateMachineAliasArn);
    if (target.kind !== 'alias') throw new InvalidArn(request.stateMachineAliasArn);
    if (request.description === undefined && request.routingConfiguration === undefined) {
      throw new ValidationException('Either the description or the routingConfiguration must be specified');
    }
    const routing = request.routingConfiguration !== undefined ? checkRoutingConfiguration(request.routingConfiguration, this.arns) : undefined;
    if (routing && routing.machine !== target.name) {
      throw new ValidationException(
        `Routing configuration must contain state machine version ARNs of the same state machine. Received: [${routing.items.map((item) => item.stateMachineVersionArn).join(', ')}]`,
      );
    }
    const stateMachineArn = this.arns.stateMachine(target.name);
    const running = await runningExecutions(this.store, this.projections, stateMachineArn);
    const { result, position } = await decideAndAppend(this.store, target.name, eventMetadata(context), ({ state }) => {
      const alias = state?.aliases.get(target.alias);
      if (!state || state.stateMachineArn !== stateMachineArn || !alias) throw ResourceNotFound.alias(request.stateMachineAliasArn);
      if (state.status === 'DELETING' && running > 0) throw new StateMachineDeleting(stateMachineArn);
      if (state.status === 'DELETING') throw ResourceNotFound.alias(request.stateMachineAliasArn);
      if (routing) requireVersions(state, routing.items);
      const unchanged =
        (request.description === undefined || request.description === alias.description) &&
        (!routing || canonicalJson(routing.items) === canonicalJson(alias.routingConfiguration));
      if (unchanged) return { events: [], result: alias.updateDate };
      const updateDate = this.clock().toISOString();
      return {
        events: [
          {
            type: 'StateMachineAliasUpdated',
            data: {
              v: 1,
              name: target.alias,
              ...(request.description !== undefined ? { description: request.description } : {}),
              ...(routing ? { routingConfiguration: routing.items } : {}),
              updateDate,
            },
          },
        ],
        result: updateDate,
      };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return { updateDate: toEpochSeconds(result) };
  }
}

/** Deleting an alias that does not exist succeeds, as the recorded AWS run shows. */
@CommandHandler(DeleteStateMachineAliasCommand)
export class DeleteStateMachineAliasHandler implements ICommandHandler<DeleteStateMachineAliasCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, context }: DeleteStateMachineAliasCommand) {
    const target = this.arns.parseStateMachineTarget(request.stateMachineAliasArn);
    if (target.kind !== 'alias') throw new InvalidArn(request.stateMachineAliasArn);
    const { position } = await decideAndAppend(this.store, target.name, eventMetadata(context), ({ state }) => {
      const alias = state?.aliases.get(target.alias);
      if (!alias || alias.stateMachineAliasArn !== request.stateMachineAliasArn) return { events: [], result: undefined };
      return { events: [{ type: 'StateMachineAliasDeleted', data: { v: 1, name: target.alias, deletionDate: this.clock().toISOString() } }], result: undefined };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return {};
  }
}

@QueryHandler(DescribeStateMachineAliasQuery)
export class DescribeStateMachineAliasHandler implements IQueryHandler<DescribeStateMachineAliasQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: DescribeStateMachineAliasQuery) {
    if (this.arns.parseStateMachineTarget(request.stateMachineAliasArn).kind !== 'alias') throw new InvalidArn(request.stateMachineAliasArn);
    await catchUp(this.store, this.projections);
    const alias = await this.projections.getStateMachineAlias(request.stateMachineAliasArn);
    if (!alias) throw ResourceNotFound.alias(request.stateMachineAliasArn);
    return {
      stateMachineAliasArn: alias.stateMachineAliasArn,
      name: alias.name,
      ...(alias.description !== undefined ? { description: alias.description } : {}),
      routingConfiguration: alias.routingConfiguration,
      creationDate: toEpochSeconds(alias.creationDate),
      updateDate: toEpochSeconds(alias.updateDate),
    };
  }
}

@QueryHandler(ListStateMachineAliasesQuery)
export class ListStateMachineAliasesHandler implements IQueryHandler<ListStateMachineAliasesQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: ListStateMachineAliasesQuery) {
    const target = this.arns.parseStateMachineTarget(request.stateMachineArn);
    if (target.kind !== 'machine') throw new InvalidArn(request.stateMachineArn);
    await catchUp(this.store, this.projections);
    const machine = await this.projections.getStateMachine(request.stateMachineArn);
    if (!machine || (await isGone(this.projections, machine))) throw new StateMachineDoesNotExist(request.stateMachineArn);
    if (machine.status === 'DELETING') throw new StateMachineDeleting(request.stateMachineArn);
    const page = await readPage(request.nextToken, () =>
      this.projections.listStateMachineAliases({
        machine: target.name,
        ...(request.maxResults !== undefined ? { maxResults: request.maxResults } : {}),
        ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
      }),
    );
    return {
      stateMachineAliases: page.items.map((alias) => ({ stateMachineAliasArn: alias.stateMachineAliasArn, creationDate: toEpochSeconds(alias.creationDate) })),
      ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
    };
  }
}

export const ALIAS_HANDLERS = [
  CreateStateMachineAliasHandler,
  UpdateStateMachineAliasHandler,
  DeleteStateMachineAliasHandler,
  DescribeStateMachineAliasHandler,
  ListStateMachineAliasesHandler,
];
