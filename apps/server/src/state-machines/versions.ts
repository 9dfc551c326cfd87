import type { EventStore } from '@stepstone/event-store';
import type { Projections, StateMachineEvent } from '@stepstone/projections';
import { ConflictException, ServiceQuotaExceededException, StateMachineDeleting, StateMachineDoesNotExist, ValidationException } from '../aws-protocol/api-errors';
import { oneValidationError, type Arns } from '../aws-protocol/arns';
import { catchUp } from '../infrastructure/read-your-writes';
import { evolveStateMachine, publicRevisionId, type StateMachineState, type StateMachineVersionState } from './state-machine-stream';

/** AWS's quotas per state machine (API_PublishStateMachineVersion, API_CreateStateMachineAlias). */
export const MAX_VERSIONS = 1000;
export const MAX_ALIASES = 100;

/** PublishStateMachineVersion's `revisionId` for a machine that was never updated. */
const INITIAL_REVISION = 'INITIAL';

export interface PublishRequest {
  readonly description?: string;
  /** Publish only if this is still the current revision (ConflictException otherwise). */
  readonly revisionId?: string;
}

export interface Published {
  readonly events: StateMachineEvent[];
  readonly version: Pick<StateMachineVersionState, 'stateMachineVersionArn' | 'creationDate'>;
}

/**
 * Publishes the machine's current revision as the next numbered version, or answers with the
 * latest version already published from it: PublishStateMachineVersion "doesn't create a
 * duplicate state machine version if it already exists for the current revision" and checks
 * "the stateMachineArn, name, and revisionId" (API_PublishStateMachineVersion; the recorded AWS
 * runs publish `:1` twice, LocalStack test_idempotent_publish, 2023-08-11). A description given
 * that differs from that version's makes a new one: moto's AWS-verified
 * test_create_state_machine_with_version_description updates with the same definition,
 * versionDescription "second version" and publish, and the version answered is described so.
 */
export function decidePublish(state: StateMachineState, request: PublishRequest, now: string, arns: Arns): Published {
  const current = publicRevisionId(state) ?? INITIAL_REVISION;
  if (request.revisionId !== undefined && request.revisionId !== current) {
    throw new ConflictException(
      `Failed to publish the State Machine version for revision ${request.revisionId}. The current State Machine revision is ${current}.`,
    );
  }
  const existing = [...state.versions.values()]
    .reverse()
    .find((version) => version.sourceRevisionId === state.revisionId && (request.description === undefined || version.description === request.description));
  if (existing) return { events: [], version: existing };
  if (state.versions.size >= MAX_VERSIONS) {
    throw new ServiceQuotaExceededException(`Exceeded the maximum of ${MAX_VERSIONS} versions for state machine '${state.stateMachineArn}'`);
  }
  const number = state.lastVersion + 1;
  const revisionId = publicRevisionId(state);
  const event: StateMachineEvent = {
    type: 'StateMachineVersionPublished',
    data: {
      v: 1,
      version: number,
      stateMachineVersionArn: arns.stateMachineVersion(state.name, number),
      type: state.type,
      definition: state.definition,
      roleArn: state.roleArn,
      loggingConfiguration: state.loggingConfiguration,
      tracingConfiguration: state.tracingConfiguration,
      encryptionConfiguration: state.encryptionConfiguration,
      sourceRevisionId: state.revisionId,
      ...(revisionId !== undefined ? { revisionId } : {}),
      ...(request.description !== undefined ? { description: request.description } : {}),
      creationDate: now,
    },
  };
  return { events: [event], version: { stateMachineVersionArn: event.data.stateMachineVersionArn, creationDate: now } };
}

/** Create/UpdateStateMachine's `publish` and `versionDescription` (API_CreateStateMachine). */
export function checkPublishFlags(publish: boolean | undefined, versionDescription: string | undefined): void {
  if (versionDescription !== undefined && publish !== true) {
    throw new ValidationException('Version description can only be set when publish is true');
  }
  if (versionDescription !== undefined && versionDescription.length > 256) {
    throw oneValidationError("Value at 'versionDescription' failed to satisfy constraint: Member must have length less than or equal to 256");
  }
}

/** Applies `events` to `state` (a decision that publishes after an update sees the update). */
export function afterEvents(state: StateMachineState | undefined, events: readonly StateMachineEvent[]): StateMachineState {
  let next = state;
  for (const event of events) next = evolveStateMachine(next, event);
  if (!next) throw new Error('a state machine decision deleted the machine it publishes');
  return next;
}

/**
 * Whether a machine in DELETING still waits for executions: DeleteStateMachine keeps it until
 * its last execution ends (API_DeleteStateMachine). Read from the executions read model.
 */
export async function runningExecutions(store: EventStore, projections: Projections, stateMachineArn: string): Promise<number> {
  await catchUp(store, projections);
  return projections.countRunningExecutions(stateMachineArn);
}

/**
 * The machine a command acts on, for commands that need it to exist and not be deleting:
 * StateMachineDeleting while its executions run, StateMachineDoesNotExist once they ended.
 */
export function requireActive(state: StateMachineState | undefined, stateMachineArn: string, deletingRunning: number): StateMachineState {
  if (!state || state.stateMachineArn !== stateMachineArn) throw new StateMachineDoesNotExist(stateMachineArn);
  if (state.status === 'DELETING') {
    if (deletingRunning > 0) throw new StateMachineDeleting(stateMachineArn);
    throw new StateMachineDoesNotExist(stateMachineArn);
  }
  return state;
}
