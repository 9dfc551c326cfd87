import { callerMetadata, type Caller } from '@stepstone/engine';

/**
 * Who made an API call (the verified access key id, or with auth off 'anonymous' / 'unverified:<claimed key id>'; source IP; request id), recorded in the
 * metadata of the events it causes. The engine's `Caller`: handlers pass it on unchanged.
 */
export type RequestContext = Caller;

export function eventMetadata(context: RequestContext): Record<string, unknown> {
  return callerMetadata(context);
}
