import type { INestApplication } from '@nestjs/common';

/** How long in-flight requests may take to finish once a stop signal arrives. */
export const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Stops the server cleanly on SIGINT or SIGTERM: the port stops accepting, in-flight requests
 * finish (long polls end at once; anything still open after DRAIN_TIMEOUT_MS is cut), then the
 * runner, read models and store close, and the process exits with 0. Used instead of Nest's
 * `enableShutdownHooks`, which re-raises the signal after closing, so the exit status would say
 * "killed" even though nothing was lost. A repeated signal (a terminal's Ctrl-C reaches npm and
 * node together, and npm forwards it again) does not interrupt the drain.
 */
export function stopOnSignals(app: INestApplication, log: (line: string) => void = (line) => console.log(line)): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`stepstone: ${signal} received, finishing in-flight requests and closing the store`);
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
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
