/**
 * Diagnostics as ValidateStateMachineDefinition returns them
 * (API_ValidateStateMachineDefinitionDiagnostic): a code from AWS's list, a message, and a
 * location such as `/States/FailState/ErrorPath`. AWS omits the location for whole-workflow
 * findings (MISSING_END_STATE), so it is optional here too.
 */
export const DiagnosticSeverity = { ERROR: 'ERROR', WARNING: 'WARNING' } as const;
export type DiagnosticSeverity = (typeof DiagnosticSeverity)[keyof typeof DiagnosticSeverity];

/** The codes AWS documents for ValidateStateMachineDefinitionDiagnostic. */
export const DiagnosticCode = {
  INVALID_JSON_DESCRIPTION: 'INVALID_JSON_DESCRIPTION',
  MISSING_DESCRIPTION: 'MISSING_DESCRIPTION',
  SCHEMA_VALIDATION_FAILED: 'SCHEMA_VALIDATION_FAILED',
  INVALID_RESOURCE: 'INVALID_RESOURCE',
  MISSING_END_STATE: 'MISSING_END_STATE',
  DUPLICATE_STATE_NAME: 'DUPLICATE_STATE_NAME',
  INVALID_STATE_NAME: 'INVALID_STATE_NAME',
  MISSING_TRANSITION_TARGET: 'MISSING_TRANSITION_TARGET',
  TOO_DEEPLY_NESTED: 'TOO_DEEPLY_NESTED',
  NO_DOLLAR: 'NO_DOLLAR',
  NO_PATH: 'NO_PATH',
  PASS_RESULT_IS_STATIC: 'PASS_RESULT_IS_STATIC',
} as const;
export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly location?: string;
}

/**
 * The message CreateStateMachine/UpdateStateMachine put in an InvalidDefinition error: every
 * ERROR as `CODE: message at location`, joined by `, `, inside one pair of quotes. Example
 * recorded from AWS (localstack/localstack#12487):
 * `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3
 * at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`
 */
export function formatInvalidDefinitionMessage(diagnostics: readonly Diagnostic[]): string {
  const parts = diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.ERROR)
    // A JSON syntax message already ends with its location (Jackson's "\n at [Source: …]").
    .map((d) => (d.location === undefined || d.message.endsWith(d.location) ? `${d.code}: ${d.message}` : `${d.code}: ${d.message} at ${d.location}`));
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === DiagnosticSeverity.ERROR);
}
