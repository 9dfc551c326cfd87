import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { canonicalJson, type EventStore } from '@stepstone/event-store';
import type { Projections, StateMachineEvent } from '@stepstone/projections';
import { MissingRequiredParameter, StateMachineDoesNotExist } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import { normalizeEncryption } from '../aws-protocol/encryption-configuration';
import { eventMetadata, type RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { ARNS, CLOCK, EVENT_STORE, ID_SOURCE, PROJECTIONS, type Clock, type IdSource } from '../infrastructure/tokens';
import { checkDefinition } from './check-definition';
import { checkLoggingConfiguration } from './check-logging';
import { DEFAULT_LOGGING, DEFAULT_TRACING } from './create-state-machine.handler';
import { decideAndAppend } from './decide-and-append';
import { publicRevisionId } from './state-machine-stream';
import type { UpdateStateMachineDto } from './state-machines.dto';
import { afterEvents, checkPublishFlags, decidePublish, requireActive, runningExecutions } from './versions';

export class UpdateStateMachineCommand {
  constructor(
    readonly request: UpdateStateMachineDto,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(UpdateStateMachineCommand)
export class UpdateStateMachineHandler implements ICommandHandler<UpdateStateMachineCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
  ) {}

  async execute({ request, context }: UpdateStateMachineCommand) {
    const target = this.arns.parseStateMachineTarget(request.stateMachineArn);
    // A version is immutable: AWS answers as if no such machine existed.
    if (target.kind !== 'machine') throw new StateMachineDoesNotExist(request.stateMachineArn);
    const { definition, roleArn, loggingConfiguration, tracingConfiguration } = request;
    if (
      definition === undefined &&
      roleArn === undefined &&
      loggingConfiguration === undefined &&
      tracingConfiguration === undefined &&
      request.encryptionConfiguration === undefined
    ) {
      // AWS's recorded wording, which does not name encryptionConfiguration although it counts.
      throw new MissingRequiredParameter('Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
    }
    if (loggingConfiguration !== undefined) checkLoggingConfiguration(loggingConfiguration);
    const encryptionConfiguration = request.encryptionConfiguration !== undefined ? normalizeEncryption(request.encryptionConfiguration) : undefined;
    checkPublishFlags(request.publish, request.versionDescription);
    const running = await runningExecutions(this.store, this.projections, request.stateMachineArn);
    const { result, position } = await decideAndAppend(this.store, target.name, eventMetadata(context), ({ state: current }) => {
      const state = requireActive(current, request.stateMachineArn, running);
      if (definition !== undefined) checkDefinition(definition, state.type);
      const now = this.clock().toISOString();
      const changes = {
        ...(definition !== undefined && definition !== state.definition ? { definition } : {}),
        ...(roleArn !== undefined && roleArn !== state.roleArn ? { roleArn } : {}),
        ...(loggingConfiguration !== undefined ? { loggingConfiguration: { ...DEFAULT_LOGGING, ...loggingConfiguration } } : {}),
        ...(tracingConfiguration !== undefined ? { tracingConfiguration: { ...DEFAULT_TRACING, ...tracingConfiguration } } : {}),
        ...(encryptionConfiguration !== undefined && canonicalJson(encryptionConfiguration) !== canonicalJson(state.encryptionConfiguration) ? { encryptionConfiguration } : {}),
      };
      if (changes.loggingConfiguration && canonicalJson(changes.loggingConfiguration) === canonicalJson(state.loggingConfiguration)) delete changes.loggingConfiguration;
      if (changes.tracingConfiguration && canonicalJson(changes.tracingConfiguration) === canonicalJson(state.tracingConfiguration)) delete changes.tracingConfiguration;
      // An update that changes nothing makes no new revision (the recorded AWS runs keep the
      // revision, and publishing it again answers with the same version).
      const updated: StateMachineEvent[] =
        Object.keys(changes).length === 0 ? [] : [{ type: 'StateMachineUpdated', data: { v: 1, ...changes, updateDate: now, revisionId: this.ids() } }];
      const next = afterEvents(state, updated);
      const published = request.publish === true ? decidePublish(next, versionRequest(request.versionDescription), now, this.arns) : undefined;
      return {
        events: [...updated, ...(published?.events ?? [])],
        result: { updateDate: next.updateDate ?? now, revisionId: publicRevisionId(next), stateMachineVersionArn: published?.version.stateMachineVersionArn },
      };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return {
      updateDate: toEpochSeconds(result.updateDate),
      ...(result.revisionId !== undefined ? { revisionId: result.revisionId } : {}),
      ...(result.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: result.stateMachineVersionArn } : {}),
    };
  }
}

function versionRequest(description: string | undefined) {
  return description !== undefined ? { description } : {};
}
