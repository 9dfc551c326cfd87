import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDefinition } from '@stepstone/asl';
import { checkCase, corpusDefinitions, describeCase, livenessCases, MAX_DECISIONS } from './liveness/check-case';

/**
 * Liveness, property-based (fast-check), on the engine in process: no definition the validator
 * accepts, and no input, leaves an execution RUNNING for good or lets an exception escape a
 * decision. Definitions are conformance-corpus definitions with one to three fields mutated
 * (paths, intrinsics, JSONata, wrong types, extreme numbers) and small ones built from a grammar
 * of states; inputs and task results are random, extreme, big or deeply nested. For each:
 *   - the validator answers (valid, or diagnostics) and never throws;
 *   - a valid one, driven by liveness/drive-execution.ts (tasks answered, failed, timed out or
 *     left; timers fired on a virtual clock; sometimes stopped or redriven), closes within
 *     MAX_DECISIONS decisions with a well-formed history that evolve folds to the same state;
 *     no decision throws or stalls the event loop (STALL_MS), and while the execution runs it
 *     always waits on something that, fired, moves it on.
 *
 * Fixed seed and a few seconds by default. Longer or different runs:
 *   STEPSTONE_LIVENESS_SECONDS=600 STEPSTONE_LIVENESS_SEED=7 node --import tsx --test test/hardening/liveness.spec.ts
 * A failure prints fast-check's seed and path, which reproduce it with the same two variables.
 */

const SEED = Number(process.env.STEPSTONE_LIVENESS_SEED ?? 17);
const BUDGET_MS = (Number(process.env.STEPSTONE_LIVENESS_SECONDS) || 6) * 1000;

describe('liveness: every valid definition and input ends its execution (fast-check)', () => {
  it(`closes every execution within ${MAX_DECISIONS} decisions, or waits on what ends it, and never throws out of a decision`, async () => {
    const tried = { valid: 0, invalid: 0, byStatus: new Map<string, number>(), decisions: 0, slowestMs: 0 };
    const result = await fc.check(
      fc.asyncProperty(livenessCases(corpusDefinitions()), async (testCase) => {
        const verdict = await checkCase(testCase);
        if (verdict.kind === 'violation') throw new Error(`${verdict.problem}\n  last commands:\n    ${verdict.trace.join('\n    ')}`);
        if (verdict.kind === 'invalid') {
          tried.invalid += 1;
          return;
        }
        tried.valid += 1;
        tried.byStatus.set(verdict.status, (tried.byStatus.get(verdict.status) ?? 0) + 1);
        tried.decisions += verdict.decisions;
        tried.slowestMs = Math.max(tried.slowestMs, verdict.slowestMs);
      }),
      { seed: SEED, numRuns: 1_000_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false, endOnFailure: true },
    );
    const statuses = [...tried.byStatus].map(([status, count]) => `${status}×${count}`).join(', ');
    console.log(`liveness: seed ${SEED}, ${tried.valid} valid definitions run (${statuses}; ${tried.decisions} decisions, slowest ${Math.round(tried.slowestMs)} ms), ${tried.invalid} refused by the validator`);
    if (result.failed) {
      const shown = result.counterexample ? describeCase(result.counterexample[0]) : '(none)';
      const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      assert.fail(`liveness failed (STEPSTONE_LIVENESS_SEED=${result.seed}, path "${result.counterexamplePath ?? ''}"):\n  ${shown}\n  ${cause.slice(0, 3000)}`);
    }
    assert.ok(tried.valid >= 20, `only ${tried.valid} valid definitions in the budget`);
  });

  it('answers any JSON document as a definition, valid or with diagnostics, and never throws', () => {
    const shapes = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }),
      fc.record({ StartAt: fc.jsonValue({ maxDepth: 1 }), States: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 3 }) }),
      fc.record({ StartAt: fc.constant('S'), States: fc.record({ S: fc.dictionary(fc.constantFrom('Type', 'Next', 'End', 'Choices', 'Branches', 'ItemProcessor', 'Retry', 'Catch', 'Parameters', 'Arguments', 'Output', 'Assign', 'Items', 'Seconds', 'Resource'), fc.jsonValue({ maxDepth: 4 })) }) }),
    );
    fc.assert(
      fc.property(shapes, fc.constantFrom<'STANDARD' | 'EXPRESS'>('STANDARD', 'EXPRESS'), (definition, type) => {
        const parsed = parseDefinition(JSON.stringify(definition), { stateMachineType: type });
        assert.ok(parsed.ok || parsed.diagnostics.length > 0);
      }),
      { seed: SEED, numRuns: 1_000_000, interruptAfterTimeLimit: Math.min(BUDGET_MS, 2_000), markInterruptAsFailure: false },
    );
  });
});
