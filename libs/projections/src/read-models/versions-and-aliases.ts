import {
  DEFAULT_ENCRYPTION,
  type EncryptionConfiguration,
  type LoggingConfiguration,
  type RoutingConfigurationItem,
  type StateMachineType,
  type TracingConfiguration,
} from '../events/state-machine-events';

/** A published version as DescribeStateMachine answers for a version ARN. */
export interface StateMachineVersionRecord {
  readonly stateMachineVersionArn: string;
  /** The state machine's name. */
  readonly name: string;
  readonly version: number;
  readonly type: StateMachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
  /** The machine's when the version was published; AWS's default when none was given. */
  readonly encryptionConfiguration: EncryptionConfiguration;
  readonly revisionId?: string;
  readonly description?: string;
  readonly creationDate: string;
}

export interface StateMachineAliasRecord {
  readonly stateMachineAliasArn: string;
  readonly name: string;
  readonly description?: string;
  readonly routingConfiguration: readonly RoutingConfigurationItem[];
  readonly creationDate: string;
  readonly updateDate: string;
}

export interface VersionAliasPageRequest {
  /** The state machine's name. */
  readonly machine: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** A row of read_state_machine_versions (read-model-statements.ts). */
export interface VersionRow {
  readonly arn: string;
  readonly machine: string;
  readonly version: number;
  readonly type: string;
  readonly definition: string;
  readonly role_arn: string;
  readonly logging_configuration: string;
  readonly tracing_configuration: string;
  readonly revision_id: string | null;
  readonly description: string | null;
  readonly creation_date: string;
  readonly encryption_configuration: string | null;
}

/** A row of read_state_machine_aliases. */
export interface AliasRow {
  readonly arn: string;
  readonly name: string;
  readonly description: string | null;
  readonly routing_configuration: string;
  readonly creation_date: string;
  readonly update_date: string;
}

export function toVersion(row: VersionRow): StateMachineVersionRecord {
  return {
    stateMachineVersionArn: row.arn,
    name: row.machine,
    version: row.version,
    type: row.type as StateMachineType,
    definition: row.definition,
    roleArn: row.role_arn,
    loggingConfiguration: JSON.parse(row.logging_configuration) as LoggingConfiguration,
    tracingConfiguration: JSON.parse(row.tracing_configuration) as TracingConfiguration,
    encryptionConfiguration: row.encryption_configuration !== null ? (JSON.parse(row.encryption_configuration) as EncryptionConfiguration) : DEFAULT_ENCRYPTION,
    ...(row.revision_id !== null ? { revisionId: row.revision_id } : {}),
    ...(row.description !== null ? { description: row.description } : {}),
    creationDate: row.creation_date,
  };
}

export function toAlias(row: AliasRow): StateMachineAliasRecord {
  return {
    stateMachineAliasArn: row.arn,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    routingConfiguration: JSON.parse(row.routing_configuration) as RoutingConfigurationItem[],
    creationDate: row.creation_date,
    updateDate: row.update_date,
  };
}
