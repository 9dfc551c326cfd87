import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTHENTICATOR, identityOf } from '../auth/auth.guard';
import type { Authenticator } from '../auth/authenticator';
import { ARNS } from '../infrastructure/tokens';
import { ACTIONS } from './actions';
import { SerializationException, UnknownOperationException } from './api-errors';
import type { Arns } from './arns';
import { iamResourceOf } from './iam-resource';
import type { RequestContext } from './request-context';
import { validateRequest } from './validate-request';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';

/**
 * The AWS JSON 1.0 endpoint: every action is `POST /` named by `X-Amz-Target`. The body
 * arrives as raw text (see main.ts) so malformed JSON is reported as AWS reports it.
 */
@Controller()
export class AwsJsonController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(ARNS) private readonly arns: Arns,
  ) {}

  @Post('/')
  @HttpCode(200)
  async handle(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const requestId = randomUUID();
    void reply.header('x-amzn-RequestId', requestId).header('content-type', AWS_JSON_CONTENT_TYPE);
    const target = headerOf(request, 'x-amz-target');
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    const route = action !== undefined && Object.prototype.hasOwnProperty.call(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!route) throw new UnknownOperationException(target === '' ? 'Missing X-Amz-Target header' : `Unknown operation ${target}`);

    const dto = validateRequest(route.dto, parseBody(request.body));
    // AuthGuard verified the signature; the action's resource is known only now.
    const identity = identityOf(request);
    this.authenticator.authorize(identity, `states:${action}`, iamResourceOf(action as string, dto, this.arns));
    const context: RequestContext = {
      actor: identity.actor,
      // The socket's address: X-Forwarded-For is the client's claim (fastify's trustProxy is off).
      sourceIp: request.ip,
      requestId,
    };
    const result: unknown =
      route.kind === 'query' ? await this.queryBus.execute(route.message(dto)) : await this.commandBus.execute(route.message(dto, context));
    return encodeJsonBody(result ?? {});
  }
}

function headerOf(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/** An empty body is `{}`; anything else must be a JSON object. */
function parseBody(raw: unknown): Record<string, unknown> {
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SerializationException(`Malformed request body: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SerializationException('Malformed request body: expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Serialised to a Buffer so fastify sends the content type exactly as set: for a string or an
 * object it would append `; charset=utf-8`, which AWS does not send.
 */
export function encodeJsonBody(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body), 'utf8');
}
