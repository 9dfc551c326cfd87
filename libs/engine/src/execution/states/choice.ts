import { decidesWith, EngineBehaviour } from '../behaviour';
import type { Decision } from '../decision';
import type { MaybePromise, Step } from '../decision-support';
import { findMatchingChoiceRule, languageEnv, selectChoiceJsonata, StatesError } from '../language';

/**
 * Choice: the first rule that matches picks Next (else Default, else States.NoChoiceMatched);
 * InputPath/OutputPath or, in JSONata, Output (a rule's own wins over the state's). Assign: the
 * state's and the matched rule's, the rule's values winning where both name a variable
 * (EngineBehaviour.ChoiceAssignMerged; before it, see legacyAssign).
 */
export function decideChoice(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
  const input = d.cursorOf(threadId).input;
  if (language === 'JSONata') return decideJsonataChoice(d, threadId, definition, input);
  const effective = d.selectInput(threadId, definition.InputPath, input);
  d.inspect('afterInputPath', effective);
  // The scope builds the context object only if a rule reads `$$`.
  const rule = findMatchingChoiceRule(definition as any, effective, d.scope(threadId, effective)) as Record<string, unknown> | undefined;
  const next = rule !== undefined ? (rule.Next as string) : (definition.Default as string | undefined);
  if (next === undefined) throw new StatesError('States.NoChoiceMatched', 'No Matches!');
  const assignOf = (field: Record<string, any>) => d.jsonPathAssign(field, d.scope(threadId, effective));
  const assigned = mergesAssign(d) ? merged(assignOf(definition), rule && assignOf(rule)) : assignOf(definition);
  const output = d.selectOutput(threadId, definition.OutputPath, effective);
  return d.exitState(threadId, definition, output, assigned, next);
}

async function decideJsonataChoice(d: Decision, threadId: string, definition: Record<string, any>, input: unknown): Promise<Step> {
  const states = d.jsonataStates(threadId, input);
  let outputField: unknown = definition.Output;
  let hasOutput = 'Output' in definition;
  const selection = await selectChoiceJsonata(definition as any, { states, variables: d.thread(threadId).variables }, languageEnv(d.env));
  if (!selection) throw new StatesError('States.NoChoiceMatched', 'No Matches!');
  const rule = selection.rule as Record<string, unknown> | undefined;
  if (rule && 'Output' in rule) {
    outputField = rule.Output;
    hasOutput = true;
  }
  const output = hasOutput ? await d.jsonata(threadId, outputField, states, 'Output') : input;
  let assigned: Record<string, unknown> | undefined;
  if (mergesAssign(d)) {
    const own = await d.jsonataAssign(threadId, definition, states);
    assigned = merged(own, rule && (await d.jsonataAssign(threadId, rule, states)));
  } else {
    // legacyAssign: the matched rule's Assign, when it has one, instead of the state's.
    const assignField = rule && 'Assign' in rule ? rule.Assign : definition.Assign;
    assigned = assignField !== undefined ? await d.jsonataAssign(threadId, { Assign: assignField }, states) : undefined;
  }
  return d.exitState(threadId, definition, output, assigned, selection.next);
}

/**
 * Executions started before EngineBehaviour.ChoiceAssignMerged keep deciding as they did: a
 * JSONPath Choice assigned only the state's Assign, a JSONata Choice the matched rule's Assign
 * when it had one, else the state's.
 */
function mergesAssign(d: Decision): boolean {
  return decidesWith(d.state.start, EngineBehaviour.ChoiceAssignMerged);
}

function merged(own: Record<string, unknown> | undefined, rule: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (own === undefined) return rule;
  if (rule === undefined) return own;
  return { ...own, ...rule };
}
