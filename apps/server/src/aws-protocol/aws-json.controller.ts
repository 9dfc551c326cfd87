import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTHENTICATOR, ConsoleSessionRoute, identityOf } from '../auth/auth.guard';
import type { Authenticator } from '../auth/authenticator';
import { ARNS } from '../infrastructure/tokens';
import { ACTIONS } from './actions';
import { SerializationException, ThrottlingException, UnknownOperationException } from './api-errors';
import type { Arns } from './arns';
import { iamResourceOf } from './iam-resource';
import type { RequestContext } from './request-context';
import { validateRequest } from './validate-request';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
export const TARGET_PREFIX = 'AWSStepFunctions.';

/**
 * Admission control: at most this many commands (starts, sends, stops…) in flight at once,
 * `STEPSTONE_MAX_IN_FLIGHT` to change it. Past it a command is answered ThrottlingException at
 * once instead of queueing without bound (memory grows with every waiting request); AWS's SDKs
 * retry that error with backoff. Queries are not counted: they change nothing and are cheap.
 */
const MAX_COMMANDS_IN_FLIGHT = positiveIntegerFrom(process.env.STEPSTONE_MAX_IN_FLIGHT) ?? 512;
let commandsInFlight = 0;

function positiveIntegerFrom(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}

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
    // AuthGuard verified the signature (or the console's session); the action's resource is known only now.
    const identity = identityOf(request);
    this.authenticator.authorize(identity, `states:${action}`, iamResourceOf(action as string, dto, this.arns));
    const context: RequestContext = {
      actor: identity.actor,
      // The socket's address: X-Forwarded-For is the client's claim (fastify's trustProxy is off).
      sourceIp: request.ip,
      requestId,
    };
    if (route.kind === 'query') return encodeJsonBody((await this.queryBus.execute(route.message(dto))) ?? {});
    if (commandsInFlight >= MAX_COMMANDS_IN_FLIGHT) throw new ThrottlingException('Rate exceeded');
    commandsInFlight++;
    try {
      return encodeJsonBody((await this.commandBus.execute(route.message(dto, context))) ?? {});
    } finally {
      commandsInFlight--;
    }
  }

  /**
   * The same API for the web console, which cannot sign: `POST /console/api/aws` with the same
   * `X-Amz-Target` and body, authenticated by the console's session cookie plus its CSRF header
   * (see auth/console-sessions.ts), authorised and audited exactly as the signed call.
   */
  @Post('/console/api/aws')
  @HttpCode(200)
  @ConsoleSessionRoute()
  consoleCall(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return this.handle(request, reply);
  }
}

function headerOf(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * An empty body is `{}`; anything else must be UTF-8 JSON holding an object. Invalid bytes are
 * refused rather than replaced, so no text is stored other than as it was sent.
 */
function parseBody(raw: unknown): Record<string, unknown> {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? strictUtf8.decode(raw) : '';
  } catch {
    throw new SerializationException('Malformed request body: the body is not valid UTF-8');
  }
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
