import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
  type CompiledQuery,
  type Generated,
} from 'kysely';

/**
 * The read models' SQL, written once with Kysely and compiled for each dialect: the SQLite file
 * (better-sqlite3) and PostgreSQL (pg). Kysely only compiles here (a DummyDriver): each backend
 * runs the text with its own driver, so SQLite keeps synchronous prepared statements.
 */

export type ReadModelDialect = 'sqlite' | 'postgres';

/** The tables as Kysely sees them (column types as the drivers return them). */
export interface ReadModelTables {
  projection_checkpoints: { name: string; position: number };
  projection_failures: { name: string; position: number; stream_id: string; type: string; message: string; recorded_at: string };
  read_state_machines: {
    name: string;
    arn: string;
    type: string;
    status: string;
    definition: string;
    role_arn: string;
    description: string | null;
    logging_configuration: string;
    tracing_configuration: string;
    tags: string;
    creation_date: string;
    update_date: string | null;
    revision_id: string;
    position: number;
  };
  read_executions: {
    stream_id: string;
    execution_arn: string;
    state_machine_arn: string;
    name: string;
    type: string;
    status: string;
    start_date: string;
    stop_date: string | null;
    input: string | null;
    output: string | null;
    error: string | null;
    cause: string | null;
    start_position: number;
    position: number;
    redrive_count: Generated<number>;
    redrive_date: string | null;
  };
  read_audit: {
    position: number;
    recorded_at: string;
    actor: string;
    source_ip: string | null;
    request_id: string | null;
    action: string;
    resource: string;
    stream_id: string;
    revision: number;
    event_type: string;
    details: string | null;
  };
}

/** A named placeholder: compiled once, bound by name at each run. */
class Param {
  constructor(readonly name: string) {}
}

/** `param('arn')` stands for the value bound as `arn` when the statement runs. */
function param<T = string>(name: string): T {
  return new Param(name) as unknown as T;
}

/** A statement compiled for one dialect, its positional parameters named. */
export interface NamedStatement {
  readonly sql: string;
  /** Per positional parameter: the name it is bound from, or a constant the builder inlined as a parameter. */
  readonly parameters: ReadonlyArray<{ readonly name: string } | { readonly value: unknown }>;
}

/** The values of `statement`'s positional parameters, taken from `params` by name. */
export function bindParameters(statement: NamedStatement, params: Readonly<Record<string, unknown>>): unknown[] {
  return statement.parameters.map((parameter) => {
    if (!('name' in parameter)) return parameter.value;
    const value = params[parameter.name];
    if (value === undefined) throw new TypeError(`read model statement: no value for parameter '${parameter.name}'`);
    return value;
  });
}

const compilers: Record<ReadModelDialect, Kysely<ReadModelTables>> = {
  sqlite: new Kysely<ReadModelTables>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<ReadModelTables>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
};

/** The compile-only Kysely of a dialect, for queries built per call (the audit query's filters). */
export function queryBuilder(dialect: ReadModelDialect): Kysely<ReadModelTables> {
  return compilers[dialect];
}

function named(compiled: CompiledQuery): NamedStatement {
  return {
    sql: compiled.sql,
    parameters: compiled.parameters.map((value) => (value instanceof Param ? { name: value.name } : { value })),
  };
}

const definitions = {
  checkpoint: (db: Kysely<ReadModelTables>) => db.selectFrom('projection_checkpoints').select('position').where('name', '=', param('name')),
  saveCheckpoint: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('projection_checkpoints')
      .values({ name: param('name'), position: param<number>('position') })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ position: eb.ref('excluded.position') }))),
  insertFailure: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('projection_failures')
      .values({
        name: param('name'),
        position: param<number>('position'),
        stream_id: param('streamId'),
        type: param('type'),
        message: param('message'),
        recorded_at: param('recordedAt'),
      })
      .onConflict((oc) => oc.columns(['name', 'position']).doUpdateSet((eb) => ({ message: eb.ref('excluded.message'), recorded_at: eb.ref('excluded.recorded_at') }))),
  failures: (db: Kysely<ReadModelTables>) =>
    db.selectFrom('projection_failures').select(['position', 'stream_id', 'type', 'message', 'recorded_at']).where('name', '=', param('name')).orderBy('position', 'asc'),
  clearFailures: (db: Kysely<ReadModelTables>) => db.deleteFrom('projection_failures').where('name', '=', param('name')),

  upsertStateMachine: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('read_state_machines')
      .values({
        name: param('name'),
        arn: param('arn'),
        type: param('type'),
        status: 'ACTIVE',
        definition: param('definition'),
        role_arn: param('roleArn'),
        description: param<string | null>('description'),
        logging_configuration: param('logging'),
        tracing_configuration: param('tracing'),
        tags: param('tags'),
        creation_date: param('creationDate'),
        update_date: null,
        revision_id: param('revisionId'),
        position: param<number>('position'),
      })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          arn: eb.ref('excluded.arn'),
          type: eb.ref('excluded.type'),
          status: eb.ref('excluded.status'),
          definition: eb.ref('excluded.definition'),
          role_arn: eb.ref('excluded.role_arn'),
          description: eb.ref('excluded.description'),
          logging_configuration: eb.ref('excluded.logging_configuration'),
          tracing_configuration: eb.ref('excluded.tracing_configuration'),
          tags: eb.ref('excluded.tags'),
          creation_date: eb.ref('excluded.creation_date'),
          update_date: null,
          revision_id: eb.ref('excluded.revision_id'),
          position: eb.ref('excluded.position'),
        })),
      ),
  updateStateMachine: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_state_machines')
      .set((eb) => ({
        definition: eb.fn.coalesce(eb.val(param<string | null>('definition')), eb.ref('definition')),
        role_arn: eb.fn.coalesce(eb.val(param<string | null>('roleArn')), eb.ref('role_arn')),
        logging_configuration: eb.fn.coalesce(eb.val(param<string | null>('logging')), eb.ref('logging_configuration')),
        tracing_configuration: eb.fn.coalesce(eb.val(param<string | null>('tracing')), eb.ref('tracing_configuration')),
        update_date: param('updateDate'),
        revision_id: param('revisionId'),
        position: param<number>('position'),
      }))
      .where('name', '=', param('name')),
  deleteStateMachine: (db: Kysely<ReadModelTables>) => db.deleteFrom('read_state_machines').where('name', '=', param('name')),
  stateMachineTags: (db: Kysely<ReadModelTables>) => db.selectFrom('read_state_machines').select('tags').where('name', '=', param('name')),
  setStateMachineTags: (db: Kysely<ReadModelTables>) =>
    db.updateTable('read_state_machines').set({ tags: param('tags'), position: param<number>('position') }).where('name', '=', param('name')),

  startExecution: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('read_executions')
      .values({
        stream_id: param('streamId'),
        execution_arn: param('executionArn'),
        state_machine_arn: param('stateMachineArn'),
        name: param('name'),
        type: param('type'),
        status: 'RUNNING',
        start_date: param('startDate'),
        input: param<string | null>('input'),
        start_position: param<number>('position'),
        position: param<number>('position'),
      })
      .onConflict((oc) => oc.column('stream_id').doNothing()),
  redriveExecution: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_executions')
      .set({
        status: 'RUNNING',
        stop_date: null,
        output: null,
        error: null,
        cause: null,
        redrive_count: param<number>('redriveCount'),
        redrive_date: param('redriveDate'),
        position: param<number>('position'),
      })
      .where('stream_id', '=', param('streamId')),
  closeExecution: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_executions')
      .set({
        status: param('status'),
        stop_date: param('stopDate'),
        output: param<string | null>('output'),
        error: param<string | null>('error'),
        cause: param<string | null>('cause'),
        position: param<number>('position'),
      })
      .where('stream_id', '=', param('streamId')),

  insertAudit: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('read_audit')
      .values({
        position: param<number>('position'),
        recorded_at: param('recordedAt'),
        actor: param('actor'),
        source_ip: param<string | null>('sourceIp'),
        request_id: param<string | null>('requestId'),
        action: param('action'),
        resource: param('resource'),
        stream_id: param('streamId'),
        revision: param<number>('revision'),
        event_type: param('eventType'),
        details: param<string | null>('details'),
      })
      .onConflict((oc) => oc.column('position').doNothing()),
  // Only a stream's first event names its ARN; later actions on the stream take it from its latest row.
  resourceOfStream: (db: Kysely<ReadModelTables>) =>
    db.selectFrom('read_audit').select('resource').where('stream_id', '=', param('streamId')).orderBy('position', 'desc').limit(1),

  stateMachineByArn: (db: Kysely<ReadModelTables>) => db.selectFrom('read_state_machines').selectAll().where('arn', '=', param('arn')),
  stateMachines: (db: Kysely<ReadModelTables>) =>
    db.selectFrom('read_state_machines').selectAll().orderBy('name', 'asc').limit(param<number>('limit')).offset(param<number>('offset')),
  execution: (db: Kysely<ReadModelTables>) => db.selectFrom('read_executions').selectAll().where('execution_arn', '=', param('executionArn')),
  executions: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_executions')
      .selectAll()
      .where('state_machine_arn', '=', param('stateMachineArn'))
      .orderBy('start_date', 'desc')
      .orderBy('start_position', 'desc')
      .limit(param<number>('limit'))
      .offset(param<number>('offset')),
  executionsByStatus: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_executions')
      .selectAll()
      .where('state_machine_arn', '=', param('stateMachineArn'))
      .where('status', '=', param('status'))
      .orderBy('start_date', 'desc')
      .orderBy('start_position', 'desc')
      .limit(param<number>('limit'))
      .offset(param<number>('offset')),
} satisfies Record<string, (db: Kysely<ReadModelTables>) => Compilable>;

export type StatementName = keyof typeof definitions;
export type ReadModelStatements = Readonly<Record<StatementName, NamedStatement>>;

/** Every statement compiled for `dialect` (once per process and dialect). */
export const readModelStatements: Record<ReadModelDialect, ReadModelStatements> = {
  sqlite: compileAll('sqlite'),
  postgres: compileAll('postgres'),
};

function compileAll(dialect: ReadModelDialect): ReadModelStatements {
  const db = compilers[dialect];
  return Object.fromEntries(Object.entries(definitions).map(([name, build]) => [name, named(build(db).compile())])) as ReadModelStatements;
}

/** The key each read-model table is ordered by in a snapshot. */
export const SNAPSHOT_ORDER = { read_state_machines: 'name', read_executions: 'stream_id', read_audit: 'position' } as const;
