import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type TestStateResult, type TestStateTask, type TestStateTaskOutcome, TestStateRejected, testState } from '@stepstone/engine';
import { hexDigest } from '@stepstone/event-store';
import { type HttpExchange, invokeHttp } from '@stepstone/integrations';
import { randomUUID } from 'node:crypto';
import { InvalidDefinition, InvalidExecutionInput, ValidationException } from '../aws-protocol/api-errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../aws-protocol/json-depth';
import type { ServerConfig } from '../config';
import { CLOCK, CONFIG, EXECUTION_RUNNER, type Clock, type TaskCompletionRunner } from '../infrastructure/tokens';
import { type TestStateDto, testStateMembers } from './test-state.dto';

export class TestStateQuery {
  constructor(readonly request: TestStateDto) {}
}

/**
 * TestState: one state run through the engine's decider (libs/engine test-state.ts), answered
 * at once. A query: it appends nothing to the store. A Task without a mock is performed by the
 * integrations an execution would use, except nested executions (they would be stored).
 */
@QueryHandler(TestStateQuery)
export class TestStateHandler implements IQueryHandler<TestStateQuery> {
  constructor(
    @Inject(CONFIG) private readonly config: ServerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXECUTION_RUNNER) private readonly runner: TaskCompletionRunner,
  ) {}

  async execute({ request }: TestStateQuery): Promise<TestStateResult> {
    const { mock, stateConfiguration } = testStateMembers(request);
    if (nestsDeeperThan(request.definition)) throw new InvalidDefinition(`Definition nests deeper than ${MAX_JSON_DEPTH} levels`);
    if (request.input !== undefined && nestsDeeperThan(request.input)) throw new InvalidExecutionInput(`Input nests deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      return await testState(
        { ...request, mock, stateConfiguration },
        {
          now: this.clock(),
          random: Math.random,
          uuid: randomUUID,
          hash: (algorithm, data) => hexDigest(algorithm.replace('-', '').toLowerCase(), data),
          region: this.config.region,
          accountId: this.config.account,
          performTask: (task) => withinTestStateLimit(this.perform(task)),
        },
      );
    } catch (error) {
      if (!(error instanceof TestStateRejected)) throw error;
      if (error.errorName === 'InvalidDefinition') throw new InvalidDefinition(error.message);
      if (error.errorName === 'InvalidExecutionInput') throw new InvalidExecutionInput(error.message);
      throw new ValidationException(error.message);
    }
  }

  private async perform(task: TestStateTask): Promise<TestStateTaskOutcome | undefined> {
    if (task.resource.startsWith('arn:aws:states:::states:')) {
      return { kind: 'failed', error: 'States.Runtime', cause: 'TestState starts no nested executions here: give a mock.' };
    }
    if (task.resource === HTTP_INVOKE && task.inspectionLevel === 'TRACE') return this.traceHttp(task);
    const dispatch = this.runner.performTask;
    if (!dispatch) return { kind: 'failed', error: 'States.Runtime', cause: 'No integration is configured: give a mock.' };
    // Progress reports (heartbeats, submitted jobs) have no execution to go to.
    const { inspectionLevel: _level, ...request } = task;
    return dispatch({ ...request, invocation: 0, report: async () => true });
  }

  /** http:invoke at TRACE: the same call the dispatcher makes, with its request and response kept. */
  private async traceHttp(task: TestStateTask): Promise<TestStateTaskOutcome> {
    let exchange: HttpExchange | undefined;
    const http = () => (exchange ? { http: exchange } : {});
    try {
      const output = await invokeHttp(task.parameters as Parameters<typeof invokeHttp>[0], undefined, undefined, (seen) => (exchange = seen));
      return { kind: 'succeeded', output: JSON.stringify(output), ...http() };
    } catch (error) {
      const failure = error as { error?: unknown; causeText?: unknown; message?: unknown };
      if (typeof failure.error === 'string') return { kind: 'failed', error: failure.error, cause: String(failure.causeText ?? ''), ...http() };
      return { kind: 'failed', error: 'States.TaskFailed', cause: String(failure.message ?? error), ...http() };
    }
  }
}

const HTTP_INVOKE = 'arn:aws:states:::http:invoke';

/** "The TestState API can run for up to five minutes": a task still running then fails with States.Timeout. */
const TEST_STATE_LIMIT_MS = 5 * 60_000;

async function withinTestStateLimit(work: Promise<TestStateTaskOutcome | undefined>): Promise<TestStateTaskOutcome | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<TestStateTaskOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timed_out', error: 'States.Timeout', cause: 'TestState ran for more than five minutes.' }), TEST_STATE_LIMIT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
