import {
  Catcher,
  ChoiceRule,
  ChoiceState,
  JsonValue,
  MapState,
  ParallelState,
  Retrier,
  State,
  StateMachineDefinition,
  StateType,
  SubStateMachine,
} from '../definition/types';

/**
 * A state machine as a graph, for drawing it (CLI's Mermaid/DOT output, the console) without
 * running it. Pure data: every id is derived from the definition, so the same definition
 * always gives the same graph.
 *
 * Parallel branches and Map item processors are nested groups. The top-level machine is the
 * group `root`; a branch is `<parallel node id>#branch<i>`, a Map's processor
 * `<map node id>#items`. A node's id is its state name at the top level and
 * `<group id>/<state name>` inside a group, so names repeated across branches stay distinct.
 */

export const ROOT_GROUP_ID = 'root';

export const GraphGroupKind = { Root: 'root', Branch: 'branch', ItemProcessor: 'item-processor' } as const;
export type GraphGroupKind = (typeof GraphGroupKind)[keyof typeof GraphGroupKind];

export interface StateGraphGroup {
  readonly id: string;
  readonly kind: GraphGroupKind;
  /** The Parallel or Map node that owns this group; absent for the root. */
  readonly parentNodeId?: string;
  /** The group the owning node sits in; absent for the root. */
  readonly parentGroupId?: string;
  /** The branch's position in `Branches` (Parallel only). */
  readonly branchIndex?: number;
  /** `INLINE` or `DISTRIBUTED` (Map only; AWS's default is INLINE). */
  readonly mode?: 'INLINE' | 'DISTRIBUTED';
  /** The pseudo-node a `start` edge leaves from, and the one `end` edges reach. */
  readonly startId: string;
  readonly endId: string;
  readonly startAt: string;
  readonly label: string;
}

export interface StateGraphNode {
  readonly id: string;
  readonly name: string;
  readonly type: StateType;
  readonly groupId: string;
  readonly comment?: string;
}

export const GraphEdgeKind = {
  Start: 'start',
  Next: 'next',
  Choice: 'choice',
  Default: 'default',
  Catch: 'catch',
  Retry: 'retry',
  End: 'end',
} as const;
export type GraphEdgeKind = (typeof GraphEdgeKind)[keyof typeof GraphEdgeKind];

export interface StateGraphEdge {
  readonly kind: GraphEdgeKind;
  readonly from: string;
  readonly to: string;
  readonly groupId: string;
  /** Human-readable: the Choice rule, a catcher's or retrier's errors. */
  readonly label?: string;
  /** Catch and Retry. */
  readonly errorEquals?: readonly string[];
  /** Retry: AWS's defaults filled in (3 attempts, 1 s, rate 2). */
  readonly maxAttempts?: number;
  readonly intervalSeconds?: number;
  readonly backoffRate?: number;
  /** Choice: the rule's position in `Choices`. */
  readonly choiceIndex?: number;
}

export interface StateGraph {
  readonly nodes: readonly StateGraphNode[];
  readonly edges: readonly StateGraphEdge[];
  readonly groups: readonly StateGraphGroup[];
}

const RETRY_DEFAULTS = { MaxAttempts: 3, IntervalSeconds: 1, BackoffRate: 2 } as const;

/** Builds the graph of an accepted definition (see `parseDefinition`). */
export function buildStateGraph(definition: StateMachineDefinition): StateGraph {
  const nodes: StateGraphNode[] = [];
  const edges: StateGraphEdge[] = [];
  const groups: StateGraphGroup[] = [];

  const addGroup = (machine: SubStateMachine, group: Omit<StateGraphGroup, 'startId' | 'endId' | 'startAt'>): void => {
    const full: StateGraphGroup = { ...group, startId: `${group.id}::start`, endId: `${group.id}::end`, startAt: machine.StartAt };
    groups.push(full);
    const nodeId = (name: string): string => (full.id === ROOT_GROUP_ID ? name : `${full.id}/${name}`);
    edges.push({ kind: GraphEdgeKind.Start, from: full.startId, to: nodeId(machine.StartAt), groupId: full.id });
    for (const [name, state] of Object.entries(machine.States)) {
      const id = nodeId(name);
      nodes.push({ id, name, type: state.Type, groupId: full.id, ...(state.Comment !== undefined ? { comment: state.Comment } : {}) });
      edges.push(...edgesOf(state, id, full, nodeId));
      for (const child of childMachines(state, id, full.id)) addGroup(child.machine, child.group);
    }
  };

  addGroup(definition, { id: ROOT_GROUP_ID, kind: GraphGroupKind.Root, label: definition.Comment ?? 'State machine' });
  return { nodes, edges, groups };
}

function edgesOf(state: State, id: string, group: StateGraphGroup, nodeId: (name: string) => string): StateGraphEdge[] {
  const edges: StateGraphEdge[] = [];
  const edge = (kind: GraphEdgeKind, to: string, extra: Partial<StateGraphEdge> = {}): void => {
    edges.push({ kind, from: id, to, groupId: group.id, ...extra });
  };
  switch (state.Type) {
    case 'Choice':
      choiceEdges(state).forEach(({ next, label }, index) => edge(GraphEdgeKind.Choice, nodeId(next), { label, choiceIndex: index }));
      if (state.Default !== undefined) edge(GraphEdgeKind.Default, nodeId(state.Default), { label: 'Default' });
      break;
    case 'Succeed':
      edge(GraphEdgeKind.End, group.endId);
      break;
    case 'Fail':
      edge(GraphEdgeKind.End, group.endId, { label: state.Error ?? 'Fail' });
      break;
    default:
      if (state.Next !== undefined) edge(GraphEdgeKind.Next, nodeId(state.Next));
      if (state.End === true) edge(GraphEdgeKind.End, group.endId);
  }
  if (state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map') {
    for (const retrier of state.Retry ?? []) edge(GraphEdgeKind.Retry, id, retryEdge(retrier));
    for (const catcher of state.Catch ?? []) edge(GraphEdgeKind.Catch, nodeId(catcher.Next), catchEdge(catcher));
  }
  return edges;
}

function retryEdge(retrier: Retrier): Partial<StateGraphEdge> {
  const maxAttempts = retrier.MaxAttempts ?? RETRY_DEFAULTS.MaxAttempts;
  return {
    label: `${retrier.ErrorEquals.join(', ')} (max ${maxAttempts})`,
    errorEquals: retrier.ErrorEquals,
    maxAttempts,
    intervalSeconds: retrier.IntervalSeconds ?? RETRY_DEFAULTS.IntervalSeconds,
    backoffRate: retrier.BackoffRate ?? RETRY_DEFAULTS.BackoffRate,
  };
}

function catchEdge(catcher: Catcher): Partial<StateGraphEdge> {
  return { label: catcher.ErrorEquals.join(', '), errorEquals: catcher.ErrorEquals };
}

function choiceEdges(state: ChoiceState): { next: string; label: string }[] {
  return state.Choices.flatMap((rule) => (rule.Next === undefined ? [] : [{ next: rule.Next, label: describeChoiceRule(rule) }]));
}

const RULE_KEYS_NOT_OPERATORS = new Set(['Variable', 'Next', 'Comment', 'Output', 'Assign', 'And', 'Or', 'Not', 'Condition']);

/**
 * One line for a Choice rule: `$.x NumericGreaterThan 5`, `($.a IsPresent true) And (...)`,
 * `Not ($.s StringEquals "a")`, or a JSONata rule's Condition as written.
 */
export function describeChoiceRule(rule: ChoiceRule): string {
  if (rule.Condition !== undefined) return typeof rule.Condition === 'string' ? rule.Condition.trim() : String(rule.Condition);
  if (rule.And !== undefined) return rule.And.map((inner) => `(${describeChoiceRule(inner)})`).join(' And ');
  if (rule.Or !== undefined) return rule.Or.map((inner) => `(${describeChoiceRule(inner)})`).join(' Or ');
  if (rule.Not !== undefined) return `Not (${describeChoiceRule(rule.Not)})`;
  const operator = Object.keys(rule).find((key) => !RULE_KEYS_NOT_OPERATORS.has(key));
  if (operator === undefined) return rule.Variable ?? '';
  const operand = rule[operator] as JsonValue;
  // A Path operand is a reference, shown bare; literals are shown as JSON ("a", 5, true).
  const shown = operator.endsWith('Path') && typeof operand === 'string' ? operand : JSON.stringify(operand);
  return `${rule.Variable ?? ''} ${operator} ${shown}`;
}

function childMachines(
  state: State,
  id: string,
  groupId: string,
): { machine: SubStateMachine; group: Omit<StateGraphGroup, 'startId' | 'endId' | 'startAt'> }[] {
  if (state.Type === 'Parallel') return parallelGroups(state, id, groupId);
  if (state.Type === 'Map') return mapGroups(state, id, groupId);
  return [];
}

function parallelGroups(state: ParallelState, id: string, groupId: string) {
  return state.Branches.map((machine, index) => ({
    machine,
    group: {
      id: `${id}#branch${index}`,
      kind: GraphGroupKind.Branch,
      parentNodeId: id,
      parentGroupId: groupId,
      branchIndex: index,
      label: machine.Comment ?? `Branch ${index + 1}`,
    },
  }));
}

function mapGroups(state: MapState, id: string, groupId: string) {
  // ItemProcessor is the current name; Iterator the deprecated one AWS still accepts.
  const processor = state.ItemProcessor ?? state.Iterator;
  if (processor === undefined) return [];
  const mode = state.ItemProcessor?.ProcessorConfig?.Mode ?? 'INLINE';
  return [
    {
      machine: processor,
      group: {
        id: `${id}#items`,
        kind: GraphGroupKind.ItemProcessor,
        parentNodeId: id,
        parentGroupId: groupId,
        mode,
        label: processor.Comment ?? (mode === 'DISTRIBUTED' ? 'Distributed item processor' : 'Item processor'),
      },
    },
  ];
}
