import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { identityOf, PublicRoute } from '../auth/auth.guard';
import { isApiError } from '../aws-protocol/api-errors';
import { SIGNING_SERVICE } from '../auth/authenticator';
import { CONSOLE_SESSIONS, requireCsrfHeader, sessionCookie, type ConsoleSessions } from '../auth/console-sessions';
import { CONFIG } from '../infrastructure/tokens';
import type { ServerConfig } from '../config';

/** What the console needs to know about its sign-in, and to sign one request if it must. */
interface SessionAnswer {
  readonly authRequired: boolean;
  readonly actor: string;
  readonly expiresAt?: string;
  /** The credential scope the sign-in request is signed for. */
  readonly signingRegion: string;
  readonly signingService: string;
}

/**
 * The console's sign-in (see auth/console-sessions.ts). `GET` says whether one is needed and
 * whose session this is (401 `{authRequired: true}` without one); `POST`, signed with Signature
 * V4 by the page itself, is checked by AuthGuard like any signed request and answers with the
 * session cookie; `DELETE` signs out.
 */
@Controller('console/api/session')
export class ConsoleSessionController {
  constructor(
    @Inject(CONSOLE_SESSIONS) private readonly sessions: ConsoleSessions,
    @Inject(CONFIG) private readonly config: ServerConfig,
  ) {}

  /**
   * Signed out: 401 `{__type: MissingAuthenticationToken | ExpiredTokenException, message,
   * authRequired: true, signingRegion, signingService}`, what the sign-in form needs to sign.
   */
  @Get()
  @PublicRoute()
  current(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): SessionAnswer | Record<string, unknown> {
    try {
      const identity = this.sessions.authenticate({ method: 'GET', url: request.url, headers: request.headers, body: '' });
      return this.answer(identity.actor, this.sessions.find(request.headers.cookie)?.expiresAt);
    } catch (error) {
      if (!isApiError(error) || error.status !== 401) throw error;
      void reply.status(401).header('cache-control', 'no-store');
      return { __type: error.name, message: error.message, ...this.answer('anonymous', undefined) };
    }
  }

  /** Authenticated by AuthGuard: the Signature V4 the console computed with the key's secret. */
  @Post()
  @HttpCode(200)
  signIn(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): SessionAnswer {
    requireCsrfHeader(request);
    const identity = identityOf(request);
    if (!this.sessions.required) return this.answer(identity.actor, undefined);
    const session = this.sessions.start(identity);
    void reply.header('set-cookie', sessionCookie(session.token, this.sessions.ttlMs / 1000, request.protocol === 'https'));
    return this.answer(identity.actor, session.expiresAt);
  }

  @Delete()
  @HttpCode(204)
  @PublicRoute()
  signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    requireCsrfHeader(request);
    this.sessions.end(request.headers.cookie);
    void reply.header('set-cookie', sessionCookie('', 0, request.protocol === 'https'));
  }

  private answer(actor: string, expiresAt: Date | undefined): SessionAnswer {
    return {
      authRequired: this.sessions.required,
      actor,
      ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      signingRegion: this.config.region,
      signingService: SIGNING_SERVICE,
    };
  }
}
