import { Worker } from 'node:worker_threads';
import { sqliteDriverModule } from './sqlite-driver';

/**
 * Checkpoints a WAL database from a worker thread, on its own connection, so that the thread
 * that appends never does. SQLite's automatic checkpoint runs inside the COMMIT that crosses
 * 1,000 WAL pages: it copies the pages back into the database file and fsyncs it, on the
 * committing thread. Under steady load that stalled the server's event loop for 5–16 ms several
 * times a second (every request waiting behind it: most of StartExecution's p99).
 *
 * A PASSIVE checkpoint copies what it can without waiting for readers or writers, so the
 * appender goes on meanwhile; once everything is copied, SQLite restarts the WAL from its
 * beginning at the next write, which keeps the file bounded as the automatic checkpoint did.
 */
export interface WalCheckpointer {
  /** Stops the worker (its connection closes; the last connection to close checkpoints the rest). */
  stop(): Promise<void>;
}

/** The worker's code: plain CommonJS, so it runs without the TypeScript loader. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqliteModule);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Starts checkpointing `file` every `intervalMs` from a worker thread. `onError` hears of a
 * checkpoint that failed (the caller may fall back to automatic checkpoints); the worker keeps
 * trying at the next interval.
 */
export function startWalCheckpointer(file: string, intervalMs: number, onError: (error: unknown) => void): WalCheckpointer {
  const sqliteModule = sqliteDriverModule;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs, sqliteModule } });
  worker.on('message', (message: { error?: string }) => {
    if (message.error) onError(new Error(`WAL checkpoint: ${message.error}`));
  });
  worker.on('error', onError);
  // Never what keeps a process alive; after the listeners, since a 'message' listener refs it again.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.ref(); // held until it has closed its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}
