import { readFileSync } from 'node:fs';
import { buildStateGraph, parseDefinition } from '@stepstone/asl';
import { ExitCode, parseCommandLine, UsageError, withUsage } from '../cli-support';
import { toDot, toMermaid } from '../graph-text';

const USAGE = 'graph <definition.json> [--format mermaid|dot|json]';

const HELP = `Usage: stepstone ${USAGE}

Prints the state machine as a graph: Mermaid (default) or Graphviz DOT text, or --format json
for the nodes, edges and groups. Parallel branches and Map processors are subgraphs; Choice
edges carry their rule, Catch and Retry edges their errors.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return ExitCode.ok;
  }
  return withUsage(USAGE, async () => {
    const { values, positionals } = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'mermaid' }, json: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) throw new UsageError('stepstone graph: give exactly one definition file');
    const format = values.json ? 'json' : values.format;
    if (format !== 'mermaid' && format !== 'dot' && format !== 'json') throw new UsageError(`--format must be mermaid, dot or json, got '${format}'`);
    let text: string;
    try {
      text = readFileSync(positionals[0], 'utf8');
    } catch (error) {
      throw new UsageError(`stepstone graph: cannot read '${positionals[0]}': ${(error as Error).message}`);
    }
    const parsed = parseDefinition(text);
    if (!parsed.ok) {
      console.error(`InvalidDefinition: ${parsed.message}`);
      return ExitCode.failed;
    }
    const graph = buildStateGraph(parsed.definition);
    console.log(format === 'json' ? JSON.stringify(graph, null, 2) : format === 'dot' ? toDot(graph) : toMermaid(graph));
    return ExitCode.ok;
  });
}
