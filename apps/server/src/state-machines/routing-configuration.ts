import type { RoutingConfigurationItem } from '@stepstone/projections';
import { ValidationException } from '../aws-protocol/api-errors';
import { ALIAS_NAME, oneValidationError, type Arns } from '../aws-protocol/arns';

/** An alias name: 1–80 characters of the Smithy model's CharacterRestrictedName pattern. */
export function checkAliasName(name: string): void {
  if (name.length < 1) throw oneValidationError(`Value '${name}' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (name.length > 80) throw oneValidationError(`Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`);
  if (!ALIAS_NAME.test(name)) {
    throw oneValidationError(
      `Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$`,
    );
  }
}

/**
 * An alias's routingConfiguration, checked in the order and words AWS answers with (recorded in
 * LocalStack's test_sfn_api_aliasing snapshots): one or two items, weights 0–100, version ARNs
 * only, distinct, summing to 100, of one state machine. Returns that machine's name.
 */
export function checkRoutingConfiguration(raw: readonly unknown[], arns: Arns): { machine: string; items: RoutingConfigurationItem[] } {
  const items = raw.map((entry, index) => checkItem(entry, index + 1));
  if (items.length < 1) throw oneValidationError("Value '[]' at 'routingConfiguration' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (items.length > 2) {
    const shown = items.map((item) => `RoutingConfigurationListItem(stateMachineVersionArn=${item.stateMachineVersionArn}, weight=${item.weight})`);
    throw oneValidationError(`Value '[${shown.join(', ')}]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2`);
  }
  const received = items.map((item) => item.stateMachineVersionArn).join(', ');
  const targets = items.map((item) => {
    try {
      return arns.parseStateMachineTarget(item.stateMachineVersionArn);
    } catch {
      return undefined;
    }
  });
  if (targets.some((target) => target?.kind !== 'version')) {
    throw new ValidationException(`Routing configuration must contain state machine version ARNs. Received: [${received}]`);
  }
  if (new Set(items.map((item) => item.stateMachineVersionArn)).size !== items.length) {
    throw new ValidationException(`Routing configuration must contain distinct state machine version ARNs. Received: [${received}]`);
  }
  if (items.reduce((sum, item) => sum + item.weight, 0) !== 100) {
    throw new ValidationException(`Sum of routing configuration weights must equal 100. Received: [${items.map((item) => item.weight).join(', ')}]`);
  }
  const machines = new Set(targets.map((target) => target?.name));
  if (machines.size !== 1) {
    throw new ValidationException(`Routing configuration must contain state machine version ARNs of the same state machine. Received: [${received}]`);
  }
  return { machine: [...machines][0] as string, items };
}

function checkItem(entry: unknown, position: number): RoutingConfigurationItem {
  const at = `routingConfiguration.${position}.member`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw oneValidationError(`Value at '${at}' failed to satisfy constraint: Member must be a structure`);
  }
  const { stateMachineVersionArn, weight } = entry as Record<string, unknown>;
  if (stateMachineVersionArn === undefined || stateMachineVersionArn === null) {
    throw oneValidationError(`Value null at '${at}.stateMachineVersionArn' failed to satisfy constraint: Member must not be null`);
  }
  if (typeof stateMachineVersionArn !== 'string') throw oneValidationError(`Value at '${at}.stateMachineVersionArn' failed to satisfy constraint: Member must be a string`);
  if (stateMachineVersionArn.length < 1 || stateMachineVersionArn.length > 256) {
    throw oneValidationError(`Value '${stateMachineVersionArn}' at '${at}.stateMachineVersionArn' failed to satisfy constraint: Member must have length between 1 and 256`);
  }
  if (weight === undefined || weight === null) throw oneValidationError(`Value null at '${at}.weight' failed to satisfy constraint: Member must not be null`);
  if (typeof weight !== 'number' || !Number.isInteger(weight)) throw oneValidationError(`Value at '${at}.weight' failed to satisfy constraint: Member must be an integer`);
  if (weight > 100) throw oneValidationError(`Value '${weight}' at '${at}.weight' failed to satisfy constraint: Member must have value less than or equal to 100`);
  if (weight < 0) throw oneValidationError(`Value '${weight}' at '${at}.weight' failed to satisfy constraint: Member must have value greater than or equal to 0`);
  return { stateMachineVersionArn, weight };
}
