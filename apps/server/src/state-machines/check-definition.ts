import { parseDefinition } from '@stepstone/asl';
import { InvalidDefinition } from '../aws-protocol/api-errors';

/** Validates a definition as CreateStateMachine does; InvalidDefinition carries AWS's message. */
export function checkDefinition(definition: string, stateMachineType: 'STANDARD' | 'EXPRESS'): void {
  const result = parseDefinition(definition, { stateMachineType });
  if (!result.ok) throw new InvalidDefinition(result.message);
}
