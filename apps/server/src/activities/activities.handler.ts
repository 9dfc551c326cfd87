import { Inject } from '@nestjs/common';
import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@stepstone/event-store';
import type { ActivityTaskQueue } from '@stepstone/integrations';
import { ActivityDoesNotExist, InvalidToken } from '../aws-protocol/api-errors';
import { assertValidName, type Arns } from '../aws-protocol/arns';
import { normalizeEncryption } from '../aws-protocol/encryption-configuration';
import { eventMetadata, type RequestContext } from '../aws-protocol/request-context';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import type { ServerConfig } from '../config';
import { ACTIVITY_TASKS, ARNS, CLOCK, CONFIG, EVENT_STORE, type Clock } from '../infrastructure/tokens';
import { checkTag } from '../state-machines/check-tag';
import type { ActivityArnDto, CreateActivityDto, GetActivityTaskDto, ListActivitiesDto } from './activities.dto';
import { decideAndAppendActivity, listActivities, loadActivity } from './activity-stream';

export class CreateActivityCommand {
  constructor(
    readonly request: CreateActivityDto,
    readonly context: RequestContext,
  ) {}
}

export class DeleteActivityCommand {
  constructor(
    readonly request: ActivityArnDto,
    readonly context: RequestContext,
  ) {}
}

export class DescribeActivityQuery {
  constructor(readonly request: ActivityArnDto) {}
}

export class ListActivitiesQuery {
  constructor(readonly request: ListActivitiesDto) {}
}

/**
 * A command, not a query: handing a task to a worker records ActivityStarted. `abandoned`
 * aborts when the poller went away (a closed gRPC stream), so no task is handed to nobody.
 */
export class GetActivityTaskCommand {
  constructor(
    readonly request: GetActivityTaskDto,
    readonly context: RequestContext,
    readonly abandoned?: AbortSignal,
  ) {}
}

/**
 * CreateActivity is idempotent by name: creating an existing activity returns it unchanged,
 * whatever its tags (API_CreateActivity, "idempotent API") or encryptionConfiguration (the
 * check "is based on the activity name" only).
 */
@CommandHandler(CreateActivityCommand)
export class CreateActivityHandler implements ICommandHandler<CreateActivityCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, context }: CreateActivityCommand) {
    assertValidName(request.name);
    const tags = (request.tags ?? []).map(checkTag);
    const encryptionConfiguration = request.encryptionConfiguration !== undefined ? normalizeEncryption(request.encryptionConfiguration) : undefined;
    const activityArn = this.arns.activity(request.name);
    const result = await decideAndAppendActivity(this.store, request.name, eventMetadata(context), ({ state }) => {
      if (state) return { events: [], result: { activityArn: state.activityArn, creationDate: state.creationDate } };
      const creationDate = this.clock().toISOString();
      return {
        events: [
          {
            type: 'ActivityCreated',
            data: { v: 1, activityArn, name: request.name, tags, ...(encryptionConfiguration ? { encryptionConfiguration } : {}), creationDate },
          },
        ],
        result: { activityArn, creationDate },
      };
    });
    return { activityArn: result.activityArn, creationDate: toEpochSeconds(result.creationDate) };
  }
}

/** Deleting is idempotent: an activity that does not exist answers with success, nothing appended. */
@CommandHandler(DeleteActivityCommand)
export class DeleteActivityHandler implements ICommandHandler<DeleteActivityCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ request, context }: DeleteActivityCommand) {
    const name = this.arns.parseActivity(request.activityArn);
    await decideAndAppendActivity(this.store, name, eventMetadata(context), ({ state }) => {
      if (!state || state.activityArn !== request.activityArn) return { events: [], result: undefined };
      return { events: [{ type: 'ActivityDeleted', data: { v: 1, deletionDate: this.clock().toISOString() } }], result: undefined };
    });
    return {};
  }
}

@QueryHandler(DescribeActivityQuery)
export class DescribeActivityHandler implements IQueryHandler<DescribeActivityQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  async execute({ request }: DescribeActivityQuery) {
    const name = this.arns.parseActivity(request.activityArn);
    const { state } = await loadActivity(this.store, name);
    if (!state || state.activityArn !== request.activityArn) throw new ActivityDoesNotExist(request.activityArn);
    return {
      activityArn: state.activityArn,
      name: state.name,
      creationDate: toEpochSeconds(state.creationDate),
      encryptionConfiguration: state.encryptionConfiguration,
    };
  }
}

const DEFAULT_PAGE_SIZE = 100;

/** Pages by name; the token is the last name of the previous page. */
@QueryHandler(ListActivitiesQuery)
export class ListActivitiesHandler implements IQueryHandler<ListActivitiesQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ request }: ListActivitiesQuery) {
    const pageSize = request.maxResults === undefined || request.maxResults === 0 ? DEFAULT_PAGE_SIZE : request.maxResults;
    const after = request.nextToken === undefined ? undefined : decodePageToken(request.nextToken);
    const all = (await listActivities(this.store)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const rest = after === undefined ? all : all.filter((activity) => activity.name > after);
    const page = rest.slice(0, pageSize);
    return {
      activities: page.map((activity) => ({ activityArn: activity.activityArn, name: activity.name, creationDate: toEpochSeconds(activity.creationDate) })),
      ...(rest.length > pageSize ? { nextToken: Buffer.from(JSON.stringify({ after: page[page.length - 1].name }), 'utf8').toString('base64') } : {}),
    };
  }
}

function decodePageToken(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string') return decoded.after;
  } catch {
    // fall through
  }
  throw new InvalidToken(token);
}

/**
 * Long poll (up to 60 s, as AWS): the oldest task waiting for this activity, handed to this
 * worker only, or `{}` (no taskToken) when none arrives in time.
 */
@CommandHandler(GetActivityTaskCommand)
export class GetActivityTaskHandler implements ICommandHandler<GetActivityTaskCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(ACTIVITY_TASKS) private readonly tasks: ActivityTaskQueue,
    @Inject(CONFIG) private readonly config: ServerConfig,
  ) {}

  async execute({ request, abandoned }: GetActivityTaskCommand) {
    const name = this.arns.parseActivity(request.activityArn);
    const { state } = await loadActivity(this.store, name);
    if (!state || state.activityArn !== request.activityArn) throw new ActivityDoesNotExist(request.activityArn);
    const task = await this.tasks.poll(request.activityArn, request.workerName, this.config.activityPollSeconds * 1000, abandoned);
    return task ? { taskToken: task.taskToken, input: task.input } : {};
  }
}
