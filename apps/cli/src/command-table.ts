import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The `stepstone` subcommands. Each lives in `commands/<name>.command.ts` and exports
 * `run(argv): Promise<number>` (the exit code); modules load lazily so one command's
 * dependencies never slow another down, and a command whose module is missing from a build
 * says so instead of crashing.
 */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

export interface CommandEntry {
  readonly usage: string;
  readonly summary: string;
  /** Module specifier relative to this file. */
  readonly module: string;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  serve: {
    usage: 'serve',
    summary: 'start the server (the AWS Step Functions API; what `npm start` runs)',
    module: './commands/serve.command',
  },
  run: {
    usage: 'run <definition.json> [--input FILE|JSON] [--mock-config FILE --test-case NAME] [--functions FILE] [--store DIR] [--json]',
    summary: 'run a definition in this process, no server, showing each state as it runs',
    module: './commands/run.command',
  },
  validate: {
    usage: 'validate <definition.json>... [--json]',
    summary: "check definitions with AWS's diagnostics (exit 1 on errors)",
    module: './commands/validate.command',
  },
  graph: {
    usage: 'graph <definition.json> [--format mermaid|dot|json]',
    summary: 'print the state machine as Mermaid or DOT text',
    module: './commands/graph.command',
  },
  history: {
    usage: 'history <executionArn> [--endpoint URL | --data DIR] [--json]',
    summary: "print an execution's history events (from a server or a store folder)",
    module: './commands/history.command',
  },
  timeline: {
    usage: 'timeline <executionArn> [--endpoint URL | --data DIR] [--json]',
    summary: 'print each state an execution entered, with its duration',
    module: './commands/timeline.command',
  },
  verify: {
    usage: 'verify [executionArn | stateMachineArn ... | --all] [--json]',
    summary: 'recompute the hash chains and report the first broken link (exit 1)',
    module: './commands/verify.command',
  },
  audit: {
    usage: 'audit [--since T] [--until T] [--actor A] [--resource ARN] [--action NAME] [--limit N] [--json] [--endpoint URL]',
    summary: 'who created, updated, deleted, started, stopped, redrove what and when',
    module: './commands/audit.command',
  },
  replay: {
    usage: 'replay <executionArn> [--to EVENT_ID] [--json]',
    summary: 'rebuild an execution from its events and print it step by step',
    module: './commands/replay.command',
  },
  projections: {
    usage: 'projections rebuild | status',
    summary: 'drop and rebuild every read model from position zero (or show its checkpoint)',
    module: './commands/projections.command',
  },
  worker: {
    usage: 'worker ...',
    summary: 'run an activity worker (see `stepstone worker --help`)',
    module: './commands/worker.command',
  },
};

/** The command's module is not part of this build. */
export class CommandUnavailableError extends Error {
  constructor(
    readonly command: string,
    readonly module: string,
  ) {
    super(`stepstone ${command}: this build does not include the command (module ${module} is missing)`);
    this.name = 'CommandUnavailableError';
  }
}

export async function loadCommand(name: string, entry: CommandEntry): Promise<CommandModule> {
  let loaded: Partial<CommandModule>;
  try {
    // A variable specifier: the compiler does not insist the module exists (worker may not).
    const specifier: string = entry.module;
    loaded = (await import(specifier)) as Partial<CommandModule>;
  } catch (error) {
    if (isModuleNotFound(error, entry.module)) throw new CommandUnavailableError(name, entry.module);
    throw error;
  }
  if (typeof loaded.run !== 'function') throw new CommandUnavailableError(name, entry.module);
  return loaded as CommandModule;
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  const base = specifier.replace(/^\.\//, '').replace(/^commands\//, '');
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(base);
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = [
    'Usage: stepstone <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`),
    '',
    'Commands that read the store take --data DIR (default: $STEPSTONE_DATA, else ./data),',
    'the folder holding the server\'s stepstone.db. `stepstone <command> --help` shows its options.',
  ];
  return lines.join('\n');
}

/** Dispatches `argv` (without node and the script) to its command; returns the exit code. */
export async function runCli(argv: readonly string[], io: { out: (text: string) => void; err: (text: string) => void }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.out(packageVersion());
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`stepstone: unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  try {
    const command = await loadCommand(name, entry);
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CommandUnavailableError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}
