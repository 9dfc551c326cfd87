import type Database from 'better-sqlite3';
import type {
  LoggingConfiguration,
  RoutingConfigurationItem,
  StateMachineEvent,
  StateMachineType,
  TracingConfiguration,
} from '../events/state-machine-events';
import { decodePageToken, encodePageToken } from './page-token';

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

interface VersionRow {
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
}

interface AliasRow {
  readonly arn: string;
  readonly name: string;
  readonly description: string | null;
  readonly routing_configuration: string;
  readonly creation_date: string;
  readonly update_date: string;
}

type VersionAliasEvent = Extract<
  StateMachineEvent,
  {
    type:
      | 'StateMachineVersionPublished'
      | 'StateMachineVersionDeleted'
      | 'StateMachineAliasCreated'
      | 'StateMachineAliasUpdated'
      | 'StateMachineAliasDeleted';
  }
>;

/** Applies the version and alias events of machine `name` (inside the caller's transaction). */
export function createVersionAliasApplier(db: Database.Database) {
  const statements = {
    insertVersion: db.prepare(
      `INSERT INTO read_state_machine_versions (arn, machine, version, type, definition, role_arn, logging_configuration,
         tracing_configuration, revision_id, description, creation_date)
       VALUES (@arn, @machine, @version, @type, @definition, @roleArn, @logging, @tracing, @revisionId, @description, @creationDate)
       ON CONFLICT (arn) DO NOTHING`,
    ),
    deleteVersion: db.prepare<[string, number]>('DELETE FROM read_state_machine_versions WHERE machine = ? AND version = ?'),
    insertAlias: db.prepare(
      `INSERT INTO read_state_machine_aliases (arn, machine, name, description, routing_configuration, creation_date, update_date, position)
       VALUES (@arn, @machine, @name, @description, @routing, @creationDate, @creationDate, @position)
       ON CONFLICT (arn) DO NOTHING`,
    ),
    updateAlias: db.prepare(
      `UPDATE read_state_machine_aliases SET description = coalesce(@description, description),
         routing_configuration = coalesce(@routing, routing_configuration), update_date = @updateDate
       WHERE machine = @machine AND name = @name`,
    ),
    deleteAlias: db.prepare<[string, string]>('DELETE FROM read_state_machine_aliases WHERE machine = ? AND name = ?'),
    deleteAllVersions: db.prepare<[string]>('DELETE FROM read_state_machine_versions WHERE machine = ?'),
    deleteAllAliases: db.prepare<[string]>('DELETE FROM read_state_machine_aliases WHERE machine = ?'),
  };
  return {
    apply(machine: string, event: VersionAliasEvent, position: number): void {
      switch (event.type) {
        case 'StateMachineVersionPublished': {
          const d = event.data;
          statements.insertVersion.run({
            arn: d.stateMachineVersionArn,
            machine,
            version: d.version,
            type: d.type,
            definition: d.definition,
            roleArn: d.roleArn,
            logging: JSON.stringify(d.loggingConfiguration),
            tracing: JSON.stringify(d.tracingConfiguration),
            revisionId: d.revisionId ?? null,
            description: d.description ?? null,
            creationDate: d.creationDate,
          });
          return;
        }
        case 'StateMachineVersionDeleted':
          statements.deleteVersion.run(machine, event.data.version);
          return;
        case 'StateMachineAliasCreated': {
          const d = event.data;
          statements.insertAlias.run({
            arn: d.stateMachineAliasArn,
            machine,
            name: d.name,
            description: d.description ?? null,
            routing: JSON.stringify(d.routingConfiguration),
            creationDate: d.creationDate,
            position,
          });
          return;
        }
        case 'StateMachineAliasUpdated': {
          const d = event.data;
          statements.updateAlias.run({
            machine,
            name: d.name,
            description: d.description ?? null,
            routing: d.routingConfiguration ? JSON.stringify(d.routingConfiguration) : null,
            updateDate: d.updateDate,
          });
          return;
        }
        case 'StateMachineAliasDeleted':
          statements.deleteAlias.run(machine, event.data.name);
          return;
        default: {
          const unreachable: never = event;
          return unreachable;
        }
      }
    },
    /** DeleteStateMachine deletes the machine's versions and aliases with it. */
    removeMachine(machine: string): void {
      statements.deleteAllVersions.run(machine);
      statements.deleteAllAliases.run(machine);
    },
  };
}

const DEFAULT_PAGE_SIZE = 100;

/** The read side of versions and aliases, plus the running count DeleteStateMachine waits on. */
export function createVersionAliasQueries(db: Database.Database) {
  const statements = {
    version: db.prepare<[string], VersionRow>('SELECT * FROM read_state_machine_versions WHERE arn = ?'),
    versions: db.prepare<[string, number, number], VersionRow>(
      'SELECT * FROM read_state_machine_versions WHERE machine = ? ORDER BY version DESC LIMIT ? OFFSET ?',
    ),
    alias: db.prepare<[string], AliasRow>('SELECT * FROM read_state_machine_aliases WHERE arn = ?'),
    aliases: db.prepare<[string, number, number], AliasRow>(
      'SELECT * FROM read_state_machine_aliases WHERE machine = ? ORDER BY position ASC LIMIT ? OFFSET ?',
    ),
    running: db
      .prepare<[string], number>("SELECT count(*) FROM read_executions WHERE state_machine_arn = ? AND status = 'RUNNING'")
      .pluck(),
  };
  const page = <R, T>(request: VersionAliasPageRequest, read: (limit: number, offset: number) => R[], map: (row: R) => T) => {
    const offset = decodePageToken(request.nextToken);
    const limit = request.maxResults === undefined || request.maxResults <= 0 ? DEFAULT_PAGE_SIZE : Math.min(request.maxResults, 1000);
    const rows = read(limit + 1, offset);
    const items = rows.slice(0, limit).map(map);
    return rows.length > limit ? { items, nextToken: encodePageToken(offset + limit) } : { items };
  };
  return {
    getStateMachineVersion(arn: string): StateMachineVersionRecord | undefined {
      const row = statements.version.get(arn);
      return row && toVersion(row);
    },
    /** Newest first, as ListStateMachineVersions answers. */
    listStateMachineVersions(request: VersionAliasPageRequest) {
      return page(request, (limit, offset) => statements.versions.all(request.machine, limit, offset), toVersion);
    },
    getStateMachineAlias(arn: string): StateMachineAliasRecord | undefined {
      const row = statements.alias.get(arn);
      return row && toAlias(row);
    },
    /** In the order they were created. */
    listStateMachineAliases(request: VersionAliasPageRequest) {
      return page(request, (limit, offset) => statements.aliases.all(request.machine, limit, offset), toAlias);
    },
    countRunningExecutions(stateMachineArn: string): number {
      return statements.running.get(stateMachineArn) ?? 0;
    },
  };
}

export type VersionAliasQueries = ReturnType<typeof createVersionAliasQueries>;

function toVersion(row: VersionRow): StateMachineVersionRecord {
  return {
    stateMachineVersionArn: row.arn,
    name: row.machine,
    version: row.version,
    type: row.type as StateMachineType,
    definition: row.definition,
    roleArn: row.role_arn,
    loggingConfiguration: JSON.parse(row.logging_configuration) as LoggingConfiguration,
    tracingConfiguration: JSON.parse(row.tracing_configuration) as TracingConfiguration,
    ...(row.revision_id !== null ? { revisionId: row.revision_id } : {}),
    ...(row.description !== null ? { description: row.description } : {}),
    creationDate: row.creation_date,
  };
}

function toAlias(row: AliasRow): StateMachineAliasRecord {
  return {
    stateMachineAliasArn: row.arn,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    routingConfiguration: JSON.parse(row.routing_configuration) as RoutingConfigurationItem[],
    creationDate: row.creation_date,
    updateDate: row.update_date,
  };
}
