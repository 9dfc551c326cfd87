import jsonata from 'jsonata';
import { isIntrinsicCall, parseIntrinsic, type IntrinsicArgument } from '../intrinsics/parse-intrinsic';
import { isJsonataExpression } from '../validation/jsonata-syntax';

/**
 * DescribeStateMachine's `variableReferences`: "a map of state name to a list of variables
 * referenced by that state. States that do not use variable references will not be shown."
 * What counts, as AWS's recordings show it (LocalStack's test_sfn_api_variable_references
 * snapshot, recorded against AWS):
 * - JSONPath states: a reference path that starts with `$name` (not `$.`, `$[` or `$$`) where a
 *   path is read: `InputPath`, `OutputPath`, `ItemsPath`, every other `…Path` field (Choice
 *   operands, Wait, Fail, Map limits, ReaderConfig.MaxItemsPath…) except ResultPath, a
 *   Choice rule's `Variable`, and the value of a `key.$` field in a payload template
 *   (Parameters, ItemSelector, Assign…), including the path arguments of intrinsic functions.
 *   A plain `"key": "$name"` is a string, not a reference.
 * - JSONata states: the `$name` variables of each `{% … %}` expression, except `$states` and
 *   the names the expression binds itself (`$x := …`) or calls as functions.
 * - A Map's or Parallel's inner states are listed by their own names, beside the others.
 * Names come sorted and once each; a definition with no reference gives undefined.
 */
export function variableReferencesOf(definition: unknown): Record<string, string[]> | undefined {
  const found = new Map<string, Set<string>>();
  visitStates(definition, 'JSONPath', found);
  if (found.size === 0) return undefined;
  const references: Record<string, string[]> = {};
  for (const [state, names] of found) references[state] = [...names].sort();
  return references;
}

type Language = 'JSONPath' | 'JSONata';

/** Fields holding a machine inside a state: walked as states of their own, not as this state's fields. */
const NESTED_MACHINES = new Set(['ItemProcessor', 'Iterator', 'Branches']);

function visitStates(machine: unknown, inherited: Language, found: Map<string, Set<string>>): void {
  if (!isRecord(machine) || !isRecord(machine.States)) return;
  const language = machine.QueryLanguage === 'JSONata' ? 'JSONata' : machine.QueryLanguage === 'JSONPath' ? 'JSONPath' : inherited;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isRecord(state)) continue;
    const stateLanguage: Language = state.QueryLanguage === 'JSONata' ? 'JSONata' : state.QueryLanguage === 'JSONPath' ? 'JSONPath' : language;
    const names = new Set<string>();
    for (const [field, value] of Object.entries(state)) {
      if (NESTED_MACHINES.has(field)) continue;
      if (stateLanguage === 'JSONata') collectJsonata(value, names);
      else collectJsonPathField(field, value, names);
    }
    if (names.size > 0) {
      const known = found.get(name);
      if (known) for (const variable of names) known.add(variable);
      else found.set(name, names);
    }
    visitStates(state.ItemProcessor ?? state.Iterator, stateLanguage, found);
    if (Array.isArray(state.Branches)) for (const branch of state.Branches) visitStates(branch, stateLanguage, found);
  }
}

/** A JSONPath state's field: a reference where a path is read, recursing into templates and rules. */
function collectJsonPathField(field: string, value: unknown, names: Set<string>): void {
  if (typeof value === 'string') {
    if (field.endsWith('.$') || field === 'Variable' || (field.endsWith('Path') && field !== 'ResultPath')) collectPathOrIntrinsic(value, names);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectJsonPathField('', item, names);
    return;
  }
  if (isRecord(value)) for (const [key, inner] of Object.entries(value)) collectJsonPathField(key, inner, names);
}

const VARIABLE_ROOT = /^\$([\p{L}_][\p{L}\p{N}_]*)/u;

function collectPathOrIntrinsic(text: string, names: Set<string>): void {
  if (isIntrinsicCall(text)) {
    try {
      collectIntrinsic(parseIntrinsic(text), names);
    } catch {
      // A malformed call references nothing; validation reports it.
    }
    return;
  }
  const root = VARIABLE_ROOT.exec(text);
  if (root) names.add(root[1]);
}

function collectIntrinsic(argument: IntrinsicArgument, names: Set<string>): void {
  if (argument.kind === 'path') collectPathOrIntrinsic(argument.path, names);
  else if (argument.kind === 'call') for (const inner of argument.args) collectIntrinsic(inner, names);
}

/** Every `{% … %}` string anywhere in a JSONata state's field. */
function collectJsonata(value: unknown, names: Set<string>): void {
  if (isJsonataExpression(value)) {
    collectJsonataExpression(value.slice(2, -2), names);
    return;
  }
  if (Array.isArray(value)) for (const item of value) collectJsonata(item, names);
  else if (isRecord(value)) for (const inner of Object.values(value)) collectJsonata(inner, names);
}

interface JsonataNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly procedure?: JsonataNode;
  readonly lhs?: JsonataNode;
}

function collectJsonataExpression(body: string, names: Set<string>): void {
  let tree: unknown;
  try {
    tree = jsonata(body).ast();
  } catch {
    return; // a syntax error references nothing; validation reports it
  }
  const used = new Set<string>();
  const bound = new Set<string>();
  const called = new WeakSet<object>();
  walkJsonata(tree, (node) => {
    if (node.type === 'bind' && node.lhs?.type === 'variable' && typeof node.lhs.value === 'string') bound.add(node.lhs.value);
    if (node.type === 'function' && node.procedure) called.add(node.procedure);
    if (node.type === 'variable' && typeof node.value === 'string' && node.value !== '' && !called.has(node)) used.add(node.value);
  });
  for (const name of used) if (name !== 'states' && !bound.has(name)) names.add(name);
}

/** Parents before children, so a call's procedure is marked before it is visited. */
function walkJsonata(node: unknown, visit: (node: JsonataNode) => void, depth = 0): void {
  if (depth > 200 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walkJsonata(item, visit, depth + 1);
    return;
  }
  visit(node as JsonataNode);
  for (const [key, child] of Object.entries(node)) if (key !== 'value' || typeof child === 'object') walkJsonata(child, visit, depth + 1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
