import type { EventStore } from '@stepstone/event-store';
import {
  DEFAULT_ENCRYPTION,
  isStateMachineEvent,
  mergeTags,
  removeTags,
  stateMachineStreamId,
  type EncryptionConfiguration,
  type LoggingConfiguration,
  type RoutingConfigurationItem,
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
  /** DEFAULT_ENCRYPTION when none was given (or the stream predates it). */
  readonly encryptionConfiguration: EncryptionConfiguration;
  readonly tags: readonly Tag[];
  readonly creationDate: string;
  readonly updateDate?: string;
  /** The current revision (internal: a machine never updated has no public revisionId, as on AWS). */
  readonly revisionId: string;
  /** DELETING once DeleteStateMachine was called while executions ran. */
  readonly status: 'ACTIVE' | 'DELETING';
  /** Published versions still present, by number. */
  readonly versions: ReadonlyMap<number, StateMachineVersionState>;
  /** The highest version number ever published (numbers are never reused). */
  readonly lastVersion: number;
  readonly aliases: ReadonlyMap<string, StateMachineAliasState>;
}

export interface StateMachineVersionState {
  readonly version: number;
  readonly stateMachineVersionArn: string;
  readonly type: StateMachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
  readonly encryptionConfiguration?: EncryptionConfiguration;
  readonly sourceRevisionId: string;
  readonly revisionId?: string;
  readonly description?: string;
  readonly creationDate: string;
}

export interface StateMachineAliasState {
  readonly name: string;
  readonly stateMachineAliasArn: string;
  readonly description?: string;
  readonly routingConfiguration: readonly RoutingConfigurationItem[];
  readonly creationDate: string;
  readonly updateDate: string;
}

/** The revisionId AWS shows: none until the first update (API_PublishStateMachineVersion, "INITIAL"). */
export function publicRevisionId(state: StateMachineState): string | undefined {
  return state.updateDate !== undefined ? state.revisionId : undefined;
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
      return {
        ...created,
        encryptionConfiguration: created.encryptionConfiguration ?? DEFAULT_ENCRYPTION,
        status: 'ACTIVE',
        versions: new Map(),
        lastVersion: 0,
        aliases: new Map(),
      };
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
        encryptionConfiguration: changes.encryptionConfiguration ?? state.encryptionConfiguration,
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
    case 'StateMachineDeletionRequested':
      return state && { ...state, status: 'DELETING' };
    case 'StateMachineVersionPublished': {
      if (!state) return state;
      const { v: _v, ...version } = event.data;
      const versions = new Map(state.versions).set(version.version, version);
      return { ...state, versions, lastVersion: Math.max(state.lastVersion, version.version) };
    }
    case 'StateMachineVersionDeleted': {
      if (!state) return state;
      const versions = new Map(state.versions);
      versions.delete(event.data.version);
      return { ...state, versions };
    }
    case 'StateMachineAliasCreated': {
      if (!state) return state;
      const { v: _v, ...alias } = event.data;
      return { ...state, aliases: new Map(state.aliases).set(alias.name, { ...alias, updateDate: alias.creationDate }) };
    }
    case 'StateMachineAliasUpdated': {
      const alias = state?.aliases.get(event.data.name);
      if (!state || !alias) return state;
      const { description, routingConfiguration, updateDate } = event.data;
      const updated: StateMachineAliasState = {
        ...alias,
        ...(description !== undefined ? { description } : {}),
        routingConfiguration: routingConfiguration ?? alias.routingConfiguration,
        updateDate,
      };
      return { ...state, aliases: new Map(state.aliases).set(alias.name, updated) };
    }
    case 'StateMachineAliasDeleted': {
      if (!state) return state;
      const aliases = new Map(state.aliases);
      aliases.delete(event.data.name);
      return { ...state, aliases };
    }
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
