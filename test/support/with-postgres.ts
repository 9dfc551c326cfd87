// `node --import tsx test/support/with-postgres.ts <command> [args...]`: starts a private
// PostgreSQL cluster on 127.0.0.1 (test/support/postgres.ts), runs the command with
// STEPSTONE_TEST_POSTGRES_URL set to it, then stops the cluster and removes its directory,
// whether the command passed, failed or this wrapper was interrupted. Exits with the command's code.
import { spawn } from 'node:child_process';
import { startPostgresCluster, TEST_POSTGRES_URL_ENV } from './postgres';

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: with-postgres.ts <command> [args...]');
    return 2;
  }
  const cluster = await startPostgresCluster();
  console.log(`private PostgreSQL on 127.0.0.1:${cluster.port}`);
  try {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, [TEST_POSTGRES_URL_ENV]: cluster.url } });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return await new Promise<number>((resolve) => {
      child.once('error', (error) => {
        console.error(String(error));
        resolve(1);
      });
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
