import { createHash } from 'node:crypto';
import type { RoutingConfigurationItem } from '@stepstone/projections';
import { StateMachineDeleting, StateMachineDoesNotExist } from '../aws-protocol/api-errors';
import type { StateMachineTarget } from '../aws-protocol/arns';
import type { StateMachineState } from '../state-machines/state-machine-stream';

/** What an execution runs: the machine's current revision, or a version (named, or chosen by an alias). */
export interface StartTarget {
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: string;
  readonly roleArn: string;
  readonly stateMachineVersionArn?: string;
  readonly stateMachineAliasArn?: string;
}

/**
 * Resolves StartExecution's `stateMachineArn` (machine, version or alias ARN). `running` is
 * consulted only for a DELETING machine: StateMachineDeleting while executions run, as if
 * deleted once they ended.
 */
export function resolveStartTarget(
  state: StateMachineState | undefined,
  target: StateMachineTarget,
  arn: string,
  executionName: string,
  running: () => number,
): StartTarget {
  if (!state || state.name !== target.name) throw new StateMachineDoesNotExist(arn);
  if (state.status === 'DELETING') {
    if (running() > 0) throw new StateMachineDeleting(arn);
    throw new StateMachineDoesNotExist(arn);
  }
  switch (target.kind) {
    case 'machine':
      return { type: state.type, definition: state.definition, roleArn: state.roleArn };
    case 'version': {
      const version = state.versions.get(target.version);
      if (!version) throw new StateMachineDoesNotExist(arn);
      return { type: version.type, definition: version.definition, roleArn: version.roleArn, stateMachineVersionArn: version.stateMachineVersionArn };
    }
    case 'alias': {
      const alias = state.aliases.get(target.alias);
      if (!alias) throw new StateMachineDoesNotExist(arn);
      const chosen = routeByWeight(alias.routingConfiguration, `${alias.stateMachineAliasArn}\n${executionName}`);
      const version = [...state.versions.values()].find((candidate) => candidate.stateMachineVersionArn === chosen);
      // An alias's versions cannot be deleted while it points to them (DeleteStateMachineVersion).
      if (!version) throw new StateMachineDoesNotExist(arn);
      return {
        type: version.type,
        definition: version.definition,
        roleArn: version.roleArn,
        stateMachineVersionArn: version.stateMachineVersionArn,
        stateMachineAliasArn: alias.stateMachineAliasArn,
      };
    }
  }
}

/**
 * Picks a version by weight. AWS picks at random; we hash the execution's name instead, so the
 * split follows the weights over many names while a retried StartExecution (same name, same
 * input: idempotent) always lands on the same version.
 */
export function routeByWeight(routing: readonly RoutingConfigurationItem[], key: string): string {
  const bucket = createHash('sha256').update(key).digest().readUInt32BE(0) % 100;
  let upTo = 0;
  for (const item of routing) {
    upTo += item.weight;
    if (bucket < upTo) return item.stateMachineVersionArn;
  }
  return routing[routing.length - 1].stateMachineVersionArn;
}
