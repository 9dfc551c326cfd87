import type { Decision } from '../decision';
import { json, type Step, unexpectedJsonataResult } from '../decision-support';
import { evaluateFieldExpression, languageEnv } from '../language';

/** Fail: Error and Cause (literals, `…Path`s, intrinsics or JSONata) end the branch as failed. */
export async function decideFail(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
  const input = d.cursorOf(threadId).input;
  if (language === 'JSONata') {
    const states = d.jsonataStates(threadId, input);
    const error = definition.Error !== undefined ? await jsonataText(d, threadId, definition.Error, states, 'Error') : undefined;
    const cause = definition.Cause !== undefined ? await jsonataText(d, threadId, definition.Cause, states, 'Cause') : undefined;
    return { kind: 'fail', error, cause };
  }
  // A Fail state has no InputPath: AWS shows its input unchanged.
  d.inspect('afterInputPath', input);
  const error = definition.ErrorPath !== undefined ? failField(d, threadId, definition.ErrorPath, input, 'ErrorPath') : definition.Error;
  const cause = definition.CausePath !== undefined ? failField(d, threadId, definition.CausePath, input, 'CausePath') : definition.Cause;
  return { kind: 'fail', error, cause };
}

export function failField(d: Decision, threadId: string, path: string, input: unknown, field: string): string {
  const resolved = evaluateFieldExpression(path, d.scope(threadId, input), languageEnv(d.env), field);
  return typeof resolved === 'string' ? resolved : json(resolved);
}

/**
 * A JSONata Error or Cause must give text (AWS's Fail page: "A custom string"). Another result
 * fails the state with States.QueryEvaluationError, worded as AWS words a JSONata field's
 * unexpected result type (recorded for Items); it used to become the execution's error as it
 * was, an event the store refused, and the execution stayed RUNNING for good.
 */
async function jsonataText(d: Decision, threadId: string, expression: unknown, states: ReturnType<Decision['jsonataStates']>, field: 'Error' | 'Cause'): Promise<string> {
  const value = await d.jsonata(threadId, expression, states, field);
  if (typeof value !== 'string') throw unexpectedJsonataResult(expression, field, 'string', value);
  return value;
}
