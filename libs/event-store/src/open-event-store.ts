import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventStore } from './event-store';
import { openKurrentDbEventStore } from './kurrentdb/kurrentdb-event-store';
import type { Announcements } from './postgres/postgres-announcements';
import { openPostgresEventStore } from './postgres/postgres-event-store';
import { openSqliteEventStore } from './sqlite/sqlite-event-store';

/** The stores a server (or the CLI) can run on: `STEPSTONE_STORE`. */
export const StoreKind = { sqlite: 'sqlite', postgres: 'postgres', kurrentdb: 'kurrentdb' } as const;
export type StoreKind = (typeof StoreKind)[keyof typeof StoreKind];

export type StoreSelection =
  | { readonly kind: 'sqlite'; readonly file: string; readonly backgroundCheckpointMs?: number }
  | { readonly kind: 'postgres'; readonly url: string; readonly announcements?: Announcements }
  | { readonly kind: 'kurrentdb'; readonly connectionString: string; readonly postgresUrl: string };

/** Raised when the selected store cannot be opened: its message is one line, fit to print as is. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/**
 * Reads `STEPSTONE_STORE` (default sqlite), `STEPSTONE_POSTGRES_URL` and
 * `KURRENTDB_CONNECTION_STRING`. Throws StoreUnavailableError naming the variable at fault.
 */
export function storeSelectionFromEnv(env: NodeJS.ProcessEnv, sqliteFile: string): StoreSelection {
  const kind = env.STEPSTONE_STORE || StoreKind.sqlite;
  switch (kind) {
    case StoreKind.sqlite:
      return { kind, file: sqliteFile };
    case StoreKind.postgres: {
      const url = env.STEPSTONE_POSTGRES_URL;
      if (!url) throw new StoreUnavailableError('STEPSTONE_STORE=postgres needs STEPSTONE_POSTGRES_URL (e.g. postgres://user:password@127.0.0.1:5432/stepstone)');
      if (!/^postgres(ql)?:\/\/[^/\s]/.test(url)) {
        throw new StoreUnavailableError(`STEPSTONE_POSTGRES_URL must be a postgres:// or postgresql:// URL, got '${redactUrl(url)}'`);
      }
      return { kind, url };
    }
    case StoreKind.kurrentdb: {
      const connectionString = env.KURRENTDB_CONNECTION_STRING;
      if (!connectionString) throw new StoreUnavailableError('STEPSTONE_STORE=kurrentdb needs KURRENTDB_CONNECTION_STRING (e.g. kurrentdb://127.0.0.1:2113?tls=false)');
      // The position index, read models and leases live in PostgreSQL (kurrentdb-event-store.ts).
      const postgresUrl = env.STEPSTONE_POSTGRES_URL;
      if (!postgresUrl) {
        throw new StoreUnavailableError('STEPSTONE_STORE=kurrentdb also needs STEPSTONE_POSTGRES_URL (the position index and read models live in PostgreSQL)');
      }
      if (!/^postgres(ql)?:\/\/[^/\s]/.test(postgresUrl)) {
        throw new StoreUnavailableError(`STEPSTONE_POSTGRES_URL must be a postgres:// or postgresql:// URL, got '${redactUrl(postgresUrl)}'`);
      }
      return { kind, connectionString, postgresUrl };
    }
    default:
      throw new StoreUnavailableError(`STEPSTONE_STORE must be 'sqlite', 'postgres' or 'kurrentdb', got '${kind}'`);
  }
}

/** Opens the selected store; a store that cannot be reached is a StoreUnavailableError, never a hang. */
export async function openEventStore(selection: StoreSelection): Promise<EventStore> {
  switch (selection.kind) {
    case 'sqlite':
      try {
        mkdirSync(dirname(selection.file), { recursive: true });
        return openSqliteEventStore({
          file: selection.file,
          ...(selection.backgroundCheckpointMs !== undefined ? { backgroundCheckpointMs: selection.backgroundCheckpointMs } : {}),
        });
      } catch (error) {
        throw new StoreUnavailableError(`cannot open the sqlite store ${selection.file}: ${messageOf(error)}`);
      }
    case 'postgres':
      try {
        return await openPostgresEventStore({
          connectionString: selection.url,
          ...(selection.announcements ? { announcements: selection.announcements } : {}),
        });
      } catch (error) {
        throw new StoreUnavailableError(`cannot open the postgres store at ${redactUrl(selection.url)}: ${messageOf(error)}`);
      }
    case 'kurrentdb':
      try {
        return await openKurrentDbEventStore({ connectionString: selection.connectionString, postgresUrl: selection.postgresUrl });
      } catch (error) {
        throw new StoreUnavailableError(`cannot open the kurrentdb store at ${redactUrl(selection.connectionString)}: ${messageOf(error)}`);
      }
  }
}

/** What a log line may say about the store: kind and place, never a password. */
export function describeStoreSelection(selection: StoreSelection): string {
  switch (selection.kind) {
    case 'sqlite':
      return `sqlite ${selection.file}`;
    case 'postgres':
      return `postgres ${redactUrl(selection.url)}`;
    case 'kurrentdb':
      return `kurrentdb ${redactUrl(selection.connectionString)}, index and read models on postgres ${redactUrl(selection.postgresUrl)}`;
  }
}

/** The URL without its password (and without its query string, which may carry one). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/\s]*@/, ':***@').replace(/\?.*$/, '');
  }
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  // AggregateError (e.g. both IPv4 and IPv6 refused) has an empty message: name its parts.
  const parts = error instanceof AggregateError ? error.errors.map(messageOf).join('; ') : '';
  return (parts || text || 'unknown error').replace(/\s+/g, ' ').trim();
}
