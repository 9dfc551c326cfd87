import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { openEventStore, storeSelectionFromEnv, StoreUnavailableError, type EventStore } from '@stepstone/event-store';
import { parseArn } from '@stepstone/asl';

/** A user mistake on the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes: 0 fine, 1 the check failed (broken chain, unknown execution), 2 bad usage. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** parseArgs (strict) with its errors turned into UsageError (its messages name the option). */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The folder the server uses (apps/server/src/config.ts): --data, else $STEPSTONE_DATA, else ./data. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.STEPSTONE_DATA || './data');
}

/**
 * Opens the store the server uses: `STEPSTONE_STORE` (default sqlite) as the server reads it.
 * For SQLite, refuses a folder without a database file rather than creating an empty store there
 * (a mistyped --data would otherwise verify an empty store as intact).
 */
export async function openDataStore(dataFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<EventStore> {
  const dataDir = resolveDataDir(dataFlag, env);
  const file = path.join(dataDir, 'stepstone.db');
  const selection = storeSelectionFromEnv(env, file);
  if (selection.kind === 'sqlite' && !existsSync(file)) {
    throw new UsageError(`No Stepstone data in '${dataDir}' (${file} does not exist); pass --data DIR or set STEPSTONE_DATA`);
  }
  if (selection.kind !== 'sqlite') return openEventStore(selection);
  try {
    return await openEventStore(selection);
  } catch (error) {
    throw new UnreadableStoreError(file, error);
  }
}

/** The store file cannot be read as a Stepstone database (corrupt, truncated, not SQLite). */
export class UnreadableStoreError extends Error {
  constructor(file: string, cause: unknown) {
    super(`${file} cannot be read as a Stepstone store: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'UnreadableStoreError';
  }
}

/** Runs a command body, turning UsageError into its message and exit code 2. */
export async function withUsage(usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\nUsage: stepstone ${usage}`);
      return ExitCode.usage;
    }
    if (error instanceof StoreUnavailableError) {
      console.error(`stepstone: ${error.message}`);
      return ExitCode.failed;
    }
    throw error;
  }
}

/** `arn:aws:states:<region>:<account>:<kind>:<name>[:<rest>]` → kind and the parts after it. */
export function parseStatesArn(arn: string): { kind: string; parts: string[] } | undefined {
  const fields = parseArn(arn);
  if (!fields || fields.service !== 'states') return undefined;
  const [kind, ...parts] = fields.resource.split(':');
  return parts.length > 0 ? { kind, parts } : undefined;
}

/** A fixed-width text table. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => row[index]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
