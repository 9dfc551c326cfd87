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
 * How long a start trusts a state machine it has checked without checking again. Changes made by
 * this process are seen at once (noteStateMachineChanged); a change made by another process on
 * the same store is seen by the starts here at most this long after it, which AWS documents too
 * (UpdateStateMachine is eventually consistent: "Executions started immediately after calling
 * UpdateStateMachine may use the previous state machine definition"). Without it every start paid
 * a database round trip to read the stream's revision, about a tenth of a server's CPU per
 * execution on PostgreSQL (bench/README.md).
 */
export const STATE_MACHINE_RECHECK_MS = 200;

/** Per store: how many times this process changed each state machine (its stream), so loaders drop what they hold. */
const localChanges = new WeakMap<EventStore, Map<string, number>>();

/** Called after every append to a state machine's stream (decide-and-append.ts): loaders of this store load it again. */
export function noteStateMachineChanged(store: EventStore, name: string): void {
  let changes = localChanges.get(store);
  if (changes === undefined) localChanges.set(store, (changes = new Map()));
  changes.set(name, (changes.get(name) ?? 0) + 1);
}

interface CheckedMachine {
  readonly loaded: LoadedStateMachine;
  /** noteStateMachineChanged's count for the name when it was loaded. */
  readonly changes: number;
  checkedAt: number;
}

/**
 * loadStateMachine for the start path, which reads the same machine for every execution: the
 * folded state is kept per name. Within STATE_MACHINE_RECHECK_MS of the last check it is used as
 * it is unless this process changed the machine since; after that, one indexed lookup of the
 * stream's revision says whether it still holds (no event rows), so an update, tag or delete by
 * another process sharing the store is seen by the next start after that time.
 */
export function createStateMachineLoader(
  store: EventStore,
  options: { readonly recheckAfterMs?: number; readonly now?: () => number } = {},
): (name: string) => Promise<LoadedStateMachine> {
  const recheckAfterMs = options.recheckAfterMs ?? STATE_MACHINE_RECHECK_MS;
  const now = options.now ?? (() => performance.now());
  const cache = new Map<string, CheckedMachine>();
  // One check per name at a time: the starts that arrive while it runs share it, so a busy
  // process pays one revision lookup per recheck time rather than one per start in flight.
  const checking = new Map<string, { readonly changes: number; readonly check: Promise<LoadedStateMachine> }>();

  const check = async (name: string, current: CheckedMachine | undefined, changes: number): Promise<LoadedStateMachine> => {
    const revision = await store.streamRevision(stateMachineStreamId(name));
    if (current && revision !== undefined && current.loaded.revision === revision) {
      current.checkedAt = now();
      return current.loaded;
    }
    const checkedAt = now();
    const loaded = await loadStateMachine(store, name);
    if (cache.size >= MAX_CACHED_MACHINES) cache.clear();
    // A machine that does not exist is not kept: its creation, wherever it happens, is seen at once.
    if (loaded.revision === undefined) cache.delete(name);
    else cache.set(name, { loaded, changes, checkedAt });
    return loaded;
  };

  return async (name) => {
    const changes = localChanges.get(store)?.get(name) ?? 0;
    const cached = cache.get(name);
    const current = cached !== undefined && cached.changes === changes ? cached : undefined;
    if (current && now() - current.checkedAt < recheckAfterMs) return current.loaded;
    const running = checking.get(name);
    // A check begun before a change made here would return the machine as it was: not shared.
    if (running !== undefined && running.changes === changes) return running.check;
    const started = check(name, current, changes).finally(() => {
      if (checking.get(name)?.check === started) checking.delete(name);
    });
    checking.set(name, { changes, check: started });
    return started;
  };
}
