import { readFileSync } from 'node:fs';
import { hasErrors, parseDefinition, type Diagnostic } from '@stepstone/asl';
import { ExitCode, parseCommandLine, UsageError, withUsage } from '../cli-support';

const USAGE = 'validate <definition.json>... [--type STANDARD|EXPRESS] [--json]';

const HELP = `Usage: stepstone ${USAGE}

Checks each definition as ValidateStateMachineDefinition does and prints its diagnostics
(severity, code, location, message). Exit 1 when any file has an ERROR.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return ExitCode.ok;
  }
  return withUsage(USAGE, async () => {
    const { values, positionals } = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: { type: { type: 'string', default: 'STANDARD' }, json: { type: 'boolean', default: false } },
    });
    if (positionals.length === 0) throw new UsageError('stepstone validate: give at least one definition file');
    if (values.type !== 'STANDARD' && values.type !== 'EXPRESS') throw new UsageError(`--type must be STANDARD or EXPRESS, got '${values.type}'`);
    const reports = positionals.map((file) => ({ file, diagnostics: diagnosticsOf(file, values.type as 'STANDARD' | 'EXPRESS') }));
    const failed = reports.some((report) => hasErrors(report.diagnostics));
    if (values.json) {
      console.log(JSON.stringify(reports.map((report) => ({ ...report, result: hasErrors(report.diagnostics) ? 'FAIL' : 'OK' })), null, 2));
    } else {
      for (const { file, diagnostics } of reports) {
        console.log(`${file}: ${hasErrors(diagnostics) ? 'FAIL' : 'OK'}`);
        for (const d of diagnostics) console.log(`  ${d.severity} ${d.code}${d.location ? ` at ${d.location}` : ''}: ${d.message}`);
      }
    }
    return failed ? ExitCode.failed : ExitCode.ok;
  });
}

function diagnosticsOf(file: string, stateMachineType: 'STANDARD' | 'EXPRESS'): readonly Diagnostic[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`stepstone validate: cannot read '${file}': ${(error as Error).message}`);
  }
  // The same reading as CreateStateMachine's: an empty file or a JSON syntax error in AWS's words.
  return parseDefinition(text, { stateMachineType }).diagnostics;
}
