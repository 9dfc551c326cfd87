import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';
import type { Arns } from '../aws-protocol/arns';
import { eventMetadata, type RequestContext } from '../aws-protocol/request-context';
import { ARNS, CLOCK, EVENT_STORE, PROJECTIONS, type Clock } from '../infrastructure/tokens';
import { decideAndAppend } from './decide-and-append';
import { runningExecutions } from './versions';
import type { StateMachineArnDto } from './state-machines.dto';

export class DeleteStateMachineCommand {
  constructor(
    readonly request: StateMachineArnDto,
    readonly context: RequestContext,
  ) {}
}

/**
 * Deleting is idempotent: a machine that does not exist (or is already deleted) answers with
 * success and nothing is appended, as AWS does. The name may be reused afterwards.
 */
@CommandHandler(DeleteStateMachineCommand)
export class DeleteStateMachineHandler implements ICommandHandler<DeleteStateMachineCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, context }: DeleteStateMachineCommand) {
    const name = this.arns.parseStateMachine(request.stateMachineArn);
    const running = await runningExecutions(this.store, this.projections, request.stateMachineArn);
    const { position } = await decideAndAppend(this.store, name, eventMetadata(context), ({ state }) => {
      if (!state || state.stateMachineArn !== request.stateMachineArn) return { events: [], result: undefined };
      const now = this.clock().toISOString();
      // With executions running the machine is DELETING until the last one ends; its versions
      // and aliases go with it (API_DeleteStateMachine).
      if (running > 0) {
        if (state.status === 'DELETING') return { events: [], result: undefined };
        return { events: [{ type: 'StateMachineDeletionRequested', data: { v: 1, requestDate: now } }], result: undefined };
      }
      return { events: [{ type: 'StateMachineDeleted', data: { v: 1, deletionDate: now } }], result: undefined };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return {};
  }
}
