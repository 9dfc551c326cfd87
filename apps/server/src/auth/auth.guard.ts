import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { InternalFailure } from '../aws-protocol/api-errors';
import type { Authenticator, Identity } from './authenticator';
import { CONSOLE_SESSIONS, type ConsoleSessions } from './console-sessions';

export const AUTHENTICATOR = Symbol('Authenticator');

const PUBLIC_ROUTE = 'stepstone:public-route';

/** Marks a route every caller may use without credentials (`/health`, `/ready`). */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

const CONSOLE_SESSION_ROUTE = 'stepstone:console-session-route';

/**
 * Marks a route of the web console: authenticated by the console's session cookie (and, for a
 * request that changes something, its CSRF header) instead of a signature; see console-sessions.ts.
 */
export const ConsoleSessionRoute = (): MethodDecorator & ClassDecorator => SetMetadata(CONSOLE_SESSION_ROUTE, true);

const identities = new WeakMap<object, Identity>();

/**
 * Authenticates every HTTP route (unless marked public) before its handler runs, so no surface
 * can forget to: the identity is kept for the handler, which authorises its own action with
 * `Authenticator.authorize` (only it knows the action and resource). Failures are AWS errors,
 * rendered by the one exception filter. Other transports (gRPC) call the Authenticator themselves.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(CONSOLE_SESSIONS) private readonly consoleSessions: ConsoleSessions,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.reflector.getAllAndOverride<boolean>(CONSOLE_SESSION_ROUTE, [context.getHandler(), context.getClass()])) {
      identities.set(request, this.consoleSessions.authenticate({ method: request.method, url: request.url, headers: request.headers, body: '' }));
      return true;
    }
    const body = typeof request.body === 'string' || Buffer.isBuffer(request.body) ? request.body : '';
    identities.set(request, this.authenticator.authenticate({ method: request.method, url: request.url, headers: request.headers, body }));
    return true;
  }
}

/** The identity AuthGuard established for this request. */
export function identityOf(request: FastifyRequest): Identity {
  const identity = identities.get(request);
  // A guarded route always has one; reaching here without it is a wiring mistake, never a pass.
  if (!identity) throw new InternalFailure('The request was not authenticated');
  return identity;
}
