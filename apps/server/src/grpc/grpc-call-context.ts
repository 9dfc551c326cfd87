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
 * one `Authenticate` function the server is given, before validation and dispatch. It returns
 * the caller recorded in the events the call causes, or throws an API error (e.g. an
 * UnrecognizedClientException-like ApiError), which the call answers with. The default trusts
 * the `authorization` metadata's access key id as the HTTP endpoint does today; SigV4
 * verification plugs in by replacing it (GrpcServer's `authenticate`).
 */
export type Authenticate = (call: GrpcCallInfo) => RequestContext | Promise<RequestContext>;

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
