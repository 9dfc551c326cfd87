import type { handleUnaryCall, sendUnaryData, ServerUnaryCall, ServiceError } from '@grpc/grpc-js';
import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import type protobuf from 'protobufjs';
import { GetActivityTaskCommand } from '../activities/activities.handler';
import type { ActionRoute } from '../aws-protocol/actions';
import { validateRequest } from '../aws-protocol/validate-request';
import { fromMessage, toMessage } from './aws-shapes';
import type { Arns } from '../aws-protocol/arns';
import { iamResourceOf } from '../aws-protocol/iam-resource';
import type { Authenticator } from '../auth/authenticator';
import { authenticateCall } from './grpc-call-context';

export interface UnaryDependencies {
  readonly commandBus: CommandBus;
  readonly queryBus: QueryBus;
  readonly authenticator: Authenticator;
  readonly arns: Arns;
  readonly fail: (error: unknown) => Partial<ServiceError>;
}

/**
 * One AWS action as a unary RPC: the request message read back into AWS's JSON shape, then the
 * AWS endpoint's own path (the ACTIONS route's DTO and validation, then its command or query on
 * the same bus), and the result written as the response message.
 */
export function unaryAction(route: ActionRoute, method: protobuf.Method, deps: UnaryDependencies): handleUnaryCall<Record<string, unknown>, Record<string, unknown>> {
  const requestType = method.resolvedRequestType!;
  const responseType = method.resolvedResponseType!;
  return (call: ServerUnaryCall<Record<string, unknown>, Record<string, unknown>>, callback: sendUnaryData<Record<string, unknown>>) => {
    const cancelled = new AbortController();
    call.once('cancelled', () => cancelled.abort());
    void (async () => {
      const { identity, context } = authenticateCall(deps.authenticator, call);
      const dto = validateRequest(route.dto, fromMessage(requestType, call.request));
      deps.authenticator.authorize(identity, `states:${method.name}`, iamResourceOf(method.name, dto, deps.arns));
      const result: unknown =
        route.kind === 'query'
          ? await deps.queryBus.execute(route.message(dto))
          : await deps.commandBus.execute(abandonable(route.message(dto, context), cancelled.signal));
      return toMessage(responseType, (result ?? {}) as Record<string, unknown>);
    })().then(
      (response) => callback(null, response),
      (error: unknown) => callback(deps.fail(error)),
    );
  };
}

/** A GetActivityTask long poll whose caller hung up stops waiting, so no task is handed to nobody. */
function abandonable(command: object, cancelled: AbortSignal): object {
  return command instanceof GetActivityTaskCommand ? new GetActivityTaskCommand(command.request, command.context, cancelled) : command;
}
