import type { Decision } from '../decision';
import type { MaybePromise, Step } from '../decision-support';
import { languageEnv, selectChoice, selectChoiceJsonata, StatesError } from '../language';

/**
 * Choice: the first rule that matches picks Next (else Default, else States.NoChoiceMatched);
 * InputPath/OutputPath or, in JSONata, Output and Assign (a rule's own win over the state's).
 */
export function decideChoice(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
  const input = d.cursorOf(threadId).input;
  if (language === 'JSONata') return decideJsonataChoice(d, threadId, definition, input);
  const effective = d.selectInput(threadId, definition.InputPath, input);
  d.inspect('afterInputPath', effective);
  // The scope builds the context object only if a rule reads `$$`.
  const next = selectChoice(definition as any, effective, d.scope(threadId, effective));
  if (next === undefined) throw new StatesError('States.NoChoiceMatched', 'No Matches!');
  const assigned = d.jsonPathAssign(definition, d.scope(threadId, effective));
  const output = d.selectOutput(threadId, definition.OutputPath, effective);
  return d.exitState(threadId, definition, output, assigned, next);
}

async function decideJsonataChoice(d: Decision, threadId: string, definition: Record<string, any>, input: unknown): Promise<Step> {
  const states = d.jsonataStates(threadId, input);
  let outputField: unknown = definition.Output;
  let assignField: unknown = definition.Assign;
  let hasOutput = 'Output' in definition;
  const selection = await selectChoiceJsonata(definition as any, { states, variables: d.thread(threadId).variables }, languageEnv(d.env));
  if (!selection) throw new StatesError('States.NoChoiceMatched', 'No Matches!');
  const rule = selection.rule as Record<string, unknown> | undefined;
  if (rule && 'Output' in rule) {
    outputField = rule.Output;
    hasOutput = true;
  }
  if (rule && 'Assign' in rule) assignField = rule.Assign;
  const output = hasOutput ? await d.jsonata(threadId, outputField, states, 'Output') : input;
  const assigned = assignField !== undefined ? await d.jsonataAssign(threadId, { Assign: assignField }, states) : undefined;
  return d.exitState(threadId, definition, output, assigned, selection.next);
}
