import { ExitCode } from '../cli-support';

const HELP = `Usage: stepstone serve

Starts the Stepstone server (the AWS Step Functions API on STEPSTONE_PORT, default 8083).
Configuration comes from the environment: see the README's Configuration section.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return ExitCode.ok;
  }
  // The server's entry point starts it on import and keeps the process alive.
  await import('../../../server/src/main.js');
  return ExitCode.ok;
}
