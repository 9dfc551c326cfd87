import { Diagnostic, DiagnosticCode, DiagnosticSeverity, formatInvalidDefinitionMessage, hasErrors } from '../validation/diagnostic';
import { validateDefinition, ValidateDefinitionOptions } from '../validation/validate-definition';
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
  if (text.trim() === '') {
    return fail([{ severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.MISSING_DESCRIPTION, message: 'Received a null or empty workflow input' }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : String(error);
    return fail([{ severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.INVALID_JSON_DESCRIPTION, message: detail }]);
  }
  const { diagnostics } = validateDefinition(parsed, options);
  if (hasErrors(diagnostics)) return fail(diagnostics);
  return { ok: true, definition: parsed as StateMachineDefinition, diagnostics };
}

function fail(diagnostics: readonly Diagnostic[]): ParseDefinitionResult {
  return { ok: false, error: 'InvalidDefinition', message: formatInvalidDefinitionMessage(diagnostics), diagnostics };
}
