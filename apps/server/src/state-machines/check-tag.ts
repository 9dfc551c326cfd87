import type { Tag } from '@stepstone/projections';
import { ResourceNotFound } from '../aws-protocol/api-errors';
import { oneValidationError, type Arns } from '../aws-protocol/arns';
import { quotedValue } from '../aws-protocol/constraints';

/** Tag keys are 1–128 characters, values 0–256 (API_Tag). */
export function checkTag(tag: unknown): Tag {
  const { key, value } = (tag ?? {}) as { key?: unknown; value?: unknown };
  if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
    throw oneValidationError(`Value '${quotedValue(key)}' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128`);
  }
  const text = value === undefined ? '' : value;
  if (typeof text !== 'string' || text.length > 256) {
    throw oneValidationError(`Value '${quotedValue(text)}' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`);
  }
  return { key, value: text };
}

/**
 * The state machine a tag action names. Versions and aliases carry no tags: their ARNs are well
 * formed, so AWS answers ResourceNotFound, not InvalidArn (LocalStack's snapshot
 * test_tag_state_machine_version, recorded against AWS); other ARNs stay InvalidArn.
 */
export function taggableStateMachine(arns: Arns, resourceArn: string): string {
  const target = arns.parseStateMachineTarget(resourceArn);
  if (target.kind !== 'machine') throw new ResourceNotFound(resourceArn);
  return target.name;
}
