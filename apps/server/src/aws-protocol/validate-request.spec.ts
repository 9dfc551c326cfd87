import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StartExecutionDto } from '../executions/executions.dto';
import { CreateStateMachineDto } from '../state-machines/state-machines.dto';
import { ValidationException } from './api-errors';
import { validateRequest } from './validate-request';

describe('validateRequest', () => {
  it('returns an instance of the DTO holding the body as parsed', () => {
    const body = JSON.parse('{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m","input":"{}","extra":[1]}') as Record<string, unknown>;
    const dto = validateRequest(StartExecutionDto, body);
    assert.ok(dto instanceof StartExecutionDto);
    assert.equal(dto.stateMachineArn, body.stateMachineArn);
    assert.equal(dto.input, '{}');
    assert.equal(dto.name, undefined);
  });

  it("joins every violation as AWS does, in the DTO's member order", () => {
    assert.throws(
      () => validateRequest(StartExecutionDto, { name: 7, traceHeader: 'x'.repeat(257) }),
      (error: unknown) =>
        error instanceof ValidationException &&
        error.message ===
          "3 validation errors detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null; " +
            "Value at 'name' failed to satisfy constraint: Member must be a string; " +
            "Value at 'traceHeader' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
  });

  it('keeps a `__proto__` member a plain field: the constraints still apply', () => {
    const body = JSON.parse('{"__proto__":{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m"}}') as Record<string, unknown>;
    assert.throws(() => validateRequest(StartExecutionDto, body), /Value null at 'stateMachineArn'/);
  });

  it('checks nested members such as tags', () => {
    assert.throws(() => validateRequest(CreateStateMachineDto, { name: 'm', definition: '{}', roleArn: 'arn:aws:iam::123456789012:role/r', tags: 'no' }), ValidationException);
  });
});
