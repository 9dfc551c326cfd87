import { callerMetadata, type Caller } from '@stepstone/engine';

/**
 * Who made an API call (access key id or 'anonymous', source IP, request id), recorded in the
 * metadata of the events it causes. The engine's `Caller`: handlers pass it on unchanged.
 */
export type RequestContext = Caller;

/** `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=..., Signature=...` */
export function actorFromAuthorization(authorization: string | undefined): string {
  const match = /Credential=([^/,\s]+)\//.exec(authorization ?? '');
  return match ? match[1] : 'anonymous';
}

export function eventMetadata(context: RequestContext): Record<string, unknown> {
  return callerMetadata(context);
}
