import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';
import { MissingRequiredParameter, StateMachineDoesNotExist } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import { eventMetadata, type RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { ARNS, CLOCK, EVENT_STORE, ID_SOURCE, PROJECTIONS, type Clock, type IdSource } from '../infrastructure/tokens';
import { checkDefinition } from './check-definition';
import { DEFAULT_LOGGING, DEFAULT_TRACING } from './create-state-machine.handler';
import { decideAndAppend } from './decide-and-append';
import type { UpdateStateMachineDto } from './state-machines.dto';

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
    const name = this.arns.parseStateMachine(request.stateMachineArn);
    const { definition, roleArn, loggingConfiguration, tracingConfiguration } = request;
    if (definition === undefined && roleArn === undefined && loggingConfiguration === undefined && tracingConfiguration === undefined) {
      throw new MissingRequiredParameter('Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
    }
    const { result, position } = await decideAndAppend(this.store, name, eventMetadata(context), ({ state }) => {
      if (!state || state.stateMachineArn !== request.stateMachineArn) throw new StateMachineDoesNotExist(request.stateMachineArn);
      if (definition !== undefined) checkDefinition(definition, state.type);
      const updateDate = this.clock().toISOString();
      const revisionId = this.ids();
      return {
        events: [
          {
            type: 'StateMachineUpdated',
            data: {
              v: 1,
              ...(definition !== undefined ? { definition } : {}),
              ...(roleArn !== undefined ? { roleArn } : {}),
              ...(loggingConfiguration !== undefined ? { loggingConfiguration: { ...DEFAULT_LOGGING, ...loggingConfiguration } } : {}),
              ...(tracingConfiguration !== undefined ? { tracingConfiguration: { ...DEFAULT_TRACING, ...tracingConfiguration } } : {}),
              updateDate,
              revisionId,
            },
          },
        ],
        result: { updateDate, revisionId },
      };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return { updateDate: toEpochSeconds(result.updateDate), revisionId: result.revisionId };
  }
}
