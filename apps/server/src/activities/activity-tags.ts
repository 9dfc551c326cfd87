import { arnField } from '@stepstone/asl';
import type { EventStore } from '@stepstone/event-store';
import type { Tag } from '@stepstone/projections';
import { ResourceNotFound } from '../aws-protocol/api-errors';
import type { Arns } from '../aws-protocol/arns';
import { decideAndAppendActivity, loadActivity } from './activity-stream';

/** TagResource, UntagResource and ListTagsForResource accept activity ARNs too (API_TagResource). */
export function isActivityArn(arn: string): boolean {
  return arnField(arn, 5, '') === 'activity';
}

export async function tagActivity(store: EventStore, arns: Arns, arn: string, tags: readonly Tag[], metadata: Record<string, unknown>): Promise<void> {
  const name = arns.parseActivity(arn);
  await decideAndAppendActivity(store, name, metadata, ({ state }) => {
    if (!state || state.activityArn !== arn) throw new ResourceNotFound(arn);
    return { events: [{ type: 'ActivityTagged', data: { v: 1, tags } }], result: undefined };
  });
}

export async function untagActivity(store: EventStore, arns: Arns, arn: string, tagKeys: readonly string[], metadata: Record<string, unknown>): Promise<void> {
  const name = arns.parseActivity(arn);
  await decideAndAppendActivity(store, name, metadata, ({ state }) => {
    if (!state || state.activityArn !== arn) throw new ResourceNotFound(arn);
    return { events: [{ type: 'ActivityUntagged', data: { v: 1, tagKeys } }], result: undefined };
  });
}

export async function activityTags(store: EventStore, arns: Arns, arn: string): Promise<readonly Tag[]> {
  const { state } = await loadActivity(store, arns.parseActivity(arn));
  if (!state || state.activityArn !== arn) throw new ResourceNotFound(arn);
  return state.tags;
}
