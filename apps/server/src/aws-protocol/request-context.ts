/** Who made an API call, recorded in the metadata of the events it causes. */
export interface RequestContext {
  /** The access key id of the SigV4 credential, or 'anonymous'. Signatures are not checked. */
  readonly actor: string;
  readonly sourceIp: string;
  readonly requestId: string;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=..., Signature=...` */
export function actorFromAuthorization(authorization: string | undefined): string {
  const match = /Credential=([^/,\s]+)\//.exec(authorization ?? '');
  return match ? match[1] : 'anonymous';
}

export function eventMetadata(context: RequestContext): Record<string, unknown> {
  return { actor: context.actor, sourceIp: context.sourceIp, requestId: context.requestId };
}
