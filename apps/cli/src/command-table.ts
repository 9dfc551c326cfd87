import { readFileSync } from 'node:fs';

/**
 * The `stepstone` subcommands. Each lives in `commands/<name>.command.ts` and exports
 * `run(argv): Promise<number>` (the exit code); modules load lazily so one command's
 * dependencies never slow another down. The loaders are literal `import()`s so that the
 * runtime bundle (scripts/build-runtime.mjs) holds every command.
 */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

export interface CommandEntry {
  readonly usage: string;
  readonly summary: string;
  /** Loads the command's module. */
  readonly load: () => Promise<Partial<CommandModule>>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  serve: {
    usage: 'serve',
    summary: 'start the server (the AWS Step Functions API; what `npm start` runs)',
    load: () => import('./commands/serve.command.js'),
  },
  run: {
    usage: 'run <definition.json> [--input FILE|JSON] [--mock-config FILE --test-case NAME] [--functions FILE] [--store DIR] [--json]',
    summary: 'run a definition in this process, no server, showing each state as it runs',
    load: () => import('./commands/run.command.js'),
  },
  validate: {
    usage: 'validate <definition.json>... [--json]',
    summary: "check definitions with AWS's diagnostics (exit 1 on errors)",
    load: () => import('./commands/validate.command.js'),
  },
  graph: {
    usage: 'graph <definition.json> [--format mermaid|dot|json]',
    summary: 'print the state machine as Mermaid or DOT text',
    load: () => import('./commands/graph.command.js'),
  },
  history: {
    usage: 'history <executionArn> [--endpoint URL | --data DIR] [--json]',
    summary: "print an execution's history events (from a server or a store folder)",
    load: () => import('./commands/history.command.js'),
  },
  timeline: {
    usage: 'timeline <executionArn> [--endpoint URL | --data DIR] [--json]',
    summary: 'print each state an execution entered, with its duration',
    load: () => import('./commands/timeline.command.js'),
  },
  verify: {
    usage: 'verify [executionArn | stateMachineArn ... | --all] [--json]',
    summary: 'recompute the hash chains and report the first broken link (exit 1)',
    load: () => import('./commands/verify.command.js'),
  },
  audit: {
    usage: 'audit [--since T] [--until T] [--actor A] [--resource ARN] [--action NAME] [--limit N] [--json] [--endpoint URL]',
    summary: 'who created, updated, deleted, started, stopped, redrove what and when',
    load: () => import('./commands/audit.command.js'),
  },
  replay: {
    usage: 'replay <executionArn> [--to EVENT_ID] [--json]',
    summary: 'rebuild an execution from its events and print it step by step',
    load: () => import('./commands/replay.command.js'),
  },
  projections: {
    usage: 'projections rebuild | status',
    summary: 'drop and rebuild every read model from position zero (or show its checkpoint)',
    load: () => import('./commands/projections.command.js'),
  },
  worker: {
    usage: 'worker ...',
    summary: 'run an activity worker (see `stepstone worker --help`)',
    load: () => import('./commands/worker.command.js'),
  },
};

export async function loadCommand(name: string, entry: CommandEntry): Promise<CommandModule> {
  const loaded = await entry.load();
  if (typeof loaded.run !== 'function') throw new Error(`stepstone ${name}: the command's module exports no run()`);
  return loaded as CommandModule;
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  // Through the package's own name: the same file from the sources and from the runtime bundle (dist/).
  const manifest = JSON.parse(readFileSync(require.resolve('stepstone/package.json'), 'utf8')) as { version: string };
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
  const command = await loadCommand(name, entry);
  return await command.run(rest);
}
