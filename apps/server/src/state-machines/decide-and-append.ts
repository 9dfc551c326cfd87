import { hashDefinition, isWrongExpectedVersionError, type EventStore } from '@stepstone/event-store';
import { stateMachineEventProblem, stateMachineStreamId, type StateMachineEvent } from '@stepstone/projections';
import { MalformedEventError } from '@stepstone/engine';
import { ConflictException } from '../aws-protocol/api-errors';
import { loadStateMachine, noteStateMachineChanged, type LoadedStateMachine } from './state-machine-stream';

export interface Decision<R> {
  readonly events: readonly StateMachineEvent[];
  readonly result: R;
}

const MAX_ATTEMPTS = 5;

/**
 * Load → decide → append naming the revision the decision saw. A writer that raced us makes
 * the append fail; we reload and decide again, so two creates of one name cannot both win.
 * Returns the result and the global position of the append (undefined when nothing was appended).
 */
export async function decideAndAppend<R>(
  store: EventStore,
  name: string,
  metadata: Record<string, unknown>,
  decide: (loaded: LoadedStateMachine) => Decision<R>,
): Promise<{ result: R; position: number | undefined }> {
  for (let attempt = 1; ; attempt += 1) {
    const loaded = await loadStateMachine(store, name);
    const decision = decide(loaded);
    if (decision.events.length === 0) return { result: decision.result, position: undefined };
    // Defence in depth: the edge validated the request; nothing malformed is stored even so.
    for (const event of decision.events) {
      const problem = stateMachineEventProblem(event.type, event.data);
      if (problem !== undefined) throw new MalformedEventError(event.type, problem);
    }
    try {
      const appended = await store.append({
        streamId: stateMachineStreamId(name),
        expectedRevision: loaded.revision ?? 'no_stream',
        events: decision.events.map((event) => ({ type: event.type, data: event.data, metadata })),
        chainSeed: chainSeedOf(decision.events[0]),
      });
      noteStateMachineChanged(store, name);
      return { result: decision.result, position: appended.position };
    } catch (error) {
      if (!isWrongExpectedVersionError(error)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new ConflictException(`State machine '${name}' is being changed concurrently; retry the request`);
    }
  }
}

/** A state machine's stream starts its hash chain at the definition it was created with. */
function chainSeedOf(first: StateMachineEvent): string | undefined {
  return first.type === 'StateMachineCreated' ? hashDefinition(first.data.definition) : undefined;
}
