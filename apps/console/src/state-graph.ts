// The graph module itself rather than @stepstone/asl's index: the browser bundle then carries
// the graph code only, not the whole language core (JSONata, JSONPath, validation).
import { buildStateGraph, GraphEdgeKind, type StateGraph } from '../../../libs/asl/src/graph/state-graph';
import type { StateMachineDefinition } from '../../../libs/asl/src/definition/types';
import type { ConsoleGraph } from './graph-view';

/**
 * The definition's graph (libs/asl's buildStateGraph) as the console draws it: a Parallel or
 * Map state is a box holding its branches (one box each) or its item processor's states; the
 * start/end pseudo-nodes are left out, the edge kinds kept for styling.
 */
export function definitionGraph(definition: unknown): ConsoleGraph | undefined {
  let graph: StateGraph;
  try {
    graph = buildStateGraph(definition as StateMachineDefinition);
  } catch {
    return undefined;
  }
  const nodes: ConsoleGraph['nodes'][number][] = [];
  // A group's states sit in the box of the group: the Map node itself, or the branch's own box.
  const boxOfGroup = new Map<string, string | undefined>([['root', undefined]]);
  for (const group of graph.groups) {
    if (group.parentNodeId === undefined) continue;
    if (group.kind === 'branch') {
      nodes.push({ id: group.id, label: `Branch ${(group.branchIndex ?? 0) + 1}`, type: 'Branch', parentId: group.parentNodeId, pseudo: true });
      boxOfGroup.set(group.id, group.id);
    } else {
      boxOfGroup.set(group.id, group.parentNodeId);
    }
  }
  for (const node of graph.nodes) {
    const parentId = boxOfGroup.get(node.groupId);
    nodes.push({ id: node.id, label: node.name, type: node.type, ...(parentId !== undefined ? { parentId } : {}) });
  }
  const known = new Set(nodes.map((node) => node.id));
  const edges = graph.edges
    .filter((edge) => edge.kind !== GraphEdgeKind.Start && edge.kind !== GraphEdgeKind.End && known.has(edge.from) && known.has(edge.to))
    .map((edge, index) => ({
      id: `${edge.kind}:${edge.from}->${edge.to}:${index}`,
      source: edge.from,
      target: edge.to,
      kind: edge.kind as ConsoleGraph['edges'][number]['kind'],
      ...(edge.label !== undefined && edge.kind !== GraphEdgeKind.Next ? { label: edge.kind === GraphEdgeKind.Catch ? `catch ${edge.label}` : edge.kind === GraphEdgeKind.Retry ? `retry ${edge.label}` : edge.label } : {}),
    }));
  return { nodes, edges };
}
