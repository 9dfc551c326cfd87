import { randomBytes } from 'node:crypto';
import { AccessDeniedException, ExpiredTokenException, MissingAuthenticationToken } from '../aws-protocol/api-errors';
import type { Authenticator, Identity } from './authenticator';
import type { SignableRequest } from './sigv4';

/**
 * The web console's sign-in. A browser does not sign requests, so the console signs ONE request
 * itself (`POST /console/api/session`, Signature V4 computed in the page with WebCrypto: the
 * secret never leaves the browser), and the server answers with a session cookie: a random
 * 256-bit token, mapped here to the identity the signature proved. Every later console request
 * is authenticated by that cookie and authorised with the key's policy like the AWS action it
 * stands for. Sessions live in this process's memory: a restart or another process sharing a
 * PostgreSQL store does not know them (the console then asks to sign in again).
 */

export const CONSOLE_SESSIONS = Symbol('ConsoleSessions');

/** HttpOnly, SameSite=Strict, Path=/console: never readable by scripts, sent to the console alone. */
export const CONSOLE_SESSION_COOKIE = 'stepstone_console_session';

/**
 * What a request that changes something must carry besides the cookie. A cross-site form or
 * image cannot set a header, and a cross-site fetch with one needs a CORS preflight this server
 * never grants: a second guard beside SameSite=Strict, for browsers that ignore it.
 */
export const CONSOLE_CSRF_HEADER = 'x-stepstone-console';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ConsoleSession {
  readonly token: string;
  readonly identity: Identity;
  readonly expiresAt: Date;
}

export interface ConsoleSessions {
  /** Whether the console must sign in at all (`STEPSTONE_AUTH=sigv4`). */
  readonly required: boolean;
  readonly ttlMs: number;
  /** A new session for an identity a signature proved. */
  start(identity: Identity): ConsoleSession;
  /** The live session a `Cookie` header names, if any. */
  find(cookieHeader: string | undefined): ConsoleSession | undefined;
  /** Ends the session the `Cookie` header names (sign-out); nothing if there is none. */
  end(cookieHeader: string | undefined): void;
  /**
   * The identity of a console request: with auth off the Authenticator's (unverified) one, else
   * its session's. Throws MissingAuthenticationToken (no cookie) or ExpiredTokenException (an
   * unknown or expired one), both 401; then AccessDeniedException (403) for a request that
   * changes something without the CSRF header.
   */
  authenticate(request: SignableRequest): Identity;
}

export interface ConsoleSessionsOptions {
  readonly authenticator: Authenticator;
  readonly ttlMs: number;
  readonly now?: () => number;
}

export function createConsoleSessions(options: ConsoleSessionsOptions): ConsoleSessions {
  const now = options.now ?? (() => Date.now());
  const sessions = new Map<string, ConsoleSession>();
  const prune = () => {
    const at = now();
    for (const [token, session] of sessions) if (session.expiresAt.getTime() <= at) sessions.delete(token);
  };
  const find = (cookieHeader: string | undefined): ConsoleSession | undefined => {
    const token = sessionTokenOf(cookieHeader);
    const session = token === undefined ? undefined : sessions.get(token);
    if (!session) return undefined;
    if (session.expiresAt.getTime() <= now()) {
      sessions.delete(session.token);
      return undefined;
    }
    return session;
  };
  return {
    required: options.authenticator.mode === 'sigv4',
    ttlMs: options.ttlMs,
    start(identity) {
      prune();
      const session = { token: randomBytes(32).toString('base64url'), identity, expiresAt: new Date(now() + options.ttlMs) };
      sessions.set(session.token, session);
      return session;
    },
    find,
    end(cookieHeader) {
      const token = sessionTokenOf(cookieHeader);
      if (token !== undefined) sessions.delete(token);
    },
    authenticate(request) {
      let identity: Identity;
      if (options.authenticator.mode === 'none') {
        identity = options.authenticator.authenticate(request);
      } else {
        const cookie = headerText(request.headers, 'cookie');
        const session = find(cookie);
        if (!session) {
          if (sessionTokenOf(cookie) === undefined) throw new MissingAuthenticationToken('Sign in to the console: this request carries no console session.', 401);
          throw new ExpiredTokenException('The console session has expired or was signed out: sign in again.');
        }
        identity = session.identity;
      }
      requireCsrfHeader(request);
      return identity;
    },
  };
}

/** Refuses a request that changes something unless it carries `x-stepstone-console: 1`. */
export function requireCsrfHeader(request: Pick<SignableRequest, 'method' | 'headers'>): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  if (headerText(request.headers, CONSOLE_CSRF_HEADER) === '1') return;
  throw new AccessDeniedException(`Console requests that change something must carry the header '${CONSOLE_CSRF_HEADER}: 1'.`, 403);
}

/** The `Set-Cookie` value that hands the browser its session (`maxAgeSeconds` 0 clears it). */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${CONSOLE_SESSION_COOKIE}=${token}`, 'Path=/console', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

/** The session token in a `Cookie` header (`a=b; stepstone_console_session=<token>`). */
export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals).trim() === CONSOLE_SESSION_COOKIE) {
      const value = part.slice(equals + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

function headerText(headers: SignableRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}
