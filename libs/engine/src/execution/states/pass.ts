import type { Decision } from '../decision';
import type { MaybePromise, Step } from '../decision-support';
import { applyResultPath } from '../language';

/**
 * Pass: JSONPath's InputPath, Parameters, Result, ResultPath, OutputPath and Assign, or
 * JSONata's Output and Assign. Synchronous in JSONPath, so a chain of them decides without
 * yielding (see Decision.run).
 */
export function decidePass(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): MaybePromise<Step> {
  const input = d.cursorOf(threadId).input;
  if (language === 'JSONata') return decideJsonataPass(d, threadId, definition, input);
  const scope = d.scope(threadId, d.selectInput(threadId, definition.InputPath, input));
  const effective = definition.Parameters !== undefined ? d.payload(definition.Parameters, scope) : scope.input;
  const result = 'Result' in definition ? definition.Result : effective;
  if ('Result' in definition) {
    d.inspect('result', result);
  } else {
    d.inspect('afterInputPath', scope.input);
    d.inspect('afterParameters', effective);
  }
  d.inspect('afterResultSelector', result); // a Pass has no ResultSelector: AWS shows its result here
  const assigned = definition.Assign === undefined ? undefined : d.jsonPathAssign(definition, d.scope(threadId, result));
  const afterResultPath = applyResultPath(definition.ResultPath, input, result);
  d.inspect('afterResultPath', afterResultPath);
  const output = d.selectOutput(threadId, definition.OutputPath, afterResultPath);
  return d.exitState(threadId, definition, output, assigned);
}

async function decideJsonataPass(d: Decision, threadId: string, definition: Record<string, any>, input: unknown): Promise<Step> {
  const states = d.jsonataStates(threadId, input);
  const output = 'Output' in definition ? await d.jsonata(threadId, definition.Output, states, 'Output') : input;
  const assigned = await d.jsonataAssign(threadId, definition, states);
  return d.exitState(threadId, definition, output, assigned);
}
