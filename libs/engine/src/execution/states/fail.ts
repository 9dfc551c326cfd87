import type { Decision } from '../decision';
import { json, type Step } from '../decision-support';
import { evaluateFieldExpression, languageEnv } from '../language';

/** Fail: Error and Cause (literals, `…Path`s, intrinsics or JSONata) end the branch as failed. */
export async function decideFail(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
  const input = d.cursorOf(threadId).input;
  if (language === 'JSONata') {
    const states = d.jsonataStates(threadId, input);
    const error = definition.Error !== undefined ? await d.jsonata(threadId, definition.Error, states, 'Error') : undefined;
    const cause = definition.Cause !== undefined ? await d.jsonata(threadId, definition.Cause, states, 'Cause') : undefined;
    return { kind: 'fail', error: error as string | undefined, cause: cause as string | undefined };
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
