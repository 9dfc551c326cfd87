import type { EventStore } from '@stepstone/event-store';
import { stateMachineStreamId, type EncryptionConfiguration, type StateMachineEvent } from '../events/state-machine-events';

// encryptionConfiguration on machines and versions, shared by the read-model specs on SQLite
// and on PostgreSQL. Not exported from the lib's index.

const account = 'arn:aws:states:us-east-1:123456789012';
/** Created with a customer managed key, published (version 1), updated to an AWS owned key, published (version 2). */
export const encryptedArn = `${account}:stateMachine:k`;
/** Written as before encryptionConfiguration was kept: no member on its events. */
export const olderArn = `${account}:stateMachine:o`;
export const customerKey: EncryptionConfiguration = {
  type: 'CUSTOMER_MANAGED_KMS_KEY',
  kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/sfn',
  kmsDataKeyReusePeriodSeconds: 120,
};

function created(arn: string, name: string, encryptionConfiguration?: EncryptionConfiguration): StateMachineEvent {
  return {
    type: 'StateMachineCreated',
    data: {
      v: 1,
      stateMachineArn: arn,
      name,
      type: 'STANDARD',
      definition: 'd0',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      tags: [],
      ...(encryptionConfiguration ? { encryptionConfiguration } : {}),
      creationDate: '2024-01-01T00:00:00.000Z',
      revisionId: 'rev-1',
    },
  };
}

function published(arn: string, version: number, encryptionConfiguration?: EncryptionConfiguration): StateMachineEvent {
  return {
    type: 'StateMachineVersionPublished',
    data: {
      v: 1,
      version,
      stateMachineVersionArn: `${arn}:${version}`,
      type: 'STANDARD',
      definition: 'd0',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      ...(encryptionConfiguration ? { encryptionConfiguration } : {}),
      sourceRevisionId: `rev-${version}`,
      ...(version > 1 ? { revisionId: `rev-${version}` } : {}),
      creationDate: `2024-01-01T00:00:0${version}.000Z`,
    },
  };
}

export async function writeEncryptionStory(store: EventStore): Promise<number> {
  await store.append({
    streamId: stateMachineStreamId('k'),
    expectedRevision: 'no_stream',
    events: [
      created(encryptedArn, 'k', customerKey),
      published(encryptedArn, 1, customerKey),
      { type: 'StateMachineUpdated', data: { v: 1, encryptionConfiguration: { type: 'AWS_OWNED_KEY' }, updateDate: '2024-01-01T00:00:05.000Z', revisionId: 'rev-2' } },
      // An update of something else keeps the key the machine has.
      { type: 'StateMachineUpdated', data: { v: 1, definition: 'd1', updateDate: '2024-01-01T00:00:06.000Z', revisionId: 'rev-3' } },
      published(encryptedArn, 2, { type: 'AWS_OWNED_KEY' }),
    ] satisfies StateMachineEvent[],
  });
  const head = await store.append({
    streamId: stateMachineStreamId('o'),
    expectedRevision: 'no_stream',
    events: [created(olderArn, 'o'), published(olderArn, 1)] satisfies StateMachineEvent[],
  });
  return head.position;
}
