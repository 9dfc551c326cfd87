import { Controller, Get, Inject, type OnModuleDestroy, Query, Req, Res } from '@nestjs/common';
import { buildTimeline, executionStreamId, type ExecutionEvent } from '@stepstone/engine';
import type { EventStore, RecordedEvent } from '@stepstone/event-store';
import { ExecutionStatus, STATE_MACHINE_STREAM_PREFIX, stateMachineStreamId, type Projections } from '@stepstone/projections';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTHENTICATOR, ConsoleSessionRoute, identityOf } from '../auth/auth.guard';
import type { Authenticator, Identity } from '../auth/authenticator';
import { ExecutionDoesNotExist, StateMachineDoesNotExist, ValidationException } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import { toEpochSeconds } from '../aws-protocol/timestamps';
import { catchUp } from '../infrastructure/read-your-writes';
import { ARNS, EVENT_STORE, PROJECTIONS } from '../infrastructure/tokens';
import { readPage } from '../state-machines/state-machine-queries.handler';

/** SSE comment sent while idle, so proxies and the browser keep the stream open. */
const KEEP_ALIVE_MS = 15_000;
const SEARCH_MAX_RESULTS = 100;

/**
 * What the console needs that the AWS API lacks: live changes (server-sent events fed by the
 * store's own subscription, so appends by any process sharing the store arrive), execution
 * counts per status, a name search, and the replay timeline (`stepstone replay`'s buildTimeline).
 * Everything else the console reads and does through the AWS JSON API (`POST /console/api/aws`).
 * Every route is authenticated by the console's session (auth/console-sessions.ts) and
 * authorised as the AWS action whose data it shows: counts and the name search as
 * states:ListExecutions on each state machine, the timeline and an execution's stream as
 * states:GetExecutionHistory on the execution, a state machine's stream as states:ListExecutions
 * on it, the unfiltered stream as states:ListStateMachines (its executions' changes only where
 * states:ListExecutions on their machine is allowed).
 */
@Controller('console/api')
@ConsoleSessionRoute()
export class ConsoleApiController implements OnModuleDestroy {
  /** Open event streams: ended at shutdown, or the HTTP server would wait on them forever. */
  private readonly streams = new Set<() => void>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  /**
   * `GET /console/api/events[?stateMachineArn=|executionArn=]`: one SSE message per stored event
   * of the matching streams, `id` = the event's global position, so a reconnecting browser
   * resumes after `Last-Event-ID` with nothing lost. Filtering uses stream ids only (no parse).
   */
  @Get('events')
  async events(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const matches = this.streamFilter(query, identityOf(request));
    const lastEventId = Number(request.headers['last-event-id']);
    const from = Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : await this.store.headPosition();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    raw.write(`retry: 1000\n: subscribed after position ${from}\n\n`);
    const subscription = this.store.subscribe(
      from,
      (events) => {
        for (const event of events) {
          if (!matches(event.streamId)) continue;
          raw.write(`id: ${event.position}\ndata: ${JSON.stringify(this.change(event))}\n\n`);
        }
      },
      { onError: () => raw.end() },
    );
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const end = () => {
      clearInterval(keepAlive);
      subscription.close();
      this.streams.delete(end);
      raw.end();
    };
    this.streams.add(end);
    request.raw.once('close', end);
  }

  onModuleDestroy(): void {
    for (const end of [...this.streams]) end();
  }

  /** `GET /console/api/counts`: `{ counts: { <stateMachineArn>: { RUNNING: 2, ... } } }`. */
  @Get('counts')
  async counts(@Req() request: FastifyRequest): Promise<{ counts: Record<string, Record<string, number>> }> {
    const identity = identityOf(request);
    await catchUp(this.store, this.projections);
    const counts: Record<string, Record<string, number>> = {};
    for (const row of await this.projections.countExecutionsByStatus()) {
      // Only the machines whose executions this key may list.
      if (!this.authenticator.allows(identity, 'states:ListExecutions', row.stateMachineArn)) continue;
      (counts[row.stateMachineArn] ??= {})[row.status] = row.count;
    }
    return { counts };
  }

  /**
   * `GET /console/api/executions?stateMachineArn=&name=[&statusFilter=&maxResults=&nextToken=]`:
   * ListExecutions' answer, narrowed to names containing `name` (AWS has no name search).
   */
  @Get('executions')
  async searchExecutions(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest) {
    const stateMachineArn = requiredString(query, 'stateMachineArn');
    this.arns.parseStateMachine(stateMachineArn);
    this.authenticator.authorize(identityOf(request), 'states:ListExecutions', stateMachineArn);
    const name = requiredString(query, 'name');
    const statusFilter = optionalString(query, 'statusFilter');
    if (statusFilter !== undefined && !Object.hasOwn(ExecutionStatus, statusFilter)) {
      throw new ValidationException(`statusFilter must be one of ${Object.keys(ExecutionStatus).join(', ')}, got '${statusFilter}'`);
    }
    const maxResultsText = optionalString(query, 'maxResults');
    const maxResults = maxResultsText === undefined ? SEARCH_MAX_RESULTS : Number(maxResultsText);
    if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw new ValidationException(`maxResults must be an integer from 1 to 1000, got '${maxResultsText}'`);
    }
    const nextToken = optionalString(query, 'nextToken');
    await catchUp(this.store, this.projections);
    if (!(await this.projections.getStateMachine(stateMachineArn))) throw new StateMachineDoesNotExist(stateMachineArn);
    const page = await readPage(nextToken, () =>
      this.projections.listExecutions({
        stateMachineArn,
        nameContains: name,
        maxResults,
        ...(statusFilter !== undefined ? { statusFilter: statusFilter as ExecutionStatus } : {}),
        ...(nextToken !== undefined ? { nextToken } : {}),
      }),
    );
    return {
      executions: page.items.map((execution) => ({
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: toEpochSeconds(execution.startDate),
        ...(execution.stopDate !== undefined ? { stopDate: toEpochSeconds(execution.stopDate) } : {}),
      })),
      ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
    };
  }

  /**
   * `GET /console/api/timeline?executionArn=[&toEventId=]`: the execution folded one event at a
   * time by the engine's `buildTimeline`, the same code and JSON as `stepstone replay --json`.
   */
  @Get('timeline')
  async timeline(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest) {
    const executionArn = requiredString(query, 'executionArn');
    this.arns.parseExecution(executionArn);
    this.authenticator.authorize(identityOf(request), 'states:GetExecutionHistory', executionArn);
    const toEventIdText = optionalString(query, 'toEventId');
    if (toEventIdText !== undefined && !/^[1-9]\d*$/.test(toEventIdText)) {
      throw new ValidationException(`toEventId must be an event id (a positive integer), got '${toEventIdText}'`);
    }
    const recorded = await this.store.readStream(executionStreamId(executionArn));
    if (recorded.length === 0) throw new ExecutionDoesNotExist(executionArn);
    const events = recorded.map((event) => event.data as ExecutionEvent);
    const timeline = buildTimeline(events, toEventIdText !== undefined ? { toEventId: Number(toEventIdText) } : {});
    return { executionArn, status: timeline.state.status, steps: timeline.steps };
  }

  /** Which streams' events the request asked for and may see; refuses what it may not see at all. */
  private streamFilter(query: Record<string, unknown>, identity: Identity): (streamId: string) => boolean {
    const executionArn = optionalString(query, 'executionArn');
    const stateMachineArn = optionalString(query, 'stateMachineArn');
    if (executionArn !== undefined && stateMachineArn !== undefined) throw new ValidationException('Pass executionArn or stateMachineArn, not both');
    if (executionArn !== undefined) {
      this.arns.parseExecution(executionArn);
      this.authenticator.authorize(identity, 'states:GetExecutionHistory', executionArn);
      const streamId = executionStreamId(executionArn);
      return (id) => id === streamId;
    }
    if (stateMachineArn !== undefined) {
      const name = this.arns.parseStateMachine(stateMachineArn);
      this.authenticator.authorize(identity, 'states:ListExecutions', stateMachineArn);
      const prefix = `execution-${name}:`;
      const machineStream = stateMachineStreamId(name);
      return (id) => id.startsWith(prefix) || id === machineStream;
    }
    this.authenticator.authorize(identity, 'states:ListStateMachines', '*');
    const mayList = new Map<string, boolean>();
    return (id) => {
      if (!id.startsWith('execution-')) return true;
      const machine = id.slice('execution-'.length).split(':')[0];
      let allowed = mayList.get(machine);
      if (allowed === undefined) {
        allowed = this.authenticator.allows(identity, 'states:ListExecutions', this.arns.stateMachine(machine));
        mayList.set(machine, allowed);
      }
      return allowed;
    };
  }

  /** A change as the console reacts to it: which resource, which event. */
  private change(event: RecordedEvent) {
    if (event.streamId.startsWith('execution-')) {
      const [stateMachineName, ...rest] = event.streamId.slice('execution-'.length).split(':');
      return {
        position: event.position,
        kind: 'execution',
        type: event.type,
        stateMachineArn: this.arns.stateMachine(stateMachineName),
        executionArn: this.arns.execution(stateMachineName, rest.join(':')),
      };
    }
    if (event.streamId.startsWith(STATE_MACHINE_STREAM_PREFIX)) {
      return { position: event.position, kind: 'state-machine', type: event.type, stateMachineArn: this.arns.stateMachine(event.streamId.slice(STATE_MACHINE_STREAM_PREFIX.length)) };
    }
    return { position: event.position, kind: 'other', type: event.type };
  }
}

function optionalString(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ValidationException(`'${name}' must be a non-empty string`);
  return value;
}

function requiredString(query: Record<string, unknown>, name: string): string {
  const value = optionalString(query, name);
  if (value === undefined) throw new ValidationException(`Missing query parameter '${name}'`);
  return value;
}
