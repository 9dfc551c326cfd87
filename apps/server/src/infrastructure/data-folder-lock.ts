import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StoreUnavailableError } from '@stepstone/event-store';

const LOCK_FILE = 'stepstone.lock';

/**
 * One server per SQLite data folder: a second one would run every execution's timers and tasks
 * a second time (optimistic concurrency keeps the history right, but the work is done twice).
 * The lock file holds the owner's pid; it is created exclusively (`wx`), removed at exit, and
 * taken over when its pid is no longer alive (a process killed with SIGKILL leaves it behind).
 * The `stepstone` commands do not take it: verify, audit and replay may run beside the server.
 * Several processes on one store is what the postgres store is for.
 */
export function lockDataFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      process.once('exit', () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new StoreUnavailableError(
          `another stepstone server (pid ${owner}) already uses the data folder ${dataDir}; stop it, or use STEPSTONE_STORE=postgres to run several`,
        );
      }
      unlinkSync(file); // stale: its owner is gone
    }
  }
  throw new StoreUnavailableError(`could not lock the data folder ${dataDir} (${file})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
