import { hashDefinition, type ExpectedChainSeeds, type RecordedEvent } from '@stepstone/event-store';
import { STATE_MACHINE_STREAM_PREFIX, stateMachineStreamId } from '../events/state-machine-events';
import { EXECUTION_STREAM_PREFIX } from '../read-models/apply-events';
import type { EventStore } from '@stepstone/event-store';

interface ExecutionStartedData {
  readonly x?: { readonly start?: { readonly stateMachineArn?: string; readonly definition?: string } };
}

interface DefinitionData {
  readonly definition?: string;
}

/**
 * Where Stepstone's chains start (DESIGN.md, "The event model"): a state machine's stream at the
 * hash of the definition it was created with; an execution's stream at the hash of a definition
 * its state machine held before the execution started. The second is a link between two
 * streams: an execution whose recorded definition was rewritten, chain and all, still fails,
 * because the state machine's own (chained) stream never held that definition.
 */
export function stepstoneChainSeeds(store: EventStore): ExpectedChainSeeds {
  const machineStreams = new Map<string, Promise<RecordedEvent[]>>();
  const machineStream = (streamId: string) => {
    let read = machineStreams.get(streamId);
    if (!read) {
      read = store.readStream(streamId);
      machineStreams.set(streamId, read);
    }
    return read;
  };

  return async (streamId, first) => {
    if (streamId.startsWith(STATE_MACHINE_STREAM_PREFIX)) {
      const definition = (first.data as DefinitionData | null)?.definition;
      return first.type === 'StateMachineCreated' && typeof definition === 'string' ? [hashDefinition(definition)] : [];
    }
    if (streamId.startsWith(EXECUTION_STREAM_PREFIX)) {
      const start = (first.data as ExecutionStartedData | null)?.x?.start;
      if (first.type !== 'ExecutionStarted' || typeof start?.stateMachineArn !== 'string') return [];
      // arn:aws:states:<region>:<account>:stateMachine:<name>[:<version or alias>]
      const machineName = start.stateMachineArn.split(':')[6] ?? '';
      const machine = await machineStream(stateMachineStreamId(machineName));
      if (machine.length === 0) {
        // The state machine's stream is gone (verify --all reports the hole in positions); all
        // that is left to check is that the chain starts at the definition the execution recorded.
        return typeof start.definition === 'string' ? [hashDefinition(start.definition)] : [];
      }
      const seeds: string[] = [];
      for (const event of machine) {
        if (event.position > first.position) break;
        const definition = (event.data as DefinitionData | null)?.definition;
        if ((event.type === 'StateMachineCreated' || event.type === 'StateMachineUpdated') && typeof definition === 'string') {
          seeds.unshift(hashDefinition(definition)); // latest first: the likeliest, shown first
        }
      }
      return seeds;
    }
    return undefined;
  };
}
