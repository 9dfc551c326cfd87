import { InvalidExecutionInput } from '../aws-protocol/api-errors';
import { oneValidationError } from '../aws-protocol/arns';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../aws-protocol/json-depth';

/** 256 KiB as UTF-8 (Step Functions quotas, "Maximum input or output size"). */
export const MAX_INPUT_BYTES = 262_144;

/**
 * The execution input: absent means `{}`; more than 256 KiB is the model's length constraint
 * (a ValidationException, the value left out as AWS does for sensitive members); text that is
 * not JSON (the empty string included), or nests deeper than the engine walks, is
 * InvalidExecutionInput.
 */
export function checkExecutionInput(input: string | undefined): string {
  const text = input ?? '{}';
  if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) {
    throw oneValidationError(`Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT_BYTES}`);
  }
  // An empty string is refused before any parse, with AWS's own words (LocalStack's snapshot
  // test_invalid_start_execution_input, start_res_empty, recorded against AWS).
  if (text === '') throw new InvalidExecutionInput('Invalid execution input.');
  if (nestsDeeperThan(text)) throw new InvalidExecutionInput(`Input nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new InvalidExecutionInput(error instanceof Error ? error.message : String(error));
  }
  return text;
}
