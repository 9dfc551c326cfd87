import { isWrongExpectedVersionError, type EventStore } from '@stepstone/event-store';
import { DEFAULT_ENCRYPTION, mergeTags, removeTags, type EncryptionConfiguration, type Tag } from '@stepstone/projections';
import { ConflictException } from '../aws-protocol/api-errors';

/** One stream per activity, `activity-<name>`, like state machines: created, deleted (a name may be reused). */
export const ACTIVITY_STREAM_PREFIX = 'activity-';

export function activityStreamId(name: string): string {
  return `${ACTIVITY_STREAM_PREFIX}${name}`;
}

export type ActivityEvent =
  | {
      readonly type: 'ActivityCreated';
      readonly data: {
        readonly v: 1;
        readonly activityArn: string;
        readonly name: string;
        readonly tags: readonly Tag[];
        /** Absent when none was given, or in payloads written before it was kept: an AWS owned key. */
        readonly encryptionConfiguration?: EncryptionConfiguration;
        readonly creationDate: string;
      };
    }
  | { readonly type: 'ActivityDeleted'; readonly data: { readonly v: 1; readonly deletionDate: string } }
  | { readonly type: 'ActivityTagged'; readonly data: { readonly v: 1; readonly tags: readonly Tag[] } }
  | { readonly type: 'ActivityUntagged'; readonly data: { readonly v: 1; readonly tagKeys: readonly string[] } };

const ACTIVITY_EVENT_TYPES: ReadonlySet<string> = new Set(['ActivityCreated', 'ActivityDeleted', 'ActivityTagged', 'ActivityUntagged']);

export interface ActivityState {
  readonly activityArn: string;
  readonly name: string;
  readonly tags: readonly Tag[];
  readonly encryptionConfiguration: EncryptionConfiguration;
  readonly creationDate: string;
}

export function evolveActivity(state: ActivityState | undefined, event: ActivityEvent): ActivityState | undefined {
  switch (event.type) {
    case 'ActivityCreated': {
      const { v: _v, ...created } = event.data;
      return { ...created, encryptionConfiguration: created.encryptionConfiguration ?? DEFAULT_ENCRYPTION };
    }
    case 'ActivityDeleted':
      return undefined;
    case 'ActivityTagged':
      return state && { ...state, tags: mergeTags(state.tags, event.data.tags) };
    case 'ActivityUntagged':
      return state && { ...state, tags: removeTags(state.tags, event.data.tagKeys) };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export interface LoadedActivity {
  /** Undefined when the stream is missing or ends deleted. */
  readonly state: ActivityState | undefined;
  readonly revision: number | undefined;
}

export async function loadActivity(store: EventStore, name: string): Promise<LoadedActivity> {
  const events = await store.readStream(activityStreamId(name));
  let state: ActivityState | undefined;
  for (const recorded of events) {
    if (ACTIVITY_EVENT_TYPES.has(recorded.type)) {
      state = evolveActivity(state, { type: recorded.type, data: recorded.data } as ActivityEvent);
    }
  }
  return { state, revision: events.length === 0 ? undefined : events[events.length - 1].revision };
}

/** Every live activity, by name (ListActivities reads the streams: activities are few). */
export async function listActivities(store: EventStore): Promise<ActivityState[]> {
  const streams = (await store.listStreams?.(ACTIVITY_STREAM_PREFIX)) ?? [];
  const activities: ActivityState[] = [];
  for (const streamId of streams) {
    if (!streamId.startsWith(ACTIVITY_STREAM_PREFIX)) break; // sorted: past the prefix
    const { state } = await loadActivity(store, streamId.slice(ACTIVITY_STREAM_PREFIX.length));
    if (state) activities.push(state);
  }
  return activities;
}

const MAX_ATTEMPTS = 5;

/** Load → decide → append with the revision the decision saw; a racing writer makes us decide again. */
export async function decideAndAppendActivity<R>(
  store: EventStore,
  name: string,
  metadata: Record<string, unknown>,
  decide: (loaded: LoadedActivity) => { events: readonly ActivityEvent[]; result: R },
): Promise<R> {
  for (let attempt = 1; ; attempt += 1) {
    const loaded = await loadActivity(store, name);
    const decision = decide(loaded);
    if (decision.events.length === 0) return decision.result;
    try {
      await store.append({
        streamId: activityStreamId(name),
        expectedRevision: loaded.revision ?? 'no_stream',
        events: decision.events.map((event) => ({ type: event.type, data: event.data, metadata })),
      });
      return decision.result;
    } catch (error) {
      if (!isWrongExpectedVersionError(error)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new ConflictException(`Activity '${name}' is being changed concurrently; retry the request`);
    }
  }
}
