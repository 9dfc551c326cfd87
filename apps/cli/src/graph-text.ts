import type { StateGraph, StateGraphEdge, StateGraphGroup } from '@stepstone/asl';

/** A state graph as Mermaid (`flowchart TD`) or Graphviz DOT text; groups become subgraphs. */

function safeId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9_]/g, (char) => `_${char.charCodeAt(0).toString(16)}_`)}`;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '#quot;')}"`;
}

function edgeLabel(edge: StateGraphEdge): string | undefined {
  if (edge.kind === 'catch') return `catch ${edge.label}`;
  if (edge.kind === 'retry') return `retry ${edge.label}`;
  return edge.label;
}

export function toMermaid(graph: StateGraph): string {
  const lines = ['flowchart TD'];
  const children = (parent: string | undefined) => graph.groups.filter((group) => group.parentNodeId === parent);
  const writeGroup = (group: StateGraphGroup, indent: string): void => {
    lines.push(`${indent}${safeId(group.startId)}((start))`, `${indent}${safeId(group.endId)}((end))`);
    for (const node of graph.nodes.filter((candidate) => candidate.groupId === group.id)) {
      const nested = children(node.id);
      if (nested.length === 0) {
        lines.push(`${indent}${safeId(node.id)}[${quote(`${node.name} (${node.type})`)}]`);
        continue;
      }
      lines.push(`${indent}subgraph ${safeId(node.id)}[${quote(`${node.name} (${node.type})`)}]`);
      for (const child of nested) {
        lines.push(`${indent}  subgraph ${safeId(child.id)}[${quote(child.label)}]`);
        writeGroup(child, `${indent}    `);
        lines.push(`${indent}  end`);
      }
      lines.push(`${indent}end`);
    }
  };
  const root = graph.groups.find((group) => group.parentNodeId === undefined);
  if (root) writeGroup(root, '  ');
  for (const edge of graph.edges) {
    const label = edgeLabel(edge);
    const arrow = edge.kind === 'catch' || edge.kind === 'retry' ? '-.->' : '-->';
    lines.push(`  ${safeId(edge.from)} ${arrow}${label ? `|${quote(label)}|` : ''} ${safeId(edge.to)}`);
  }
  return lines.join('\n');
}

function dotQuote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function toDot(graph: StateGraph): string {
  const lines = ['digraph StateMachine {', '  node [shape=box, style=rounded];'];
  const writeGroup = (group: StateGraphGroup, indent: string): void => {
    lines.push(`${indent}${dotQuote(group.startId)} [shape=circle, label="start"];`, `${indent}${dotQuote(group.endId)} [shape=doublecircle, label="end"];`);
    for (const node of graph.nodes.filter((candidate) => candidate.groupId === group.id)) {
      lines.push(`${indent}${dotQuote(node.id)} [label=${dotQuote(`${node.name}\n${node.type}`)}];`);
      for (const child of graph.groups.filter((candidate) => candidate.parentNodeId === node.id)) {
        lines.push(`${indent}subgraph ${dotQuote(`cluster_${child.id}`)} {`, `${indent}  label=${dotQuote(`${node.name}: ${child.label}`)};`);
        writeGroup(child, `${indent}  `);
        lines.push(`${indent}}`);
      }
    }
  };
  const root = graph.groups.find((group) => group.parentNodeId === undefined);
  if (root) writeGroup(root, '  ');
  for (const edge of graph.edges) {
    const label = edgeLabel(edge);
    const style = edge.kind === 'catch' || edge.kind === 'retry' ? ', style=dashed' : '';
    lines.push(`  ${dotQuote(edge.from)} -> ${dotQuote(edge.to)}${label || style ? ` [${label ? `label=${dotQuote(label)}` : ''}${label ? style : style.slice(2)}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n');
}
