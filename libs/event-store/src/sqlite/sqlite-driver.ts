import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The one place that chooses the SQLite driver; everything else imports `SqliteDatabase` from here.
 *
 * better-sqlite3 12 is built on Node's C++ `ObjectWrap`, which on Node 24 registers an environment
 * cleanup hook per object and asserts, when a statement is garbage collected outside a JavaScript
 * context, that an environment is current: the process aborts (SIGABRT) at a random GC. Version
 * 13 is built on Node-API and has no such hook, but it supports Node 22 and later only (on Node
 * 20 it crashes on load). So the package carries both — 13 under the alias
 * `better-sqlite3-napi` (an optional dependency, prebuilt, nothing to compile) — and picks 13
 * wherever Node is 22 or later, 12 on Node 20. Both expose the same API and the same SQLite file
 * format.
 */
const NAPI_DRIVER = 'better-sqlite3-napi';
const CLASSIC_DRIVER = 'better-sqlite3';

const requireHere = createRequire(__filename);

function chooseDriverModule(): string {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor >= 22) {
    try {
      return requireHere.resolve(NAPI_DRIVER);
    } catch {
      // Not installed (optional dependencies skipped): fall back to the classic driver.
    }
  }
  return requireHere.resolve(CLASSIC_DRIVER);
}

/** The resolved path of the driver's entry module (a worker thread loads the same one). */
export const sqliteDriverModule: string = chooseDriverModule();

/** better-sqlite3's Database class, from whichever package was chosen above. */
export const SqliteDatabase: typeof BetterSqlite3 = requireHere(sqliteDriverModule) as typeof BetterSqlite3;
export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement<Parameters extends unknown[] = unknown[]> = BetterSqlite3.Statement<Parameters>;
