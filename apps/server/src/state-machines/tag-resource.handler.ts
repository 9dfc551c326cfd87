import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '@stepstone/event-store';
import type { Projections } from '@stepstone/projections';
import { isActivityArn, tagActivity, untagActivity } from '../activities/activity-tags';
import { ResourceNotFound } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import { eventMetadata, type RequestContext } from '../aws-protocol/request-context';
import { ARNS, EVENT_STORE, PROJECTIONS } from '../infrastructure/tokens';
import { checkTag, taggableStateMachine } from './check-tag';
import { decideAndAppend } from './decide-and-append';
import type { TagResourceDto, UntagResourceDto } from './state-machines.dto';

export class TagResourceCommand {
  constructor(
    readonly request: TagResourceDto,
    readonly context: RequestContext,
  ) {}
}

export class UntagResourceCommand {
  constructor(
    readonly request: UntagResourceDto,
    readonly context: RequestContext,
  ) {}
}

/** Tags of state machines (their stream) and of activities (theirs). */
@CommandHandler(TagResourceCommand)
export class TagResourceHandler implements ICommandHandler<TagResourceCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request, context }: TagResourceCommand) {
    const tags = request.tags.map(checkTag);
    if (isActivityArn(request.resourceArn)) {
      await tagActivity(this.store, this.arns, request.resourceArn, tags, eventMetadata(context));
      return {};
    }
    const name = taggableStateMachine(this.arns, request.resourceArn);
    const { position } = await decideAndAppend(this.store, name, eventMetadata(context), ({ state }) => {
      if (!state || state.stateMachineArn !== request.resourceArn) throw new ResourceNotFound(request.resourceArn);
      return { events: [{ type: 'StateMachineTagged', data: { v: 1, tags } }], result: undefined };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return {};
  }
}

@CommandHandler(UntagResourceCommand)
export class UntagResourceHandler implements ICommandHandler<UntagResourceCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request, context }: UntagResourceCommand) {
    if (isActivityArn(request.resourceArn)) {
      await untagActivity(this.store, this.arns, request.resourceArn, request.tagKeys, eventMetadata(context));
      return {};
    }
    const name = taggableStateMachine(this.arns, request.resourceArn);
    const { position } = await decideAndAppend(this.store, name, eventMetadata(context), ({ state }) => {
      if (!state || state.stateMachineArn !== request.resourceArn) throw new ResourceNotFound(request.resourceArn);
      return { events: [{ type: 'StateMachineUntagged', data: { v: 1, tagKeys: request.tagKeys } }], result: undefined };
    });
    if (position !== undefined) await this.projections.waitForPosition(position);
    return {};
  }
}
