import type { Decision } from '../decision';
import type { MaybePromise, Step } from '../decision-support';

/** Succeed: InputPath and OutputPath (or JSONata's Output) around the input, Assign, then the branch ends. */
export function decideSucceed(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
  const input = d.cursorOf(threadId).input;
  if (language === 'JSONata') return decideJsonataSucceed(d, threadId, definition, input);
  const effective = d.selectInput(threadId, definition.InputPath, input);
  d.inspect('afterInputPath', effective);
  const assigned = d.jsonPathAssign(definition, d.scope(threadId, effective));
  const output = d.selectOutput(threadId, definition.OutputPath, effective);
  return d.exitState(threadId, definition, output, assigned);
}

async function decideJsonataSucceed(d: Decision, threadId: string, definition: Record<string, any>, input: unknown): Promise<Step> {
  const states = d.jsonataStates(threadId, input);
  const output = 'Output' in definition ? await d.jsonata(threadId, definition.Output, states, 'Output') : input;
  const assigned = definition.Assign !== undefined ? await d.jsonataAssign(threadId, { Assign: definition.Assign }, states) : undefined;
  return d.exitState(threadId, definition, output, assigned);
}
