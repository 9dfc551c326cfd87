import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One recorded AWS case (../shared/conformance/README.md explains the fields). */
export interface ConformanceCase {
  readonly id: string;
  readonly area: string;
  readonly kind: 'execution' | 'validation';
  readonly file: string;
  /** Where the case came from; `aws_validated_date` is when AWS produced the recording. */
  readonly source?: { readonly aws_validated_date?: string; readonly [key: string]: unknown };
  readonly definition?: unknown;
  readonly definition_raw?: string;
  readonly input?: unknown;
  readonly input_raw?: string;
  readonly state_machine_type?: 'STANDARD' | 'EXPRESS';
  readonly expected: Record<string, any>;
  readonly history?: Array<Record<string, any>>;
  readonly history_event_types?: string[];
  readonly service_calls?: Array<Record<string, any>>;
  readonly fixtures?: Record<string, any>;
  readonly unresolved_in_definition?: string[];
}

export function defaultCasesDir(): string {
  return join(__dirname, '..', '..', '..', 'shared', 'conformance');
}

export function loadCases(dir: string, area?: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const folder of readdirSync(dir).sort()) {
    const path = join(dir, folder);
    if (!statSync(path).isDirectory() || (area && folder !== area)) continue;
    for (const file of readdirSync(path).sort()) {
      if (!file.endsWith('.json')) continue;
      const data = JSON.parse(readFileSync(join(path, file), 'utf8')) as ConformanceCase;
      cases.push({ ...data, area: data.area ?? folder, file: join(folder, file) });
    }
  }
  return cases;
}

/**
 * The definition text a case registers. Runtime ARNs recorded as `__UNRESOLVED<...>__` are
 * mapped to resources this harness registers (README: "map it to a resource the test
 * registers"): a Lambda function, an activity, a queue... by what the marker says it came from.
 */
export function definitionTextOf(testCase: ConformanceCase): string {
  let text = testCase.definition_raw ?? JSON.stringify(testCase.definition);
  text = text.replace(/__UNRESOLVED<([^>]*)>__/g, (_whole, inner: string) => resolveMarker(inner));
  return text.replace(/<partition>/g, 'aws').replace(/<region>/g, 'us-east-1');
}

function resolveMarker(inner: string): string {
  const lower = inner.toLowerCase();
  if (lower.includes('lambda')) return 'arn:aws:lambda:us-east-1:111111111111:function:lambda_function_name';
  if (lower.includes('activity')) return 'arn:aws:states:us-east-1:111111111111:activity:activity_name';
  if (lower.includes('queue')) return 'https://sqs.us-east-1.amazonaws.com/111111111111/queue_name';
  if (lower.includes('topic')) return 'arn:aws:sns:us-east-1:111111111111:topic_name';
  if (lower.includes('state_machine') || lower.includes('statemachine')) return 'arn:aws:states:us-east-1:111111111111:stateMachine:state_machine_name';
  if (lower.includes('table')) return 'table_name';
  // Recorded inputs name the test's bucket by the tooling's token for it, 'bucket-name'.
  if (lower.includes('bucket')) return 'bucket-name';
  return 'resolved_resource';
}

/** A fixture's name (a bucket, a key) with runtime markers mapped as in definitions. */
export function resolveFixtureName(text: string): string {
  return text.replace(/__UNRESOLVED<([^>]*)>__/g, (_whole, inner: string) => resolveMarker(inner));
}

export function inputTextOf(testCase: ConformanceCase): string {
  if (typeof testCase.input_raw === 'string') return testCase.input_raw;
  return JSON.stringify(testCase.input ?? {});
}
