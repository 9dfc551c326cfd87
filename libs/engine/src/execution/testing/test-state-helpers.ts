import assert from 'node:assert/strict';
import { type TestStateEnv, type TestStateResult, testState } from '../test-state';
import { TestStateRejected, type TestStateRequest } from '../test-state-request';
import { fixedEnv } from './decider-specification';

/** What the TestState specs share: a fixed environment, and readers of the result. */
export const env: TestStateEnv = { ...fixedEnv(), region: 'us-east-1', accountId: '123456789012' };
export const lambda = 'arn:aws:states:::lambda:invoke';
export const roleArn = 'arn:aws:iam::123456789012:role/TestStateRole';

export function run(definition: unknown, request: Omit<TestStateRequest, 'definition'> = {}, overrides: Partial<TestStateEnv> = {}): Promise<TestStateResult> {
  return testState({ definition: JSON.stringify(definition), ...request }, { ...env, ...overrides });
}

/** inspectionData with its JSON texts parsed, for readable expectations. */
export function inspected(result: TestStateResult): Record<string, unknown> {
  const data = result.inspectionData ?? {};
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, typeof value === 'string' ? JSON.parse(value) : value]));
}

export async function rejected(promise: Promise<unknown>, name: string, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TestStateRejected);
    assert.equal(error.errorName, name);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}
