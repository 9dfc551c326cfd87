import { IntegrationPattern, parseTaskResource } from '@stepstone/asl';
import { MOCK_RESULT_SHAPES, type MockApiShape, type MockShape } from './mock-result-shapes';

export type FieldValidationMode = 'STRICT' | 'PRESENT' | 'NONE';

/**
 * TestState's fieldValidationMode (AWS API reference, MockInput): "STRICT: all required fields
 * must be present, and all present fields must conform to the API's schema. PRESENT: all
 * present fields must conform to the API's schema. NONE: no validation is performed." The
 * default is STRICT. Fields the API does not have pass in every mode.
 *
 * Returns AWS's message for the first field that does not conform, or undefined. The wording
 * is AWS's, recorded (LocalStack's test_field_validation_mode*, recorded against AWS): "Mock
 * result schema validation error: Field 'X' must be a number", "… Required field 'X' is
 * missing". The field is named by its own name, not its path. Two wordings AWS has not been
 * recorded giving ("must be an object", "must be a boolean") follow the same pattern.
 *
 * Only a request-response Task whose API is in MOCK_RESULT_SHAPES is checked, and only when the
 * mock is a JSON object: the `.sync` and `.waitForTaskToken` patterns answer with other shapes.
 */
export function mockResultViolation(resource: string, result: unknown, mode: FieldValidationMode = 'STRICT'): string | undefined {
  if (mode === 'NONE') return undefined;
  const api = apiOf(resource);
  if (!api || typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const problem = check(api, api.root, result, undefined, mode);
  return problem === undefined ? undefined : `Mock result schema validation error: ${problem}`;
}

function apiOf(resource: string): MockApiShape | undefined {
  const parsed = parseTaskResource(resource);
  if (parsed.kind !== 'integration' && parsed.kind !== 'aws-sdk') return undefined;
  if (parsed.pattern !== IntegrationPattern.RequestResponse) return undefined;
  const key = parsed.kind === 'aws-sdk' ? `aws-sdk:${parsed.service}:${parsed.action}` : `${parsed.service}:${parsed.action}`;
  return Object.hasOwn(MOCK_RESULT_SHAPES, key) ? MOCK_RESULT_SHAPES[key] : undefined;
}

function check(api: MockApiShape, shape: MockShape, value: unknown, field: string | undefined, mode: FieldValidationMode): string | undefined {
  const name = `Field '${field ?? 'result'}'`;
  if (typeof shape === 'string') {
    const [, members, required = []] = api.shapes[shape];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${name} must be an object`;
    const given = value as Record<string, unknown>;
    for (const [member, memberShape] of Object.entries(members)) {
      if (!Object.hasOwn(given, member) || given[member] === null) {
        if (mode === 'STRICT' && required.includes(member)) return `Required field '${member}' is missing`;
        continue;
      }
      const problem = check(api, memberShape, given[member], member, mode);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  switch (shape[0]) {
    case 's': {
      if (typeof value !== 'string') return `${name} must be a string`;
      const limits = shape[1];
      if (limits?.enum && !limits.enum.includes(value)) return `${name} is not an expected value`;
      if (limits?.min !== undefined && value.length < limits.min) return `${name} is smaller than the minimum length`;
      return undefined;
    }
    case 'n': {
      if (typeof value !== 'number') return `${name} must be a number`;
      const range = shape[1];
      if (range?.min !== undefined && value < range.min) return `${name} is less than the minimum value`;
      if (range?.max !== undefined && value > range.max) return `${name} exceeds the maximum value`;
      return undefined;
    }
    case 'b':
      return typeof value === 'boolean' ? undefined : `${name} must be a boolean`;
    case 'l': {
      if (!Array.isArray(value)) return `${name} must be an array`;
      for (const item of value) {
        const problem = check(api, shape[1], item, field, mode);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case 'm': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${name} must be an object`;
      for (const entry of Object.values(value as Record<string, unknown>)) {
        const problem = check(api, shape[1], entry, field, mode);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
  }
}
