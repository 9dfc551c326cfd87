import { SqliteDatabase, type SqliteStatement } from '@stepstone/event-store';
import type { CompiledQuery } from 'kysely';
import pg from 'pg';
import { migratePostgresSchema, type RecordedEvent } from '@stepstone/event-store';
import { planWrites, readsOfBatch, type WriteOp } from './apply-events';
import { migrateReadModels, postgresReadModelMigrations, READ_MODEL_TABLES } from './read-model-schema';
import { bindParameters, readModelStatements, SNAPSHOT_ORDER, type NamedStatement, type ReadModelDialect } from './read-model-statements';

/** An event a projection skipped, as stored in the failures table. */
export interface RecordedFailure {
  readonly position: number;
  readonly streamId: string;
  readonly type: string;
  readonly message: string;
  /** ISO 8601: when the projection gave up on it. */
  readonly recordedAt: string;
}

interface FailureRow {
  readonly position: number;
  readonly stream_id: string;
  readonly type: string;
  readonly message: string;
  readonly recorded_at: string;
}

function toFailure(row: FailureRow): RecordedFailure {
  return { position: row.position, streamId: row.stream_id, type: row.type, message: row.message, recordedAt: row.recorded_at };
}

function failureParams(name: string, failure: RecordedFailure): Record<string, unknown> {
  return { name, position: failure.position, streamId: failure.streamId, type: failure.type, message: failure.message, recordedAt: failure.recordedAt };
}

/**
 * Where the read models live: the asynchronous port the projections write and query through.
 * Two implementations: the SQLite file (the embedded store's own connection) and PostgreSQL.
 */
export interface ReadModelBackend {
  readonly dialect: ReadModelDialect;
  /** The checkpoint stored under `name` (0 when none). */
  checkpoint(name: string): Promise<number>;
  /**
   * Applies a batch and moves the checkpoint, in one transaction. Returns the checkpoint after it:
   * where the next batch must start. Several processes may share the tables (PostgreSQL): events
   * another process already applied are skipped, and a batch that starts past the checkpoint is
   * not applied at all (the caller re-reads from the returned checkpoint).
   */
  applyBatch(name: string, events: readonly RecordedEvent[]): Promise<number>;
  /**
   * Moves the checkpoint past the event at `failure.position` without applying it (an event the
   * read models cannot apply) and records why, in one transaction. Does nothing unless the
   * checkpoint is just before it. Returns the checkpoint.
   */
  skipEvent(name: string, failure: RecordedFailure): Promise<number>;
  /** The events skipped under `name`, oldest first (persisted: any process sharing the tables sees them). */
  failures(name: string): Promise<RecordedFailure[]>;
  /** Empties every read-model table and sets the checkpoint to 0. */
  reset(name: string): Promise<void>;
  /** Rows of a statement compiled for this dialect. */
  query<R>(statement: NamedStatement, params: Readonly<Record<string, unknown>>): Promise<R[]>;
  /** Rows of a query built per call (compiled for this dialect). */
  run<R>(compiled: CompiledQuery): Promise<R[]>;
  /** Every read-model row, ordered by key. */
  snapshot(): Promise<Record<string, unknown[]>>;
  /**
   * Calls `onCheckpoint` with the checkpoint stored under `name` each time a transaction of any
   * process moves it (a follower's read-your-writes), and once with its current value when
   * listening starts (and again after a lost connection came back). Where the tables are one
   * process's (SQLite), undefined: that process applies them itself.
   */
  watchCheckpoint?(name: string, onCheckpoint: (position: number) => void): Promise<{ close(): Promise<void> }>;
  close(): Promise<void>;
}

/** PostgreSQL channel on which every read-model transaction announces its checkpoint: `<position> <name>`. */
export const CHECKPOINT_CHANNEL = 'stepstone_projected';

/** A store that hands out its SQLite connection (the SQLite adapter does). */
export interface SqliteBacked {
  readonly database: SqliteDatabase;
  transaction<T>(fn: () => T): T;
}

/**
 * The read models in a SQLite database: the store's file when given (each batch and its
 * checkpoint commit in the store's transaction), else a private in-memory database. Statements
 * run synchronously (better-sqlite3), prepared once.
 */
export function openSqliteReadModels(store: SqliteBacked | undefined): ReadModelBackend & { readonly replayFromZero: boolean } {
  const db = store?.database ?? new SqliteDatabase(':memory:');
  const transaction = store ? <T>(fn: () => T): T => store.transaction(fn) : <T>(fn: () => T): T => db.transaction(fn).immediate();
  const replayFromZero = migrateReadModels(db);
  const statements = readModelStatements.sqlite;
  const prepared = new Map<string, SqliteStatement>();
  const prepare = (statement: NamedStatement) => {
    let found = prepared.get(statement.sql);
    if (!found) {
      found = db.prepare<unknown[]>(statement.sql);
      prepared.set(statement.sql, found);
    }
    return found;
  };
  const get = <R>(statement: NamedStatement, params: Record<string, unknown>) => prepare(statement).get(bindParameters(statement, params)) as R | undefined;
  const runOps = (ops: readonly WriteOp[]) => {
    for (const op of ops) {
      const statement = statements[op.statement];
      prepare(statement).run(bindParameters(statement, op.params));
    }
  };

  return {
    dialect: 'sqlite',
    replayFromZero,
    async checkpoint(name) {
      return get<{ position: number }>(statements.checkpoint, { name })?.position ?? 0;
    },
    async applyBatch(name, events) {
      const last = events[events.length - 1].position;
      transaction(() => {
        const ops = planWrites(events, {
          tagsOf: (machine) => get<{ tags: string }>(statements.stateMachineTags, { name: machine })?.tags,
          resourceOfStream: (streamId) => get<{ resource: string }>(statements.resourceOfStream, { streamId })?.resource,
        });
        runOps(ops);
        runOps([{ statement: 'saveCheckpoint', params: { name, position: last } }]);
      });
      return last;
    },
    async skipEvent(name, failure) {
      const { position } = failure;
      return transaction(() => {
        const stored = get<{ position: number }>(statements.checkpoint, { name })?.position ?? 0;
        if (stored !== position - 1) return stored;
        runOps([
          { statement: 'insertFailure', params: failureParams(name, failure) },
          { statement: 'saveCheckpoint', params: { name, position } },
        ]);
        return position;
      });
    },
    async failures(name) {
      return (prepare(statements.failures).all(bindParameters(statements.failures, { name })) as FailureRow[]).map(toFailure);
    },
    async reset(name) {
      transaction(() => {
        for (const table of READ_MODEL_TABLES) db.prepare(`DELETE FROM ${table}`).run();
        runOps([{ statement: 'clearFailures', params: { name } }]);
        runOps([{ statement: 'saveCheckpoint', params: { name, position: 0 } }]);
      });
    },
    async query<R>(statement: NamedStatement, params: Readonly<Record<string, unknown>>) {
      return prepare(statement).all(bindParameters(statement, params)) as R[];
    },
    async run<R>(compiled: CompiledQuery) {
      return db.prepare<unknown[]>(compiled.sql).all([...compiled.parameters]) as R[];
    },
    async snapshot() {
      const tables: Record<string, unknown[]> = {};
      for (const table of READ_MODEL_TABLES) tables[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${SNAPSHOT_ORDER[table]}`).all();
      return tables;
    },
    async close() {
      if (!store) db.close();
    },
  };
}

/** BIGINT columns (positions) come back as numbers, as SQLite returns them. */
const INT8_OID = 20;
const numericTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * `statement` with its parameters written in as SQL literals, to run among others in one
 * simple-protocol query (which takes no parameters). The statements are ours (Kysely-compiled,
 * no `$` but their placeholders) and every value is a string, number, boolean or null; strings
 * go through the driver's escapeLiteral. An unquoted literal and a parameter take the column's
 * type alike.
 */
export function inlineStatement(client: pg.ClientBase, statement: NamedStatement, params: Readonly<Record<string, unknown>>): string {
  const values = bindParameters(statement, params);
  return statement.sql.replace(/\$(\d+)/g, (_, index: string) => {
    const value = values[Number(index) - 1];
    if (value === null) return 'NULL';
    if (typeof value === 'string') return client.escapeLiteral(value);
    // Parenthesised, so a negative value after an operator can never read as a `--` comment.
    if (typeof value === 'number' && Number.isFinite(value)) return `(${value})`;
    if (typeof value === 'bigint') return `(${value})`;
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    throw new TypeError(`read model statement: cannot write ${typeof value} as a literal`);
  });
}

/** The rows of each statement, run in order as one simple-protocol query (one round trip). */
async function multiQuery(client: pg.ClientBase, statements: readonly string[]): Promise<Array<Array<Record<string, unknown>>>> {
  if (statements.length === 0) return [];
  const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
  return (Array.isArray(results) ? results : [results]).map((result) => result.rows as Array<Record<string, unknown>>);
}

/**
 * The read models in PostgreSQL, through `pool` (the store's): tables created by versioned
 * migrations. Several server processes share the tables, so a batch runs under a
 * transaction-level advisory lock on the checkpoint's name and skips what the checkpoint
 * already covers: each event is applied once, whichever process gets there first.
 */
export async function openPostgresReadModels(pool: pg.Pool): Promise<ReadModelBackend> {
  const client = await pool.connect();
  try {
    await migratePostgresSchema(client, 'read-models', postgresReadModelMigrations);
  } finally {
    client.release();
  }
  const statements = readModelStatements.postgres;
  const execute = <R>(on: pg.Pool | pg.PoolClient, statement: NamedStatement, params: Readonly<Record<string, unknown>>) =>
    on.query({ text: statement.sql, values: bindParameters(statement, params), types: numericTypes }).then((result) => result.rows as R[]);

  /**
   * A transaction under the checkpoint's advisory lock that ends by announcing the checkpoint the
   * body returns (NOTIFY is delivered at COMMIT, to every process that follows the read models).
   */
  const inTransaction = async (name: string, body: (client: pg.PoolClient) => Promise<number>): Promise<number> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`stepstone-read-models:${name}`]);
      const checkpoint = await body(client);
      // One round trip for both (the simple protocol runs the two statements in order).
      await client.query(`SELECT pg_notify('${CHECKPOINT_CHANNEL}', ${client.escapeLiteral(`${checkpoint} ${name}`)}); COMMIT`);
      return checkpoint;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    dialect: 'postgres',
    async checkpoint(name) {
      return (await execute<{ position: number }>(pool, statements.checkpoint, { name }))[0]?.position ?? 0;
    },
    /**
     * Three round trips whatever the batch holds: (1) BEGIN, the checkpoint's lock and the
     * checkpoint; (2) the rows planning reads; (3) every write, the checkpoint, its announcement
     * and COMMIT. Each step is one simple-protocol query of several statements with the values
     * inlined as literals (inlineStatement): one statement per row cost a round trip each, most of
     * the server's CPU per event on PostgreSQL (bench/README.md).
     */
    async applyBatch(name, events) {
      const client = await pool.connect();
      try {
        const opened = await multiQuery(client, [
          'BEGIN',
          `SELECT pg_advisory_xact_lock(hashtext(${client.escapeLiteral(`stepstone-read-models:${name}`)}))`,
          inlineStatement(client, statements.checkpoint, { name }),
        ]);
        const stored = Number(opened[2][0]?.position ?? 0);
        // A batch past the checkpoint would leave a hole (the tables were reset meanwhile): apply nothing.
        const fresh = events[0].position > stored + 1 ? [] : events.filter((event) => event.position > stored);
        if (fresh.length === 0) {
          await client.query('COMMIT');
          return stored;
        }
        // Read what planning asks for first (the planner reads synchronously).
        const wanted = readsOfBatch(fresh);
        const machines = [...wanted.machines];
        const streams = [...wanted.streams];
        const read = await multiQuery(client, [
          ...machines.map((machine) => inlineStatement(client, statements.stateMachineTags, { name: machine })),
          ...streams.map((streamId) => inlineStatement(client, statements.resourceOfStream, { streamId })),
        ]);
        const tags = new Map<string, string>();
        const resources = new Map<string, string>();
        machines.forEach((machine, index) => {
          const row = read[index][0] as { tags: string } | undefined;
          if (row) tags.set(machine, row.tags);
        });
        streams.forEach((streamId, index) => {
          const row = read[machines.length + index][0] as { resource: string } | undefined;
          if (row) resources.set(streamId, row.resource);
        });
        const ops = planWrites(fresh, { tagsOf: (machine) => tags.get(machine), resourceOfStream: (streamId) => resources.get(streamId) });
        const last = fresh[fresh.length - 1].position;
        await multiQuery(client, [
          ...ops.map((op) => inlineStatement(client, statements[op.statement], op.params)),
          inlineStatement(client, statements.saveCheckpoint, { name, position: last }),
          `SELECT pg_notify('${CHECKPOINT_CHANNEL}', ${client.escapeLiteral(`${last} ${name}`)})`,
          'COMMIT',
        ]);
        return last;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    skipEvent(name, failure) {
      const { position } = failure;
      return inTransaction(name, async (client) => {
        const stored = (await execute<{ position: number }>(client, statements.checkpoint, { name }))[0]?.position ?? 0;
        if (stored !== position - 1) return stored;
        await execute(client, statements.insertFailure, failureParams(name, failure));
        await execute(client, statements.saveCheckpoint, { name, position });
        return position;
      });
    },
    async failures(name) {
      return (await execute<FailureRow>(pool, statements.failures, { name })).map(toFailure);
    },
    async reset(name) {
      await inTransaction(name, async (client) => {
        await client.query(`TRUNCATE ${READ_MODEL_TABLES.join(', ')}`);
        await execute(client, statements.clearFailures, { name });
        await execute(client, statements.saveCheckpoint, { name, position: 0 });
        return 0;
      });
    },
    async watchCheckpoint(name, onCheckpoint) {
      let closed = false;
      let listener: pg.Client | undefined;
      const stored = async () => (await execute<{ position: number }>(pool, statements.checkpoint, { name }))[0]?.position ?? 0;
      const connect = async (): Promise<void> => {
        const client = new pg.Client(pool.options);
        client.on('notification', (message) => {
          if (message.channel !== CHECKPOINT_CHANNEL || message.payload === undefined) return;
          const space = message.payload.indexOf(' ');
          if (message.payload.slice(space + 1) === name) onCheckpoint(Number(message.payload.slice(0, space)));
        });
        client.on('error', (error) => {
          if (closed) return;
          // Checkpoints announced while the connection is down are missed: reconnect, then re-read it.
          console.error('stepstone read models: lost the LISTEN connection, reconnecting:', error.message);
          void client.end().catch(() => {});
          void reconnect();
        });
        await client.connect();
        if (closed) return void (await client.end());
        listener = client;
        await client.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
        // Read after LISTEN: a checkpoint moved in between is announced as well, none is missed.
        onCheckpoint(await stored());
      };
      const reconnect = async () => {
        for (let attempt = 0; !closed; attempt += 1) {
          try {
            return await connect();
          } catch {
            await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt)));
          }
        }
      };
      await connect();
      return {
        async close() {
          closed = true;
          await listener?.end().catch(() => {});
        },
      };
    },
    query: (statement, params) => execute(pool, statement, params),
    async run<R>(compiled: CompiledQuery) {
      return (await pool.query({ text: compiled.sql, values: [...compiled.parameters], types: numericTypes })).rows as R[];
    },
    async snapshot() {
      const tables: Record<string, unknown[]> = {};
      for (const table of READ_MODEL_TABLES) {
        tables[table] = (await pool.query({ text: `SELECT * FROM ${table} ORDER BY ${SNAPSHOT_ORDER[table]}`, types: numericTypes })).rows;
      }
      return tables;
    },
    // The pool belongs to the store, which closes it.
    async close() {},
  };
}
