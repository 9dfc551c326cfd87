import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { executionArnOfTaskToken, type TaskOutcome, type TaskProgress } from '@stepstone/engine';
import { InvalidOutput, InvalidToken, TaskDoesNotExist, TaskTimedOut } from '../aws-protocol/api-errors';
import { oneValidationError } from '../aws-protocol/arns';
import type { RequestContext } from '../aws-protocol/request-context';
import { EXECUTION_RUNNER, type TaskCompletionRunner } from '../infrastructure/tokens';
import type { SendTaskFailureDto, SendTaskSuccessDto, TaskTokenDto } from './activities.dto';

export class SendTaskSuccessCommand {
  constructor(
    readonly request: SendTaskSuccessDto,
    readonly context: RequestContext,
  ) {}
}

export class SendTaskFailureCommand {
  constructor(
    readonly request: SendTaskFailureDto,
    readonly context: RequestContext,
  ) {}
}

export class SendTaskHeartbeatCommand {
  constructor(
    readonly request: TaskTokenDto,
    readonly context: RequestContext,
  ) {}
}

/** 256 KiB of UTF-8 (API_SendTaskSuccess, "output"). */
const MAX_OUTPUT_BYTES = 262_144;

/** The execution a token names; AWS answers a token that is not one of its own with this text. */
function executionOf(token: string): string {
  const executionArn = executionArnOfTaskToken(token);
  if (!executionArn) throw new InvalidToken('Invalid token');
  return executionArn;
}

/**
 * Why a token no longer completes anything: a task that was scheduled and has closed (done,
 * timed out, its execution ended) is TaskTimedOut, as AWS answers a late worker; a token of
 * ours that names no task ever scheduled is TaskDoesNotExist.
 */
async function rejectionFor(runner: TaskCompletionRunner, executionArn: string, token: string): Promise<Error> {
  const history = await runner.history(executionArn);
  const scheduled = history?.some((event) => (event as { x?: { token?: string } }).x?.token === token) ?? false;
  return scheduled ? new TaskTimedOut() : new TaskDoesNotExist();
}

async function complete(runner: TaskCompletionRunner, token: string, outcome: TaskOutcome, caller: RequestContext): Promise<object> {
  const executionArn = executionOf(token);
  if (!(await runner.completeTask(executionArn, token, outcome, caller))) throw await rejectionFor(runner, executionArn, token);
  return {};
}

@CommandHandler(SendTaskSuccessCommand)
export class SendTaskSuccessHandler implements ICommandHandler<SendTaskSuccessCommand> {
  constructor(@Inject(EXECUTION_RUNNER) private readonly runner: TaskCompletionRunner) {}

  async execute({ request, context }: SendTaskSuccessCommand) {
    if (Buffer.byteLength(request.output, 'utf8') > MAX_OUTPUT_BYTES) {
      throw oneValidationError(`Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${MAX_OUTPUT_BYTES}`);
    }
    executionOf(request.taskToken);
    try {
      JSON.parse(request.output);
    } catch (error) {
      throw new InvalidOutput(error instanceof Error ? error.message : String(error));
    }
    return complete(this.runner, request.taskToken, { kind: 'succeeded', output: request.output }, context);
  }
}

@CommandHandler(SendTaskFailureCommand)
export class SendTaskFailureHandler implements ICommandHandler<SendTaskFailureCommand> {
  constructor(@Inject(EXECUTION_RUNNER) private readonly runner: TaskCompletionRunner) {}

  async execute({ request, context }: SendTaskFailureCommand) {
    // AWS records no error (and no cause) when the worker sends none.
    const outcome: TaskOutcome = { kind: 'failed', ...(request.error !== undefined ? { error: request.error } : {}), ...(request.cause !== undefined ? { cause: request.cause } : {}) };
    return complete(this.runner, request.taskToken, outcome, context);
  }
}

@CommandHandler(SendTaskHeartbeatCommand)
export class SendTaskHeartbeatHandler implements ICommandHandler<SendTaskHeartbeatCommand> {
  constructor(@Inject(EXECUTION_RUNNER) private readonly runner: TaskCompletionRunner) {}

  async execute({ request, context }: SendTaskHeartbeatCommand) {
    const executionArn = executionOf(request.taskToken);
    const progress: TaskProgress = { kind: 'heartbeat' };
    if (!(await this.runner.reportTask(executionArn, request.taskToken, progress, context))) throw await rejectionFor(this.runner, executionArn, request.taskToken);
    return {};
  }
}
