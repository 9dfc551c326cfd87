import type { CommandBus } from '@nestjs/cqrs';
import { GetActivityTaskCommand } from '../activities/activities.handler';
import { GetActivityTaskDto } from '../activities/activities.dto';
import type { RequestContext } from '../aws-protocol/request-context';
import { validateRequest } from '../aws-protocol/validate-request';
import type { StreamCall } from './stream-call';

/**
 * PollActivityTasks: GetActivityTask over and over on the same bus, each a long poll woken by
 * the activity task queue when a task is scheduled (no timer loop), each task sent as one
 * message. Same validation and errors as GetActivityTask (ActivityDoesNotExist once the
 * activity is deleted). The stream's close aborts the waiting poll, so a task scheduled
 * afterwards goes to another worker.
 */
export async function pollActivityTasks(
  request: { readonly activityArn?: unknown; readonly workerName?: unknown },
  context: RequestContext,
  call: StreamCall<Record<string, unknown>>,
  commandBus: CommandBus,
): Promise<void> {
  const dto = validateRequest(GetActivityTaskDto, {
    activityArn: request.activityArn,
    ...(request.workerName !== undefined ? { workerName: request.workerName } : {}),
  });
  while (!call.closed.aborted) {
    const task = (await commandBus.execute(new GetActivityTaskCommand(dto, context, call.closed))) as { taskToken?: string; input?: string };
    if (task.taskToken !== undefined) await call.write({ taskToken: task.taskToken, input: task.input ?? '{}' });
  }
}
