import { Background, BaseEdge, Controls, EdgeLabelRenderer, Handle, MarkerType, Position, ReactFlow, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { useEffect, useState } from 'react';
import type { StateOutcome } from './execution-model';

/** The graph as the console draws it: states (groups for Parallel branches and Map iterators) and transitions. */
export interface ConsoleGraph {
  readonly nodes: readonly { id: string; label: string; type: string; parentId?: string; pseudo?: boolean }[];
  readonly edges: readonly { id: string; source: string; target: string; kind: 'next' | 'choice' | 'default' | 'catch' | 'retry'; label?: string }[];
}

const elk = new ELK();
const NODE_WIDTH = 170;
const NODE_HEIGHT = 44;

interface StateNodeData extends Record<string, unknown> {
  label: string;
  type: string;
  outcome?: StateOutcome;
  highlighted?: boolean;
  group?: boolean;
  /** A box that is no state (a Parallel branch): never coloured by outcome. */
  pseudo?: boolean;
}

function StateNode({ data }: NodeProps<Node<StateNodeData>>) {
  const className = ['state-node', `type-${data.type.toLowerCase()}`, data.outcome ? `outcome-${data.outcome}` : '', data.highlighted ? 'highlighted' : '', data.group ? 'group' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={className} data-state={data.pseudo ? undefined : data.label} data-outcome={data.outcome ?? ''} role="group" aria-label={`${data.type} state ${data.label}`}>
      <Handle type="target" position={Position.Top} />
      <div className="state-name">{data.label}</div>
      <div className="state-type">{data.type}</div>
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

const nodeTypes = { state: StateNode };

/** A Retry is a loop back into its own state: drawn as an arc on the node's right side. */
function SelfLoopEdge({ sourceX, sourceY, targetX, targetY, markerEnd, label, style }: EdgeProps) {
  const reach = 70;
  const path = `M ${sourceX} ${sourceY} C ${sourceX + reach * 1.6} ${sourceY + 30}, ${targetX + reach * 1.6} ${targetY - 30}, ${targetX} ${targetY}`;
  return (
    <>
      <BaseEdge path={path} {...(markerEnd !== undefined ? { markerEnd } : {})} {...(style !== undefined ? { style } : {})} />
      {label !== undefined && (
        <EdgeLabelRenderer>
          <div className="edge-label retry-label" style={{ transform: `translate(${sourceX + reach}px, ${(sourceY + targetY) / 2}px) translate(0, -50%)` }}>
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const edgeTypes = { selfLoop: SelfLoopEdge };

/** Lays the graph out with ELK (nested groups for Parallel/Map), then hands it to React Flow. */
async function layout(graph: ConsoleGraph): Promise<{ nodes: Node<StateNodeData>[]; edges: Edge[] }> {
  const byParent = new Map<string | undefined, ConsoleGraph['nodes'][number][]>();
  for (const node of graph.nodes) byParent.set(node.parentId, [...(byParent.get(node.parentId) ?? []), node]);
  const toElk = (node: ConsoleGraph['nodes'][number]): ElkNode => {
    const children = (byParent.get(node.id) ?? []).map(toElk);
    return children.length > 0
      ? { id: node.id, children, layoutOptions: { 'elk.padding': '[top=44,left=16,bottom=16,right=16]' } }
      : { id: node.id, width: NODE_WIDTH, height: NODE_HEIGHT };
  };
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '32',
      'elk.edgeLabels.inline': 'false',
    },
    children: (byParent.get(undefined) ?? []).map(toElk),
    edges: graph.edges.filter((edge) => edge.source !== edge.target).map((edge): ElkExtendedEdge => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  };
  const laid = await elk.layout(root);
  const positions = new Map<string, { x: number; y: number; width: number; height: number }>();
  const walk = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? NODE_WIDTH, height: child.height ?? NODE_HEIGHT });
      walk(child);
    }
  };
  walk(laid);
  // React Flow wants parents before children.
  const ordered: ConsoleGraph['nodes'][number][] = [];
  const visit = (parent: string | undefined) => {
    for (const node of byParent.get(parent) ?? []) {
      ordered.push(node);
      visit(node.id);
    }
  };
  visit(undefined);
  const nodes: Node<StateNodeData>[] = ordered.map((node) => {
    const box = positions.get(node.id) ?? { x: 0, y: 0, width: NODE_WIDTH, height: NODE_HEIGHT };
    const group = (byParent.get(node.id)?.length ?? 0) > 0;
    return {
      id: node.id,
      type: 'state',
      position: { x: box.x, y: box.y },
      data: { label: node.label, type: node.type, group, ...(node.pseudo ? { pseudo: true } : {}) },
      style: { width: box.width, height: box.height },
      ...(node.parentId !== undefined ? { parentId: node.parentId, extent: 'parent' as const } : {}),
      draggable: false,
    };
  });
  const edges: Edge[] = graph.edges.map((edge) => ({
    id: edge.id,
    source: edge.source,
    target: edge.target,
    ...(edge.label !== undefined ? { label: edge.label } : {}),
    className: `edge-${edge.kind}`,
    ...(edge.source === edge.target ? { type: 'selfLoop' } : {}),
    animated: edge.kind === 'retry',
    // Above the group boxes, so an edge that crosses a Parallel or Map box stays readable.
    zIndex: 10,
    markerEnd: { type: MarkerType.ArrowClosed },
    labelBgPadding: [4, 2] as [number, number],
    labelStyle: { fontSize: 11 },
    data: { kind: edge.kind },
  }));
  return { nodes, edges };
}

export function GraphView({
  graph,
  outcomes,
  highlighted,
  onSelect,
  height = 520,
}: {
  graph: ConsoleGraph;
  outcomes?: ReadonlyMap<string, StateOutcome>;
  highlighted?: string;
  onSelect?: (stateName: string) => void;
  height?: number;
}) {
  const [laid, setLaid] = useState<{ nodes: Node<StateNodeData>[]; edges: Edge[] }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let cancelled = false;
    layout(graph).then(
      (result) => !cancelled && setLaid(result),
      (caught: unknown) => !cancelled && setError(String(caught)),
    );
    return () => {
      cancelled = true;
    };
  }, [graph]);
  if (error) return <div className="error-box">Layout failed: {error}</div>;
  if (!laid) return <div className="muted" style={{ height }}>Laying out…</div>;
  const nodes = laid.nodes.map((node) => {
    const outcome = outcomes && !node.data.pseudo ? (outcomes.get(node.data.label) ?? 'not-reached') : undefined;
    return { ...node, data: { ...node.data, ...(outcome ? { outcome } : {}), highlighted: node.data.label === highlighted } };
  });
  return (
    <div className="graph" style={{ height }} data-testid="state-graph">
      <ReactFlow
        nodes={nodes}
        edges={laid.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        fitView
        fitViewOptions={{ padding: 0.08 }}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_event, node) => onSelect?.(String(node.data.label))}
        minZoom={0.2}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

export function GraphLegend({ outcomes }: { outcomes: boolean }) {
  return (
    <div className="legend">
      {outcomes
        ? (['succeeded', 'failed', 'caught', 'retried', 'running', 'not-reached'] as const).map((outcome) => (
            <span key={outcome} className={`legend-item outcome-${outcome}`}>
              {outcome.replace('-', ' ')}
            </span>
          ))
        : null}
      <span className="legend-edge edge-next">next</span>
      <span className="legend-edge edge-choice">choice rule</span>
      <span className="legend-edge edge-default">default</span>
      <span className="legend-edge edge-catch">catch</span>
      <span className="legend-edge edge-retry">retry</span>
    </div>
  );
}
