import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { actorFromAuthorization, type RequestContext } from '../aws-protocol/request-context';

/** What the authentication hook sees of a call: its metadata (headers) and its peer address. */
export interface GrpcCallInfo {
  readonly metadata: Metadata;
  getPeer(): string;
}

/**
 * THE authentication hook of the gRPC API: every call (unary and streaming) passes through the
 * one `Authenticate` function, before validation and dispatch. It returns the caller recorded
 * in the events the call causes, or throws an API error, which the call is answered with (its
 * name and code as for any other error). An auth module plugs in by providing GRPC_AUTHENTICATE;
 * without a provider, `declaredCaller` is used: the `authorization` metadata's access key id,
 * unverified, as the HTTP endpoint reads it today.
 */
export type Authenticate = (call: GrpcCallInfo) => RequestContext | Promise<RequestContext>;

/** Injection token of the `Authenticate` hook (optional; see above). */
export const GRPC_AUTHENTICATE = Symbol('GrpcAuthenticate');

export const declaredCaller: Authenticate = (call) => {
  const authorization = call.metadata.get('authorization')[0];
  return {
    actor: actorFromAuthorization(typeof authorization === 'string' ? authorization : undefined),
    sourceIp: ipOfPeer(call.getPeer()),
    requestId: randomUUID(),
  };
};

/** `ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000` or `127.0.0.1:5000` → the address alone. */
export function ipOfPeer(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(bare);
  if (bracketed) return bracketed[1];
  const colon = bare.lastIndexOf(':');
  return colon > 0 && !bare.slice(0, colon).includes(':') ? bare.slice(0, colon) : bare;
}
