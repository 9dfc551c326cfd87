/**
 * Bounds on one evaluation, so a hostile expression fails its own execution and nothing else.
 * All are counts, not clock readings, so an evaluation fails the same way on every run.
 * - steps: JSONata node evaluations (about 1–3 million a second on one core here);
 * - depth: nested evaluations, which bounds recursion (JSONata's `stack` guardrail);
 * - sequence: items in one sequence or range (JSONata's `sequence` guardrail);
 * - items: array items produced over the whole evaluation (variable reads not counted), which
 *   bounds memory: `$a.[$a]` over a million items builds a new million-item array per item;
 * - text: characters in one string value (results past 256 KiB fail later anyway).
 */
export const JSONATA_LIMITS = { steps: 2_000_000, depth: 1_000, sequence: 1_000_000, items: 10_000_000, textLength: 4 * 1024 * 1024 } as const;

/** A bound was crossed: reported as States.QueryEvaluationError naming the bound. */
export class JsonataLimitExceeded extends Error {}
