import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { queryLanguageOf } from './effective-query-language';
import { parseDefinition } from './parse-definition';

describe('parseDefinition', () => {
  test('returns the definition when AWS would accept it', () => {
    const result = parseDefinition('{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}');
    assert.equal(result.ok, true);
    if (result.ok) assert.equal(result.definition.StartAt, 'S');
  });
  test('rejects a JSON syntax error as INVALID_JSON_DESCRIPTION', () => {
    const result = parseDefinition('{"StartAt": ');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error, 'InvalidDefinition');
      assert.equal(result.diagnostics[0]?.code, 'INVALID_JSON_DESCRIPTION');
      assert.match(result.message, /^Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: /);
    }
  });
  test('rejects an empty definition as MISSING_DESCRIPTION', () => {
    const result = parseDefinition('  ');
    assert.equal(result.ok ? undefined : result.diagnostics[0]?.code, 'MISSING_DESCRIPTION');
  });
  test("gives CreateStateMachine's message for a schema failure", () => {
    const result = parseDefinition('{"Comment":"BASE_INVALID_DER","StartAt":"State_1"}');
    assert.equal(result.ok ? undefined : result.message, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'");
  });
  test('applies EXPRESS-only rules when asked', () => {
    const text = '{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","End":true}}}';
    assert.equal(parseDefinition(text).ok, true);
    assert.equal(parseDefinition(text, { stateMachineType: 'EXPRESS' }).ok, false);
  });
});

describe('queryLanguageOf', () => {
  test('defaults to JSONPath', () => assert.equal(queryLanguageOf({}, {}), 'JSONPath'));
  test('inherits the machine language', () => assert.equal(queryLanguageOf({}, { QueryLanguage: 'JSONata' }), 'JSONata'));
  test("prefers the state's own language", () => assert.equal(queryLanguageOf({ QueryLanguage: 'JSONata' }, { QueryLanguage: 'JSONPath' }), 'JSONata'));
});
