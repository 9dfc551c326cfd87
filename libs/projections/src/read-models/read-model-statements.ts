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
  sql,
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
    encryption_configuration: string | null;
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
    state_machine_version_arn: string | null;
    state_machine_alias_arn: string | null;
  };
  read_state_machine_versions: {
    arn: string;
    machine: string;
    version: number;
    type: string;
    definition: string;
    role_arn: string;
    logging_configuration: string;
    tracing_configuration: string;
    revision_id: string | null;
    encryption_configuration: string | null;
    description: string | null;
    creation_date: string;
  };
  read_state_machine_aliases: {
    arn: string;
    machine: string;
    name: string;
    description: string | null;
    routing_configuration: string;
    creation_date: string;
    update_date: string;
    position: number;
  };
  read_map_runs: {
    map_run_arn: string;
    stream_id: string;
    thread: string;
    status: string;
    start_date: string;
    stop_date: string | null;
    max_concurrency: number;
    tolerated_failure_percentage: number;
    tolerated_failure_count: number;
    item_total: number;
    execution_total: number;
    /** ItemBatcher: the number of items in each child's batch (JSON array); null without batches. */
    batch_sizes: string | null;
    redrive_count: Generated<number>;
    redrive_date: string | null;
    start_position: number;
    position: number;
  };
  read_map_run_executions: {
    map_run_arn: string;
    item_index: number;
    status: string;
    start_date: string;
    stop_date: string | null;
    redrive_count: Generated<number>;
    redrive_date: string | null;
    start_position: number;
    /** 1 while the child waits to be redriven (AWS's pendingRedrive); its status stays the unsuccessful one. */
    pending_redrive: Generated<number>;
    /** 1 when no redrive runs the child again: it failed on its own history quota (the engine's MapIterationFailed `x.notRedrivable`). */
    not_redrivable: Generated<number>;
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

/** A page of executions by version or alias ARN (`arn`), optionally of one `status`, newest first. */
/**
 * One page of executions, newest first, of one state machine (`stateMachineArn`), version or
 * alias (`arn`), optionally by status and by name (the console's search: LIKE with an escaped
 * pattern, `nameSearchPattern`, because it is written the same in both dialects).
 */
function executionsWhere(
  db: Kysely<ReadModelTables>,
  column: 'state_machine_arn' | 'state_machine_version_arn' | 'state_machine_alias_arn',
  filters: { readonly byStatus?: boolean; readonly byName?: boolean } = {},
) {
  let query = db.selectFrom('read_executions').selectAll().where(column, '=', param(column === 'state_machine_arn' ? 'stateMachineArn' : 'arn'));
  if (filters.byStatus) query = query.where('status', '=', param('status'));
  if (filters.byName) query = query.where(sql<boolean>`lower(name) like ${param('pattern')} escape '\\'`);
  query = withinRedriveRange(query);
  return query.orderBy('start_date', 'desc').orderBy('start_position', 'desc').limit(param<number>('limit')).offset(param<number>('offset'));
}

/** ListExecutions by mapRunArn, newest first: all children, those in one status, or those waiting to be redriven. */
function mapRunExecutionsWhere(db: Kysely<ReadModelTables>, filter?: 'status' | 'pending-redrive') {
  let query = db.selectFrom('read_map_run_executions').selectAll().where('map_run_arn', '=', param('mapRunArn'));
  if (filter === 'status') query = query.where('status', '=', param('status'));
  if (filter === 'pending-redrive') query = query.where('pending_redrive', '=', 1);
  return withinRedriveRange(query).orderBy('start_date', 'desc').orderBy('item_index', 'desc').limit(param<number>('limit')).offset(param<number>('offset'));
}

/**
 * ListExecutions' redriveFilter, as a range of redrive counts every listing takes
 * (`minRedrives`, `maxRedrives`): one statement serves no filter, REDRIVEN and NOT_REDRIVEN.
 */
function withinRedriveRange<Query extends { where(...args: any[]): Query }>(query: Query): Query {
  return query.where('redrive_count', '>=', param<number>('minRedrives')).where('redrive_count', '<=', param<number>('maxRedrives'));
}

/** The Map Run of the thread `thread` of the execution stream `streamId` that is running now (at most one: a thread is in one state). */
function runningMapRunOf(db: Kysely<ReadModelTables>) {
  return db
    .selectFrom('read_map_runs')
    .select('map_run_arn')
    .where('stream_id', '=', param('streamId'))
    .where('thread', '=', param('thread'))
    .where('status', '=', 'RUNNING')
    .orderBy('start_position', 'desc')
    .limit(1);
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
        encryption_configuration: param<string | null>('encryption'),
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
          encryption_configuration: eb.ref('excluded.encryption_configuration'),
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
        encryption_configuration: eb.fn.coalesce(eb.val(param<string | null>('encryption')), eb.ref('encryption_configuration')),
        update_date: param('updateDate'),
        revision_id: param('revisionId'),
        position: param<number>('position'),
      }))
      .where('name', '=', param('name')),
  deleteStateMachine: (db: Kysely<ReadModelTables>) => db.deleteFrom('read_state_machines').where('name', '=', param('name')),
  setStateMachineStatus: (db: Kysely<ReadModelTables>) =>
    db.updateTable('read_state_machines').set({ status: param('status'), position: param<number>('position') }).where('name', '=', param('name')),
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
        state_machine_version_arn: param<string | null>('versionArn'),
        state_machine_alias_arn: param<string | null>('aliasArn'),
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

  insertVersion: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('read_state_machine_versions')
      .values({
        arn: param('arn'),
        machine: param('machine'),
        version: param<number>('version'),
        type: param('type'),
        definition: param('definition'),
        role_arn: param('roleArn'),
        logging_configuration: param('logging'),
        tracing_configuration: param('tracing'),
        revision_id: param<string | null>('revisionId'),
        description: param<string | null>('description'),
        creation_date: param('creationDate'),
        encryption_configuration: param<string | null>('encryption'),
      })
      .onConflict((oc) => oc.column('arn').doNothing()),
  deleteVersion: (db: Kysely<ReadModelTables>) =>
    db.deleteFrom('read_state_machine_versions').where('machine', '=', param('machine')).where('version', '=', param<number>('version')),
  deleteVersionsOfMachine: (db: Kysely<ReadModelTables>) => db.deleteFrom('read_state_machine_versions').where('machine', '=', param('machine')),
  insertAlias: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('read_state_machine_aliases')
      .values({
        arn: param('arn'),
        machine: param('machine'),
        name: param('name'),
        description: param<string | null>('description'),
        routing_configuration: param('routing'),
        creation_date: param('creationDate'),
        update_date: param('creationDate'),
        position: param<number>('position'),
      })
      .onConflict((oc) => oc.column('arn').doNothing()),
  updateAlias: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_state_machine_aliases')
      .set((eb) => ({
        description: eb.fn.coalesce(eb.val(param<string | null>('description')), eb.ref('description')),
        routing_configuration: eb.fn.coalesce(eb.val(param<string | null>('routing')), eb.ref('routing_configuration')),
        update_date: param('updateDate'),
      }))
      .where('machine', '=', param('machine'))
      .where('name', '=', param('name')),
  deleteAlias: (db: Kysely<ReadModelTables>) =>
    db.deleteFrom('read_state_machine_aliases').where('machine', '=', param('machine')).where('name', '=', param('name')),
  deleteAliasesOfMachine: (db: Kysely<ReadModelTables>) => db.deleteFrom('read_state_machine_aliases').where('machine', '=', param('machine')),

  // Map Runs. A Distributed Map's MapStateStarted stages its row under a key of its stream and
  // thread (its limits and item count are known there); MapRunStarted names it with its ARN.
  stageMapRun: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('read_map_runs')
      .values({
        map_run_arn: param('stageKey'),
        stream_id: param('streamId'),
        thread: param('thread'),
        status: 'PENDING',
        start_date: param('startDate'),
        stop_date: null,
        max_concurrency: param<number>('maxConcurrency'),
        tolerated_failure_percentage: param<number>('toleratedFailurePercentage'),
        tolerated_failure_count: param<number>('toleratedFailureCount'),
        item_total: param<number>('itemTotal'),
        execution_total: param<number>('executionTotal'),
        batch_sizes: param<string | null>('batchSizes'),
        start_position: param<number>('position'),
        position: param<number>('position'),
      })
      .onConflict((oc) =>
        oc.column('map_run_arn').doUpdateSet((eb) => ({
          start_date: eb.ref('excluded.start_date'),
          max_concurrency: eb.ref('excluded.max_concurrency'),
          tolerated_failure_percentage: eb.ref('excluded.tolerated_failure_percentage'),
          tolerated_failure_count: eb.ref('excluded.tolerated_failure_count'),
          item_total: eb.ref('excluded.item_total'),
          execution_total: eb.ref('excluded.execution_total'),
          batch_sizes: eb.ref('excluded.batch_sizes'),
          start_position: eb.ref('excluded.start_position'),
          position: eb.ref('excluded.position'),
        })),
      ),
  startMapRun: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_runs')
      .set((eb) => ({
        map_run_arn: param('mapRunArn'),
        status: 'RUNNING',
        start_date: param('startDate'),
        item_total: eb.fn.coalesce(eb.val(param<number | null>('itemTotal')), eb.ref('item_total')),
        execution_total: eb.fn.coalesce(eb.val(param<number | null>('executionTotal')), eb.ref('execution_total')),
        batch_sizes: eb.fn.coalesce(eb.val(param<string | null>('batchSizes')), eb.ref('batch_sizes')),
        start_position: param<number>('position'),
        position: param<number>('position'),
      }))
      .where('map_run_arn', '=', param('stageKey')),
  // MapItemsRecorded: one batch of a Map Run's children adds to its counts before MapRunStarted.
  // batch_sizes is JSON text ('[2,2,1]'): a batch's sizes (comma-separated) join its array.
  addMapRunChildren: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_runs')
      .set((eb) => ({
        item_total: eb(eb.ref('item_total'), '+', param<number>('itemCount')),
        execution_total: eb(eb.ref('execution_total'), '+', param<number>('executionCount')),
        batch_sizes: sql<string | null>`case when cast(${param('batchSizes')} as text) is null then batch_sizes
          when batch_sizes is null then '[' || cast(${param('batchSizes')} as text) || ']'
          else substr(batch_sizes, 1, length(batch_sizes) - 1) || ',' || cast(${param('batchSizes')} as text) || ']' end`,
        position: param<number>('position'),
      }))
      .where('map_run_arn', '=', param('stageKey')),
  // A retried Map starts a new Map Run: the one its failed attempt left running has ended.
  endMapRun: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_runs')
      .set({ status: param('status'), stop_date: param('stopDate'), position: param<number>('position') })
      .where('stream_id', '=', param('streamId'))
      .where('thread', '=', param('thread'))
      .where('status', '=', 'RUNNING'),
  redriveMapRun: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_runs')
      .set({ status: 'RUNNING', stop_date: null, redrive_count: param<number>('redriveCount'), redrive_date: param('redriveDate'), position: param<number>('position') })
      .where('map_run_arn', '=', param('mapRunArn')),
  // The children a redrive runs again: the failed and aborted ones (never-started ones start as usual).
  redriveMapRunExecutions: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_run_executions')
      .set((eb) => ({ status: 'RUNNING', stop_date: null, redrive_count: eb(eb.ref('redrive_count'), '+', 1), redrive_date: param('redriveDate') }))
      .where('map_run_arn', '=', param('mapRunArn'))
      .where('status', 'in', ['FAILED', 'ABORTED'])
      .where('not_redrivable', '=', 0),
  // A paced redrive (MapRunRedriven with x.redriveIndices): the unsuccessful children wait, keeping
  // their status ("FAILED, ABORTED, or TIMED_OUT in the original execution attempt or a previous
  // redrive attempt", API reference, MapRunExecutionCounts.pendingRedrive) until each starts.
  awaitMapRunRedrive: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_run_executions')
      .set({ pending_redrive: 1 })
      .where('map_run_arn', '=', param('mapRunArn'))
      .where('status', 'in', ['FAILED', 'ABORTED', 'TIMED_OUT'])
      .where('not_redrivable', '=', 0),
  // A Map Run that ends leaves no child waiting: the next redrive of its parent names them again.
  endMapRunRedrive: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_run_executions')
      .set({ pending_redrive: 0 })
      .where('pending_redrive', '=', 1)
      .where('map_run_arn', '=', (eb) => eb.selectFrom(runningMapRunOf(db).as('running')).select('running.map_run_arn')),
  updateMapRun: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_runs')
      .set((eb) => ({
        max_concurrency: eb.fn.coalesce(eb.val(param<number | null>('maxConcurrency')), eb.ref('max_concurrency')),
        tolerated_failure_percentage: eb.fn.coalesce(eb.val(param<number | null>('toleratedFailurePercentage')), eb.ref('tolerated_failure_percentage')),
        tolerated_failure_count: eb.fn.coalesce(eb.val(param<number | null>('toleratedFailureCount')), eb.ref('tolerated_failure_count')),
        position: param<number>('position'),
      }))
      .where('map_run_arn', '=', param('mapRunArn')),
  startMapRunExecution: (db: Kysely<ReadModelTables>) =>
    db
      .insertInto('read_map_run_executions')
      .columns(['map_run_arn', 'item_index', 'status', 'start_date', 'start_position'])
      .expression(
        runningMapRunOf(db)
          .clearSelect()
          .select([
            'map_run_arn',
            sql<number>`cast(${param('index')} as integer)`.as('item_index'),
            sql<string>`'RUNNING'`.as('status'),
            sql<string>`cast(${param('startDate')} as text)`.as('start_date'),
            sql<number>`cast(${param('position')} as bigint)`.as('start_position'),
          ]),
      )
      // Started again: by a redrive that let it wait (pending_redrive), which counts as the child's redrive.
      .onConflict((oc) =>
        oc.columns(['map_run_arn', 'item_index']).doUpdateSet((eb) => ({
          status: 'RUNNING',
          stop_date: null,
          redrive_count: eb(eb.ref('read_map_run_executions.redrive_count'), '+', eb.ref('read_map_run_executions.pending_redrive')),
          redrive_date: sql<string | null>`case when read_map_run_executions.pending_redrive = 1 then cast(${param('startDate')} as text) else read_map_run_executions.redrive_date end`,
          pending_redrive: 0,
        })),
      ),
  endMapRunExecution: (db: Kysely<ReadModelTables>) =>
    db
      .updateTable('read_map_run_executions')
      .set({ status: param('status'), stop_date: param('stopDate'), not_redrivable: param<number>('notRedrivable') })
      .where('item_index', '=', param<number>('index'))
      .where('map_run_arn', '=', (eb) => eb.selectFrom(runningMapRunOf(db).as('running')).select('running.map_run_arn')),

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
  executions: (db: Kysely<ReadModelTables>) => executionsWhere(db, 'state_machine_arn'),
  executionsByStatus: (db: Kysely<ReadModelTables>) => executionsWhere(db, 'state_machine_arn', { byStatus: true }),
  // ListExecutions on a version or alias ARN: AWS filters by the ARN the execution ran or was started through.
  executionsOfVersion: (db: Kysely<ReadModelTables>) => executionsWhere(db, 'state_machine_version_arn'),
  executionsOfVersionByStatus: (db: Kysely<ReadModelTables>) => executionsWhere(db, 'state_machine_version_arn', { byStatus: true }),
  executionsOfAlias: (db: Kysely<ReadModelTables>) => executionsWhere(db, 'state_machine_alias_arn'),
  executionsOfAliasByStatus: (db: Kysely<ReadModelTables>) => executionsWhere(db, 'state_machine_alias_arn', { byStatus: true }),
  runningExecutionCount: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_executions')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('state_machine_arn', '=', param('stateMachineArn'))
      .where('status', '=', 'RUNNING'),

  versionByArn: (db: Kysely<ReadModelTables>) => db.selectFrom('read_state_machine_versions').selectAll().where('arn', '=', param('arn')),
  versionsOfMachine: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_state_machine_versions')
      .selectAll()
      .where('machine', '=', param('machine'))
      .orderBy('version', 'desc')
      .limit(param<number>('limit'))
      .offset(param<number>('offset')),
  aliasByArn: (db: Kysely<ReadModelTables>) => db.selectFrom('read_state_machine_aliases').selectAll().where('arn', '=', param('arn')),
  aliasesOfMachine: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_state_machine_aliases')
      .selectAll()
      .where('machine', '=', param('machine'))
      .orderBy('position', 'asc')
      .limit(param<number>('limit'))
      .offset(param<number>('offset')),
  mapRun: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_map_runs')
      .innerJoin('read_executions', 'read_executions.stream_id', 'read_map_runs.stream_id')
      .selectAll('read_map_runs')
      .select(['read_executions.execution_arn', 'read_executions.state_machine_arn', 'read_executions.status as execution_status'])
      .where('read_map_runs.map_run_arn', '=', param('mapRunArn'))
      .where('read_map_runs.status', '<>', 'PENDING'),
  mapRunsOfExecution: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_map_runs')
      .innerJoin('read_executions', 'read_executions.stream_id', 'read_map_runs.stream_id')
      .selectAll('read_map_runs')
      .select(['read_executions.execution_arn', 'read_executions.state_machine_arn', 'read_executions.status as execution_status'])
      .where('read_executions.execution_arn', '=', param('executionArn'))
      .where('read_map_runs.status', '<>', 'PENDING')
      .orderBy('read_map_runs.start_position', 'desc')
      .limit(param<number>('limit'))
      .offset(param<number>('offset')),
  // `count(*)` is a BIGINT on PostgreSQL: the caller reads it as a number.
  mapRunExecutionCounts: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_map_run_executions')
      .select((eb) => ['status', 'pending_redrive', 'not_redrivable', eb.fn.countAll<number>().as('count')])
      .where('map_run_arn', '=', param('mapRunArn'))
      .groupBy(['status', 'pending_redrive', 'not_redrivable']),
  // The Map Runs of one Map state (`…:mapRun:<machine>/<label>:`), to find a child by its ARN.
  mapRunsOfLabel: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_map_runs')
      .select('map_run_arn')
      .where('map_run_arn', '>=', param('from'))
      .where('map_run_arn', '<', param('to'))
      .where('status', '<>', 'PENDING'),
  allMapRunExecutions: (db: Kysely<ReadModelTables>) => db.selectFrom('read_map_run_executions').selectAll().where('map_run_arn', '=', param('mapRunArn')),
  // A batched Map Run's item counts: each child's status, weighed by its batch's size.
  mapRunExecutionStatuses: (db: Kysely<ReadModelTables>) =>
    db.selectFrom('read_map_run_executions').select(['item_index', 'status', 'pending_redrive', 'not_redrivable']).where('map_run_arn', '=', param('mapRunArn')),
  mapRunExecutions: (db: Kysely<ReadModelTables>) => mapRunExecutionsWhere(db),
  mapRunExecutionsByStatus: (db: Kysely<ReadModelTables>) => mapRunExecutionsWhere(db, 'status'),
  // ListExecutions(mapRunArn, statusFilter PENDING_REDRIVE): the children waiting to be redriven,
  // which keep their unsuccessful status meanwhile (MapRunExecutionCounts.pendingRedrive).
  mapRunExecutionsPendingRedrive: (db: Kysely<ReadModelTables>) => mapRunExecutionsWhere(db, 'pending-redrive'),
  // The console's name search.
  executionsByName: (db: Kysely<ReadModelTables>) => executionsWhere(db, 'state_machine_arn', { byName: true }),
  executionsByNameAndStatus: (db: Kysely<ReadModelTables>) => executionsWhere(db, 'state_machine_arn', { byStatus: true, byName: true }),
  // The console's counts. `count(*)` is a BIGINT on PostgreSQL: the backend reads it as a number.
  executionCounts: (db: Kysely<ReadModelTables>) =>
    db
      .selectFrom('read_executions')
      .select((eb) => ['state_machine_arn as stateMachineArn', 'status', eb.fn.countAll<number>().as('count')])
      .groupBy(['state_machine_arn', 'status'])
      .orderBy('state_machine_arn')
      .orderBy('status'),
} satisfies Record<string, (db: Kysely<ReadModelTables>) => Compilable>;

/**
 * The LIKE pattern (escape character `\`) of names containing `text`, case-insensitively: `%`
 * and `_` in the text match themselves. Both sides are lower-cased: SQLite's `lower` folds
 * ASCII letters only, so other letters match case-sensitively there.
 */
export function nameSearchPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

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
export const SNAPSHOT_ORDER = {
  read_state_machines: 'name',
  read_executions: 'stream_id',
  read_state_machine_versions: 'arn',
  read_state_machine_aliases: 'arn',
  read_audit: 'position',
  read_map_runs: 'map_run_arn',
  read_map_run_executions: 'map_run_arn, item_index',
} as const;
