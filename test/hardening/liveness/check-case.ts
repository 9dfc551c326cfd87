import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { parseDefinition } from '@stepstone/asl';
import { defaultCasesDir, definitionTextOf, loadCases } from '../../conformance/corpus';
import { definitionText, grammarDefinition, inputText, mutatedCorpusDefinition, OBJECTS, outputTexts } from './definitions';
import { driveExecution } from './drive-execution';

/** One case of the liveness check: a definition, its execution type, an input, and the world's answers. */
export interface LivenessCase {
  readonly origin: 'corpus' | 'grammar';
  readonly definition: unknown;
  readonly express: boolean;
  readonly input: string;
  readonly outputs: readonly string[];
  /** Seeds the world's choices (which task succeeds, fails, times out or is left). */
  readonly seed: number;
}

export type CaseVerdict =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'live'; readonly status: string; readonly error?: string; readonly decisions: number; readonly slowestMs: number }
  | { readonly kind: 'violation'; readonly problem: string; readonly trace: readonly string[] };

export const MAX_DECISIONS = 3_000;
/** No decision may hold the event loop this long: JSONata yields every few thousand steps, a JSONPath run of states is bounded by MAX_EVENTS_PER_DECISION. */
export const STALL_MS = 2_000;
/** JSONata's own limits (libs/asl/src/jsonata) stop a runaway expression well before this. */
export const MAX_DECISION_MS = 30_000;
/** Wall time per case (STEPSTONE_LIVENESS_CASE_SECONDS): a run cut short counts as UNFINISHED, not as a failure. */
export const CASE_BUDGET_MS = (Number(process.env.STEPSTONE_LIVENESS_CASE_SECONDS) || 3) * 1000;

/** The corpus's definitions that AWS ran or accepted, with runtime ARNs resolved. */
export function corpusDefinitions(): unknown[] {
  const dir = defaultCasesDir();
  if (!existsSync(dir)) return [];
  return loadCases(dir)
    .filter((testCase) => testCase.definition !== undefined && typeof testCase.definition === 'object' && (testCase.kind === 'execution' || testCase.expected?.result === 'OK'))
    .map((testCase) => JSON.parse(definitionTextOf(testCase)) as unknown);
}

export function livenessCases(corpus: readonly unknown[]): fc.Arbitrary<LivenessCase> {
  const grammar = grammarDefinition.map((definition) => ({ origin: 'grammar' as const, definition }));
  const definitions = corpus.length > 0 ? fc.oneof(mutatedCorpusDefinition(corpus).map((definition) => ({ origin: 'corpus' as const, definition })), grammar) : grammar;
  return fc
    .tuple(definitions, fc.boolean(), inputText, outputTexts, fc.integer())
    .map(([{ origin, definition }, express, input, outputs, seed]) => ({ origin, definition, express, input, outputs, seed }));
}

/** A small seeded generator (mulberry32): the world's choices reproduce from the case. */
export function seededRandom(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let t = value;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The validator must answer (never throw); a valid definition's execution must be live. */
export async function checkCase(testCase: LivenessCase): Promise<CaseVerdict> {
  const text = definitionText(testCase.definition);
  const type = testCase.express ? 'EXPRESS' : 'STANDARD';
  let parsed: ReturnType<typeof parseDefinition>;
  try {
    parsed = parseDefinition(text, { stateMachineType: type });
  } catch (error) {
    return { kind: 'violation', problem: `the validator threw: ${error instanceof Error ? error.stack?.split('\n').slice(0, 6).join('\n') : String(error)}`, trace: [] };
  }
  if (!parsed.ok) return { kind: 'invalid' };
  const run = await driveExecution({
    definition: text,
    input: testCase.input,
    executionType: type,
    random: seededRandom(testCase.seed),
    outputs: testCase.outputs,
    maxDecisions: MAX_DECISIONS,
    stallMs: STALL_MS,
    maxDecisionMs: MAX_DECISION_MS,
    caseBudgetMs: CASE_BUDGET_MS,
    objects: OBJECTS,
  });
  if (!run.live) return { kind: 'violation', problem: run.problem, trace: run.trace };
  return { kind: 'live', status: run.status, error: run.error, decisions: run.decisions, slowestMs: run.slowestMs };
}

export function shorten(text: string, length = 600): string {
  return text.length > length ? `${text.slice(0, length)}… (${text.length} chars)` : text;
}

export function describeCase(testCase: LivenessCase): string {
  return [
    `${testCase.origin} ${testCase.express ? 'EXPRESS' : 'STANDARD'} definition ${shorten(definitionText(testCase.definition), 1500)}`,
    `input ${shorten(testCase.input)}`,
    `outputs ${shorten(JSON.stringify(testCase.outputs))}`,
    `world seed ${testCase.seed}`,
  ].join('\n  ');
}
