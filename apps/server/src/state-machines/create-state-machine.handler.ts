import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { canonicalJson, type EventStore } from '@stepstone/event-store';
import { DEFAULT_ENCRYPTION, type LoggingConfiguration, type Projections, type StateMachineEvent, type TracingConfiguration } from '@stepstone/projections';
import { StateMachineAlreadyExists, StateMachineDeleting } from '../aws-protocol/api-errors';
import { assertValidName, type Arns } from '../aws-protocol/arns';
import { normalizeEncryption } from '../aws-protocol/encryption-configuration';
import { eventMetadata, type RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { ARNS, CLOCK, EVENT_STORE, ID_SOURCE, PROJECTIONS, type Clock, type IdSource } from '../infrastructure/tokens';
import { checkDefinition } from './check-definition';
import { checkLoggingConfiguration } from './check-logging';
import { checkTag } from './check-tag';
import { decideAndAppend } from './decide-and-append';
import type { CreateStateMachineDto } from './state-machines.dto';
import { afterEvents, checkPublishFlags, decidePublish, runningExecutions } from './versions';

export const DEFAULT_LOGGING: LoggingConfiguration = { level: 'OFF', includeExecutionData: false };
export const DEFAULT_TRACING: TracingConfiguration = { enabled: false };

export class CreateStateMachineCommand {
  constructor(
    readonly request: CreateStateMachineDto,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(CreateStateMachineCommand)
export class CreateStateMachineHandler implements ICommandHandler<CreateStateMachineCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
  ) {}

  async execute({ request, context }: CreateStateMachineCommand) {
    assertValidName(request.name);
    const type = request.type ?? 'STANDARD';
    checkDefinition(request.definition, type);
    const stateMachineArn = this.arns.stateMachine(request.name);
    if (request.loggingConfiguration !== undefined) checkLoggingConfiguration(request.loggingConfiguration);
    const loggingConfiguration = { ...DEFAULT_LOGGING, ...request.loggingConfiguration };
    const tracingConfiguration = { ...DEFAULT_TRACING, ...request.tracingConfiguration };
    const tags = (request.tags ?? []).map(checkTag);
    const encryptionConfiguration = request.encryptionConfiguration !== undefined ? normalizeEncryption(request.encryptionConfiguration) : DEFAULT_ENCRYPTION;
    checkPublishFlags(request.publish, request.versionDescription);
    const publish = request.publish === true ? { ...(request.versionDescription !== undefined ? { description: request.versionDescription } : {}) } : undefined;
    // A name whose machine is DELETING is free again once its last execution ended.
    const running = await runningExecutions(this.store, this.projections, stateMachineArn);

    const { result, position } = await decideAndAppend(this.store, request.name, eventMetadata(context), ({ state: current }) => {
      if (current?.status === 'DELETING' && running > 0) throw new StateMachineDeleting(stateMachineArn);
      const settled: StateMachineEvent[] = current?.status === 'DELETING' ? [{ type: 'StateMachineDeleted', data: { v: 1, deletionDate: this.clock().toISOString() } }] : [];
      const state = settled.length > 0 ? undefined : current;
      if (state) {
        // CreateStateMachine is idempotent on name, definition, type, logging, tracing and
        // encryption; a different roleArn or tags are ignored (API_CreateStateMachine, "idempotent API").
        const same =
          state.definition === request.definition &&
          state.type === type &&
          sameJson(state.loggingConfiguration, loggingConfiguration) &&
          sameJson(state.tracingConfiguration, tracingConfiguration) &&
          sameJson(state.encryptionConfiguration, encryptionConfiguration);
        if (!same) throw new StateMachineAlreadyExists(stateMachineArn);
        const published = publish && decidePublish(state, publish, this.clock().toISOString(), this.arns);
        return {
          events: published?.events ?? [],
          result: { stateMachineArn, creationDate: state.creationDate, stateMachineVersionArn: published?.version.stateMachineVersionArn },
        };
      }
      const creationDate = this.clock().toISOString();
      const created: StateMachineEvent = {
        type: 'StateMachineCreated',
        data: {
          v: 1,
          stateMachineArn,
          name: request.name,
          type,
          definition: request.definition,
          roleArn: request.roleArn,
          loggingConfiguration,
          tracingConfiguration,
          tags,
          encryptionConfiguration,
          creationDate,
          revisionId: this.ids(),
        },
      };
      const published = publish && decidePublish(afterEvents(undefined, [created]), publish, creationDate, this.arns);
      return {
        events: [...settled, created, ...(published?.events ?? [])],
        result: { stateMachineArn, creationDate, stateMachineVersionArn: published?.version.stateMachineVersionArn },
      };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return {
      stateMachineArn: result.stateMachineArn,
      creationDate: toEpochSeconds(result.creationDate),
      ...(result.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: result.stateMachineVersionArn } : {}),
    };
  }
}

/** Key order does not matter (the store may keep payloads in canonical key order). */
function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
