import type { Decision } from '../decision';
import type { Step } from '../decision-support';

export async function executeJsonataPass(d: Decision, threadId: string, definition: Record<string, any>, input: unknown): Promise<Step> {
  const states = d.jsonataStates(threadId, input);
  const output = 'Output' in definition ? await d.jsonata(threadId, definition.Output, states, 'Output') : input;
  const assigned = await d.jsonataAssign(threadId, definition, states);
  return d.exitState(threadId, definition, output, assigned);
}
