import { Diagnostic, DiagnosticCode, DiagnosticSeverity, formatInvalidDefinitionMessage, hasErrors } from '../validation/diagnostic';
import { NOT_A_JSON_OBJECT, validateDefinition, ValidateDefinitionOptions } from '../validation/validate-definition';
import { jsonSyntaxError, jsonSyntaxMessageWithLocation } from './json-syntax';
import { StateMachineDefinition } from './types';

export type ParseDefinitionResult =
  | { readonly ok: true; readonly definition: StateMachineDefinition; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly error: 'InvalidDefinition'; readonly message: string; readonly diagnostics: readonly Diagnostic[] };

/**
 * Parses a definition string as CreateStateMachine does: JSON first, then every validation
 * rule. On failure `message` is the InvalidDefinition text AWS returns, and `diagnostics`
 * what ValidateStateMachineDefinition would list. WARNING diagnostics do not fail a parse.
 */
export function parseDefinition(text: string, options: ValidateDefinitionOptions = {}): ParseDefinitionResult {
  // An empty text is not a JSON object to AWS (recorded: ValidateStateMachineDefinition on '').
  if (text.trim() === '') return fail([{ severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.SCHEMA_VALIDATION_FAILED, message: NOT_A_JSON_OBJECT }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Jackson's words and position, as AWS reports them (json-syntax.ts).
    const syntax = jsonSyntaxError(text)!;
    return fail([{ severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.INVALID_JSON_DESCRIPTION, message: jsonSyntaxMessageWithLocation(syntax), location: syntax.location }]);
  }
  const { diagnostics } = validateDefinition(parsed, options);
  if (hasErrors(diagnostics)) return fail(diagnostics);
  return { ok: true, definition: parsed as StateMachineDefinition, diagnostics };
}

function fail(diagnostics: readonly Diagnostic[]): ParseDefinitionResult {
  return { ok: false, error: 'InvalidDefinition', message: formatInvalidDefinitionMessage(diagnostics), diagnostics };
}
