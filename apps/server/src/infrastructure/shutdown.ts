import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';

/** How long in-flight requests may take to finish once a stop signal arrives. */
export const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Stops the server cleanly on SIGINT or SIGTERM: the port stops accepting, in-flight requests
 * finish (long polls end at once; anything still open after DRAIN_TIMEOUT_MS is cut), then the
 * runner, read models and store close, and the process exits with 0. Used instead of Nest's
 * `enableShutdownHooks`, which re-raises the signal after closing, so the exit status would say
 * "killed" even though nothing was lost. A repeated signal (a terminal's Ctrl-C reaches npm and
 * node together) does not interrupt the drain.
 *
 * Under `npm start` a SIGTERM may reach npm alone: npm 10/11 then exits at once and forwards
 * nothing, leaving the server orphaned. So the server watches the npm process that started it
 * and stops the same way when npm is gone.
 */
export function stopOnSignals(app: INestApplication, log: (line: string) => void = (line) => console.log(line)): void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`stepstone: ${reason}, finishing in-flight requests and closing the store`);
    const server = app.getHttpServer() as { closeAllConnections?: () => void };
    const cut = setTimeout(() => server.closeAllConnections?.(), DRAIN_TIMEOUT_MS);
    cut.unref();
    app.close().then(
      () => {
        clearTimeout(cut);
        log('stepstone: stopped');
        process.exitCode = 0;
        // Exit even if a stray handle stays open; unref'd, so a clean loop ends first.
        setTimeout(() => process.exit(0), 2_000).unref();
      },
      (error: unknown) => {
        console.error('stepstone: error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT received'));
  process.on('SIGTERM', () => stop('SIGTERM received'));
  const npm = npmAncestorPid();
  if (npm !== undefined) {
    const watch = setInterval(() => {
      if (!running(npm)) {
        clearInterval(watch);
        stop(`npm (pid ${npm}) exited`);
      }
    }, 500);
    watch.unref();
  }
}

/** The `npm` process this server runs under (npm → sh → node), on Linux; undefined otherwise. */
function npmAncestorPid(): number | undefined {
  if (!process.env.npm_lifecycle_event) return undefined;
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth += 1) {
    const cmdline = readProc(pid, 'cmdline');
    if (cmdline === undefined) return undefined;
    if (cmdline.split(/[\0 ]/).some((word) => /(^|\/)npm(-cli\.js)?$/.test(word))) return pid;
    const parent = parentPid(pid);
    if (parent === undefined) return undefined;
    pid = parent;
  }
  return undefined;
}

/** Alive and not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return false;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function parentPid(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last ')'.
  const ppid = stat === undefined ? Number.NaN : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
