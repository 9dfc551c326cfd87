/**
 * Compact JSON as AWS prints it in causes and in States.JsonToString: no spaces
 * (corpus: test_json_to_string gives `{"Arg1":1,"Arg2":[]}`).
 */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'null' : text;
}
