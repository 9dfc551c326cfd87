import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@stepstone/event-store';
import { isStateMachineEvent, mergeTags, removeTags, STATE_MACHINE_STREAM_PREFIX, type Tag } from '../events/state-machine-events';
import { createVersionAliasApplier } from './versions-and-aliases';

/** Execution streams as the engine names them (`execution-<stateMachineName>:<executionName>`). */
export const EXECUTION_STREAM_PREFIX = 'execution-';

/**
 * The fields of an execution event the read model needs. Read structurally: this lib only sees
 * the event store (DESIGN.md's arrows), and the engine stores AWS's history shape, so the
 * field names are AWS's (`executionSucceededEventDetails.output`...).
 */
interface ExecutionEventData {
  readonly timestamp?: string;
  readonly x?: {
    readonly start?: {
      readonly executionArn: string;
      readonly stateMachineArn: string;
      readonly name: string;
      readonly type: string;
    };
  };
  readonly [field: string]: unknown;
}

const closingEvents: Readonly<Record<string, { status: string; details: string }>> = {
  ExecutionSucceeded: { status: 'SUCCEEDED', details: 'executionSucceededEventDetails' },
  ExecutionFailed: { status: 'FAILED', details: 'executionFailedEventDetails' },
  ExecutionAborted: { status: 'ABORTED', details: 'executionAbortedEventDetails' },
  ExecutionTimedOut: { status: 'TIMED_OUT', details: 'executionTimedOutEventDetails' },
};

interface StateMachineTagsRow {
  readonly tags: string;
}

/** Builds the function that applies one event to the read-model tables (inside the caller's transaction). */
export function createEventApplier(db: Database.Database): (event: RecordedEvent) => void {
  const sm = {
    upsert: db.prepare(
      `INSERT INTO read_state_machines (name, arn, type, status, definition, role_arn, description, logging_configuration,
         tracing_configuration, tags, creation_date, update_date, revision_id, position)
       VALUES (@name, @arn, @type, 'ACTIVE', @definition, @roleArn, @description, @logging, @tracing, @tags, @creationDate, NULL, @revisionId, @position)
       ON CONFLICT (name) DO UPDATE SET arn = excluded.arn, type = excluded.type, status = excluded.status,
         definition = excluded.definition, role_arn = excluded.role_arn, description = excluded.description,
         logging_configuration = excluded.logging_configuration, tracing_configuration = excluded.tracing_configuration,
         tags = excluded.tags, creation_date = excluded.creation_date, update_date = NULL,
         revision_id = excluded.revision_id, position = excluded.position`,
    ),
    update: db.prepare(
      `UPDATE read_state_machines SET definition = coalesce(@definition, definition), role_arn = coalesce(@roleArn, role_arn),
         logging_configuration = coalesce(@logging, logging_configuration), tracing_configuration = coalesce(@tracing, tracing_configuration),
         update_date = @updateDate, revision_id = @revisionId, position = @position
       WHERE name = @name`,
    ),
    remove: db.prepare<[string]>('DELETE FROM read_state_machines WHERE name = ?'),
    deleting: db.prepare<[number, string]>("UPDATE read_state_machines SET status = 'DELETING', position = ? WHERE name = ?"),
    tags: db.prepare<[string], StateMachineTagsRow>('SELECT tags FROM read_state_machines WHERE name = ?'),
    setTags: db.prepare<[string, number, string]>('UPDATE read_state_machines SET tags = ?, position = ? WHERE name = ?'),
  };
  const ex = {
    start: db.prepare(
      `INSERT INTO read_executions (stream_id, execution_arn, state_machine_arn, name, type, status, start_date, input, start_position, position,
         state_machine_version_arn, state_machine_alias_arn)
       VALUES (@streamId, @executionArn, @stateMachineArn, @name, @type, 'RUNNING', @startDate, @input, @position, @position, @versionArn, @aliasArn)
       ON CONFLICT (stream_id) DO NOTHING`,
    ),
    redrive: db.prepare(
      `UPDATE read_executions SET status = 'RUNNING', stop_date = NULL, output = NULL, error = NULL, cause = NULL,
         redrive_count = @redriveCount, redrive_date = @redriveDate, position = @position
       WHERE stream_id = @streamId`,
    ),
    close: db.prepare(
      `UPDATE read_executions SET status = @status, stop_date = @stopDate, output = @output, error = @error, cause = @cause, position = @position
       WHERE stream_id = @streamId`,
    ),
  };

  const versionsAndAliases = createVersionAliasApplier(db);
  const applyStateMachineEvent = (event: RecordedEvent) => {
    const name = event.streamId.slice(STATE_MACHINE_STREAM_PREFIX.length);
    const typed = { type: event.type, data: event.data } as { type: string; data: unknown };
    if (!isStateMachineEvent(typed)) return;
    switch (typed.type) {
      case 'StateMachineCreated': {
        const d = typed.data;
        sm.upsert.run({
          name,
          arn: d.stateMachineArn,
          type: d.type,
          definition: d.definition,
          roleArn: d.roleArn,
          description: d.description ?? null,
          logging: JSON.stringify(d.loggingConfiguration),
          tracing: JSON.stringify(d.tracingConfiguration),
          tags: JSON.stringify(d.tags),
          creationDate: d.creationDate,
          revisionId: d.revisionId,
          position: event.position,
        });
        return;
      }
      case 'StateMachineUpdated': {
        const d = typed.data;
        sm.update.run({
          name,
          definition: d.definition ?? null,
          roleArn: d.roleArn ?? null,
          logging: d.loggingConfiguration ? JSON.stringify(d.loggingConfiguration) : null,
          tracing: d.tracingConfiguration ? JSON.stringify(d.tracingConfiguration) : null,
          updateDate: d.updateDate,
          revisionId: d.revisionId,
          position: event.position,
        });
        return;
      }
      case 'StateMachineDeleted':
        sm.remove.run(name);
        versionsAndAliases.removeMachine(name);
        return;
      case 'StateMachineDeletionRequested':
        sm.deleting.run(event.position, name);
        return;
      case 'StateMachineVersionPublished':
      case 'StateMachineVersionDeleted':
      case 'StateMachineAliasCreated':
      case 'StateMachineAliasUpdated':
      case 'StateMachineAliasDeleted':
        versionsAndAliases.apply(name, typed, event.position);
        return;
      case 'StateMachineTagged':
      case 'StateMachineUntagged': {
        const row = sm.tags.get(name);
        if (!row) return;
        const current = JSON.parse(row.tags) as Tag[];
        const next = typed.type === 'StateMachineTagged' ? mergeTags(current, typed.data.tags) : removeTags(current, typed.data.tagKeys);
        sm.setTags.run(JSON.stringify(next), event.position, name);
        return;
      }
      default: {
        const unreachable: never = typed;
        return unreachable;
      }
    }
  };

  const applyExecutionEvent = (event: RecordedEvent) => {
    // Decided by type first: most of an execution's events (states entered and exited) change
    // no read model, and reading `data` would parse their stored JSON for nothing.
    if (event.type !== 'ExecutionStarted' && event.type !== 'ExecutionRedriven' && closingEvents[event.type] === undefined) return;
    const data = event.data as ExecutionEventData;
    if (event.type === 'ExecutionStarted') {
      const start = data.x?.start;
      if (!start) return;
      const details = (data.executionStartedEventDetails ?? {}) as { input?: string; stateMachineVersionArn?: string; stateMachineAliasArn?: string };
      ex.start.run({
        streamId: event.streamId,
        executionArn: start.executionArn,
        stateMachineArn: start.stateMachineArn,
        name: start.name,
        type: start.type,
        startDate: data.timestamp ?? event.recordedAt,
        input: details.input ?? null,
        position: event.position,
        versionArn: details.stateMachineVersionArn ?? null,
        aliasArn: details.stateMachineAliasArn ?? null,
      });
      return;
    }
    if (event.type === 'ExecutionRedriven') {
      const details = (data.executionRedrivenEventDetails ?? {}) as { redriveCount?: number };
      ex.redrive.run({
        streamId: event.streamId,
        redriveCount: details.redriveCount ?? 1,
        redriveDate: data.timestamp ?? event.recordedAt,
        position: event.position,
      });
      return;
    }
    const closing = closingEvents[event.type];
    if (!closing) return;
    const details = (data[closing.details] ?? {}) as { output?: string; error?: string; cause?: string };
    ex.close.run({
      streamId: event.streamId,
      status: closing.status,
      stopDate: data.timestamp ?? event.recordedAt,
      output: details.output ?? null,
      error: details.error ?? null,
      cause: details.cause ?? null,
      position: event.position,
    });
  };

  return (event) => {
    if (event.streamId.startsWith(STATE_MACHINE_STREAM_PREFIX)) applyStateMachineEvent(event);
    else if (event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) applyExecutionEvent(event);
  };
}
