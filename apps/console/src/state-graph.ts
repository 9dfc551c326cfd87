import type { ConsoleGraph } from './graph-view';

/**
 * The definition's graph as the console draws it. The model comes from libs/asl's
 * `buildStateGraph` (branch cli-testing) once it lands; until then the console has no graph
 * model of its own to draw from, by design (one graph model, in libs/asl).
 */
export function definitionGraph(_definition: unknown): ConsoleGraph | undefined {
  return undefined;
}
