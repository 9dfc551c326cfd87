import type { EventStore } from '@stepstone/event-store';
import {
  isStateMachineEvent,
  mergeTags,
  removeTags,
  stateMachineStreamId,
  type LoggingConfiguration,
  type StateMachineEvent,
  type StateMachineType,
  type Tag,
  type TracingConfiguration,
} from '@stepstone/projections';

/** The write model of one state machine: its stream folded. Commands decide on it. */
export interface StateMachineState {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
  readonly tags: readonly Tag[];
  readonly creationDate: string;
  readonly updateDate?: string;
  readonly revisionId: string;
}

export interface LoadedStateMachine {
  /** Undefined when the stream is missing or ends deleted (the name may be reused then). */
  readonly state: StateMachineState | undefined;
  /** Revision of the stream's last event, for the next append's expected revision. */
  readonly revision: number | undefined;
}

export function evolveStateMachine(state: StateMachineState | undefined, event: StateMachineEvent): StateMachineState | undefined {
  switch (event.type) {
    case 'StateMachineCreated': {
      const { v: _v, description: _description, ...created } = event.data;
      return created;
    }
    case 'StateMachineUpdated': {
      if (!state) return state;
      const { v: _v, ...changes } = event.data;
      return {
        ...state,
        definition: changes.definition ?? state.definition,
        roleArn: changes.roleArn ?? state.roleArn,
        loggingConfiguration: changes.loggingConfiguration ?? state.loggingConfiguration,
        tracingConfiguration: changes.tracingConfiguration ?? state.tracingConfiguration,
        updateDate: changes.updateDate,
        revisionId: changes.revisionId,
      };
    }
    case 'StateMachineDeleted':
      return undefined;
    case 'StateMachineTagged':
      return state && { ...state, tags: mergeTags(state.tags, event.data.tags) };
    case 'StateMachineUntagged':
      return state && { ...state, tags: removeTags(state.tags, event.data.tagKeys) };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export async function loadStateMachine(store: EventStore, name: string): Promise<LoadedStateMachine> {
  const events = await store.readStream(stateMachineStreamId(name));
  let state: StateMachineState | undefined;
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data } as { type: string; data: unknown };
    if (isStateMachineEvent(event)) state = evolveStateMachine(state, event);
  }
  return { state, revision: events.length === 0 ? undefined : events[events.length - 1].revision };
}

/** Most state machines a cached loader keeps before it starts over (they are few in practice). */
const MAX_CACHED_MACHINES = 1_000;

/**
 * loadStateMachine for the start path, which reads the same machine for every execution: the
 * folded state is kept per name and reused while the stream's revision is unchanged (a single
 * indexed lookup, no event rows), so an update, tag or delete — by this process or another
 * sharing the store — is seen by the next start.
 */
export function createStateMachineLoader(store: EventStore): (name: string) => Promise<LoadedStateMachine> {
  const cache = new Map<string, LoadedStateMachine>();
  return async (name) => {
    const revision = await store.streamRevision(stateMachineStreamId(name));
    const cached = cache.get(name);
    if (cached && revision !== undefined && cached.revision === revision) return cached;
    const loaded = await loadStateMachine(store, name);
    if (cache.size >= MAX_CACHED_MACHINES) cache.clear();
    cache.set(name, loaded);
    return loaded;
  };
}
