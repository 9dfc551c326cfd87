import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import type { RequestContext } from '../aws-protocol/request-context';
import type { Authenticator, Identity } from '../auth/authenticator';

/** What authentication sees of a call: its metadata (headers), peer address, method path and authority. */
export interface GrpcCallInfo {
  readonly metadata: Metadata;
  getPeer(): string;
  getPath(): string;
  getHost(): string;
}

/** Who made a gRPC call: the identity actions are authorised against, and the context its events record. */
export interface GrpcCaller {
  readonly identity: Identity;
  readonly context: RequestContext;
}

/**
 * Every gRPC call (unary and streaming) goes through the same Authenticator as the AWS endpoint,
 * before validation and dispatch. With `STEPSTONE_AUTH=sigv4` the call's metadata carries a
 * Signature V4 (`authorization`, `x-amz-date`) over the request `POST <method path>` with an
 * empty payload and the signed `host` header equal to the call's authority; with auth off the
 * claimed key id is recorded as unverified, exactly as on HTTP.
 */
export function authenticateCall(authenticator: Authenticator, call: GrpcCallInfo): GrpcCaller {
  const identity = authenticator.authenticate({ method: 'POST', url: call.getPath(), headers: headersOf(call), body: '' });
  return { identity, context: { actor: identity.actor, sourceIp: ipOfPeer(call.getPeer()), requestId: randomUUID() } };
}

/** The call's text metadata as HTTP headers, with `host` taken from the HTTP/2 `:authority`. */
function headersOf(call: GrpcCallInfo): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(call.metadata.getMap())) {
    if (typeof value === 'string') headers[key] = value;
  }
  headers.host = call.getHost();
  return headers;
}

/** `ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000` or `127.0.0.1:5000` → the address alone. */
export function ipOfPeer(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(bare);
  if (bracketed) return bracketed[1];
  const colon = bare.lastIndexOf(':');
  return colon > 0 && !bare.slice(0, colon).includes(':') ? bare.slice(0, colon) : bare;
}
