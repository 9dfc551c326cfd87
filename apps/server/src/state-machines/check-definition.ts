import { parseDefinition } from '@stepstone/asl';
import { InvalidDefinition } from '../aws-protocol/api-errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../aws-protocol/json-depth';

/** Validates a definition as CreateStateMachine does; InvalidDefinition carries AWS's message. */
export function checkDefinition(definition: string, stateMachineType: 'STANDARD' | 'EXPRESS'): void {
  if (nestsDeeperThan(definition)) throw new InvalidDefinition(`Definition nests deeper than ${MAX_JSON_DEPTH} levels`);
  const result = parseDefinition(definition, { stateMachineType });
  if (!result.ok) throw new InvalidDefinition(result.message);
}
