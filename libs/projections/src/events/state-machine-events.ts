/**
 * Events of a state machine's stream (`state-machine-<name>`). The server appends them, the
 * projections fold them; they live here because libs never import apps and the projection is
 * their only other reader. Events are data: a `type` and a versioned payload (`v`).
 */
export const StateMachineEventType = {
  StateMachineCreated: 'StateMachineCreated',
  StateMachineUpdated: 'StateMachineUpdated',
  StateMachineDeleted: 'StateMachineDeleted',
  StateMachineTagged: 'StateMachineTagged',
  StateMachineUntagged: 'StateMachineUntagged',
  StateMachineDeletionRequested: 'StateMachineDeletionRequested',
  StateMachineVersionPublished: 'StateMachineVersionPublished',
  StateMachineVersionDeleted: 'StateMachineVersionDeleted',
  StateMachineAliasCreated: 'StateMachineAliasCreated',
  StateMachineAliasUpdated: 'StateMachineAliasUpdated',
  StateMachineAliasDeleted: 'StateMachineAliasDeleted',
} as const;
export type StateMachineEventType = (typeof StateMachineEventType)[keyof typeof StateMachineEventType];

export const StateMachineType = { STANDARD: 'STANDARD', EXPRESS: 'EXPRESS' } as const;
export type StateMachineType = (typeof StateMachineType)[keyof typeof StateMachineType];

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface LoggingConfiguration {
  readonly level: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  readonly includeExecutionData: boolean;
  readonly destinations?: ReadonlyArray<{ readonly cloudWatchLogsLogGroup?: { readonly logGroupArn?: string } }>;
}

export interface TracingConfiguration {
  readonly enabled: boolean;
}

export const EncryptionType = { AWS_OWNED_KEY: 'AWS_OWNED_KEY', CUSTOMER_MANAGED_KMS_KEY: 'CUSTOMER_MANAGED_KMS_KEY' } as const;
export type EncryptionType = (typeof EncryptionType)[keyof typeof EncryptionType];

/**
 * Server-side encryption settings (API_EncryptionConfiguration). Stepstone records and returns
 * them; it encrypts nothing with KMS. A payload without one was written before they were kept,
 * or given none: both mean AWS's default, an AWS owned key.
 */
export interface EncryptionConfiguration {
  readonly type: EncryptionType;
  readonly kmsKeyId?: string;
  readonly kmsDataKeyReusePeriodSeconds?: number;
}

/** What Describe shows when none was given (the recorded AWS responses: `{ type: AWS_OWNED_KEY }`). */
export const DEFAULT_ENCRYPTION: EncryptionConfiguration = { type: 'AWS_OWNED_KEY' };

export interface StateMachineCreatedV1 {
  readonly v: 1;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
  readonly tags: readonly Tag[];
  /** Optional: absent in payloads written before it was kept (read as DEFAULT_ENCRYPTION). */
  readonly encryptionConfiguration?: EncryptionConfiguration;
  readonly description?: string;
  /** ISO 8601 with milliseconds. */
  readonly creationDate: string;
  readonly revisionId: string;
}

/** Only the fields the update changed are present, as UpdateStateMachine takes them. */
export interface StateMachineUpdatedV1 {
  readonly v: 1;
  readonly definition?: string;
  readonly roleArn?: string;
  readonly loggingConfiguration?: LoggingConfiguration;
  readonly tracingConfiguration?: TracingConfiguration;
  readonly encryptionConfiguration?: EncryptionConfiguration;
  readonly updateDate: string;
  readonly revisionId: string;
}

export interface StateMachineDeletedV1 {
  readonly v: 1;
  readonly deletionDate: string;
}

export interface StateMachineTaggedV1 {
  readonly v: 1;
  readonly tags: readonly Tag[];
}

export interface StateMachineUntaggedV1 {
  readonly v: 1;
  readonly tagKeys: readonly string[];
}

/**
 * DeleteStateMachine while executions run: the machine is DELETING (StartExecution refused)
 * until its last execution ends; StateMachineDeleted follows then (API_DeleteStateMachine).
 */
export interface StateMachineDeletionRequestedV1 {
  readonly v: 1;
  readonly requestDate: string;
}

/** One weighted target of an alias (API_RoutingConfigurationListItem). */
export interface RoutingConfigurationItem {
  readonly stateMachineVersionArn: string;
  readonly weight: number;
}

/**
 * An immutable, numbered snapshot of the machine's current revision. It carries the whole
 * configuration, so the version answers Describe and StartExecution on its own.
 */
export interface StateMachineVersionPublishedV1 {
  readonly v: 1;
  /** 1, 2, 3...: never reused, even after a version is deleted. */
  readonly version: number;
  readonly stateMachineVersionArn: string;
  readonly type: StateMachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
  /** The machine's at publication; absent in payloads written before it was kept. */
  readonly encryptionConfiguration?: EncryptionConfiguration;
  /** The stream's revision id the version was published from (the idempotency key). */
  readonly sourceRevisionId: string;
  /** What Describe shows as revisionId: absent for the initial revision, as on AWS. */
  readonly revisionId?: string;
  readonly description?: string;
  readonly creationDate: string;
}

export interface StateMachineVersionDeletedV1 {
  readonly v: 1;
  readonly version: number;
  readonly deletionDate: string;
}

export interface StateMachineAliasCreatedV1 {
  readonly v: 1;
  readonly name: string;
  readonly stateMachineAliasArn: string;
  readonly description?: string;
  readonly routingConfiguration: readonly RoutingConfigurationItem[];
  readonly creationDate: string;
}

/** Only the fields the update changed are present, as UpdateStateMachineAlias takes them. */
export interface StateMachineAliasUpdatedV1 {
  readonly v: 1;
  readonly name: string;
  readonly description?: string;
  readonly routingConfiguration?: readonly RoutingConfigurationItem[];
  readonly updateDate: string;
}

export interface StateMachineAliasDeletedV1 {
  readonly v: 1;
  readonly name: string;
  readonly deletionDate: string;
}

export type StateMachineEvent =
  | { readonly type: 'StateMachineCreated'; readonly data: StateMachineCreatedV1 }
  | { readonly type: 'StateMachineUpdated'; readonly data: StateMachineUpdatedV1 }
  | { readonly type: 'StateMachineDeleted'; readonly data: StateMachineDeletedV1 }
  | { readonly type: 'StateMachineTagged'; readonly data: StateMachineTaggedV1 }
  | { readonly type: 'StateMachineUntagged'; readonly data: StateMachineUntaggedV1 }
  | { readonly type: 'StateMachineDeletionRequested'; readonly data: StateMachineDeletionRequestedV1 }
  | { readonly type: 'StateMachineVersionPublished'; readonly data: StateMachineVersionPublishedV1 }
  | { readonly type: 'StateMachineVersionDeleted'; readonly data: StateMachineVersionDeletedV1 }
  | { readonly type: 'StateMachineAliasCreated'; readonly data: StateMachineAliasCreatedV1 }
  | { readonly type: 'StateMachineAliasUpdated'; readonly data: StateMachineAliasUpdatedV1 }
  | { readonly type: 'StateMachineAliasDeleted'; readonly data: StateMachineAliasDeletedV1 };

export const STATE_MACHINE_STREAM_PREFIX = 'state-machine-';

export function stateMachineStreamId(name: string): string {
  return `${STATE_MACHINE_STREAM_PREFIX}${name}`;
}

export function isStateMachineEvent(event: { readonly type: string }): event is StateMachineEvent {
  return Object.prototype.hasOwnProperty.call(StateMachineEventType, event.type);
}

/** Tags after applying `tags` (a key already present takes the new value, as TagResource does). */
export function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(current.map((tag) => [tag.key, tag.value]));
  for (const tag of added) byKey.set(tag.key, tag.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

export function removeTags(current: readonly Tag[], tagKeys: readonly string[]): Tag[] {
  const removed = new Set(tagKeys);
  return current.filter((tag) => !removed.has(tag.key));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTagList = (value: unknown) => Array.isArray(value) && value.every((tag) => isRecord(tag) && isText(tag.key) && isText(tag.value));
const isEncryption = (value: unknown) =>
  isRecord(value) &&
  (value.type === 'AWS_OWNED_KEY' || value.type === 'CUSTOMER_MANAGED_KMS_KEY') &&
  (value.kmsKeyId === undefined || isText(value.kmsKeyId)) &&
  (value.kmsDataKeyReusePeriodSeconds === undefined || Number.isInteger(value.kmsDataKeyReusePeriodSeconds));
const isOptional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || check(value);

/**
 * What is wrong with a state machine event's shape, or undefined when it is sound: the append
 * path's defence in depth (the read models fold these fields as typed). Cheap and structural.
 */
export function stateMachineEventProblem(type: string, data: unknown): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(StateMachineEventType, type)) return `unknown event type '${type}'`;
  if (!isRecord(data)) return 'data is not an object';
  if (data.v !== 1) return 'v is not 1';
  switch (type as StateMachineEventType) {
    case 'StateMachineCreated': {
      for (const key of ['stateMachineArn', 'name', 'definition', 'roleArn', 'creationDate', 'revisionId'] as const) {
        if (!isText(data[key])) return `${key} is not a string`;
      }
      if (data.type !== 'STANDARD' && data.type !== 'EXPRESS') return 'type is neither STANDARD nor EXPRESS';
      if (!isRecord(data.loggingConfiguration)) return 'loggingConfiguration is not an object';
      if (!isRecord(data.tracingConfiguration)) return 'tracingConfiguration is not an object';
      if (!isTagList(data.tags)) return 'tags is not a list of {key, value}';
      if (!isOptional(data.encryptionConfiguration, isEncryption)) return 'encryptionConfiguration is not an encryption configuration';
      if (!isOptional(data.description, isText)) return 'description is not a string';
      return undefined;
    }
    case 'StateMachineUpdated':
      if (!isText(data.updateDate) || !isText(data.revisionId)) return 'updateDate and revisionId must be strings';
      if (!isOptional(data.definition, isText) || !isOptional(data.roleArn, isText)) return 'definition and roleArn must be strings';
      if (!isOptional(data.loggingConfiguration, isRecord) || !isOptional(data.tracingConfiguration, isRecord)) return 'configurations must be objects';
      if (!isOptional(data.encryptionConfiguration, isEncryption)) return 'encryptionConfiguration is not an encryption configuration';
      return undefined;
    case 'StateMachineDeleted':
      return isText(data.deletionDate) ? undefined : 'deletionDate is not a string';
    case 'StateMachineTagged':
      return isTagList(data.tags) ? undefined : 'tags is not a list of {key, value}';
    case 'StateMachineUntagged':
      return Array.isArray(data.tagKeys) && data.tagKeys.every(isText) ? undefined : 'tagKeys is not a list of strings';
  }
}
