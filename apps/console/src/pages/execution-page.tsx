import { useCallback, useEffect, useMemo, useState } from 'react';
import { aws, formatDate, formatDuration, subscribeChanges } from '../api';
import { detailsOf, summarizeStates, type HistoryEvent } from '../execution-model';
import { ExpandableJson, JsonView } from '../json-view';
import { GraphOrNotice } from './state-machine-page';
import { Timeline } from './timeline';

async function readHistory(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws('GetExecutionHistory', { executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export function ExecutionPage({ arn, tab = 'graph' }: { arn: string; tab?: string }) {
  const [execution, setExecution] = useState<any>();
  const [definition, setDefinition] = useState<string>();
  const [history, setHistory] = useState<HistoryEvent[]>([]);
  const [error, setError] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [now, setNow] = useState(Date.now());
  const load = useCallback(async () => {
    try {
      const [described, events] = await Promise.all([aws('DescribeExecution', { executionArn: arn }), readHistory(arn)]);
      setExecution(described);
      setHistory(events);
      setNow(Date.now());
    } catch (caught) {
      setError(String(caught));
    }
  }, [arn]);
  useEffect(() => {
    aws('DescribeStateMachineForExecution', { executionArn: arn }).then(
      (machine) => setDefinition(machine.definition),
      (caught: unknown) => setError(String(caught)),
    );
  }, [arn]);
  useEffect(() => subscribeChanges({ executionArn: arn }, () => void load(), 150), [arn, load]);
  const summaries = useMemo(() => summarizeStates(history, now), [history, now]);
  const outcomes = useMemo(() => new Map([...summaries].map(([name, summary]) => [name, summary.outcome])), [summaries]);
  if (error) return <div className="error-box">{error}</div>;
  if (!execution) return <div className="muted">Loading…</div>;
  const act = async (action: 'StopExecution' | 'RedriveExecution') => {
    setActionError(undefined);
    try {
      await aws(action, { executionArn: arn });
      await load();
    } catch (caught) {
      setActionError(`${(caught as { type?: string }).type ?? 'Error'}: ${(caught as Error).message}`);
    }
  };
  const machineArn: string = execution.stateMachineArn;
  const base = `#/executions/${encodeURIComponent(arn)}`;
  const duration = ((execution.stopDate ?? now / 1000) - execution.startDate) * 1000;
  const state = selected ? summaries.get(selected) : undefined;
  return (
    <section>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <a href="#/">State machines</a> / <a href={`#/state-machines/${encodeURIComponent(machineArn)}/executions`}>{machineArn.split(':').pop()}</a> /
          </div>
          <h1>
            {execution.name}{' '}
            <span className={`badge big status-${execution.status}`} data-testid="execution-status">
              {execution.status}
            </span>
          </h1>
          <div className="muted small">
            started {formatDate(execution.startDate)}
            {execution.stopDate ? ` · stopped ${formatDate(execution.stopDate)}` : ''} · {formatDuration(duration)}
            {execution.redriveCount > 0 ? ` · redriven ${execution.redriveCount}×` : ''}
          </div>
        </div>
        <div className="actions">
          <button className="danger" disabled={execution.status !== 'RUNNING'} onClick={() => void act('StopExecution')}>
            Stop
          </button>
          <button className="secondary" disabled={execution.redriveStatus !== 'REDRIVABLE'} title={execution.redriveStatusReason} onClick={() => void act('RedriveExecution')}>
            Redrive
          </button>
        </div>
      </div>
      {actionError && <div className="error-box">{actionError}</div>}
      {(execution.error || execution.cause) && (
        <div className="error-box" data-testid="execution-error">
          <b>{execution.error}</b> {execution.cause}
        </div>
      )}
      <nav className="tabs">
        <a className={tab === 'graph' ? 'active' : ''} href={`${base}/graph`}>
          Graph
        </a>
        <a className={tab === 'events' ? 'active' : ''} href={`${base}/events`}>
          Events ({history.length})
        </a>
        <a className={tab === 'timeline' ? 'active' : ''} href={`${base}/timeline`}>
          Timeline
        </a>
      </nav>
      {tab === 'events' && <EventsTable events={history} />}
      {tab === 'timeline' && definition && <Timeline executionArn={arn} definition={definition} version={history.length} />}
      {tab === 'graph' && (
        <div className="split">
          <div className="card grow">{definition && <GraphOrNotice definition={definition} outcomes={outcomes} highlighted={selected} onSelect={setSelected} />}</div>
          <aside className="card side">
            {state && selected ? (
              <>
                <h2>{selected}</h2>
                <div className="small">
                  <span className={`badge outcome-${state.outcome}`}>{state.outcome}</span> · {formatDuration(state.durationMs)}
                  {state.visits > 1 ? ` · ${state.visits} visits` : ''}
                  {state.retries > 0 ? ` · ${state.retries} retries` : ''}
                </div>
                {(state.error || state.cause) && (
                  <div className="error-box">
                    <b>{state.error}</b> {state.cause}
                  </div>
                )}
                <JsonView label="Input" text={state.input} />
                <JsonView label="Output" text={state.output} />
              </>
            ) : (
              <>
                <h2>Execution</h2>
                <JsonView label="Input" text={execution.input} />
                <JsonView label="Output" text={execution.output} />
                <StateDurations summaries={summaries} onSelect={setSelected} />
              </>
            )}
          </aside>
        </div>
      )}
    </section>
  );
}

function StateDurations({ summaries, onSelect }: { summaries: ReturnType<typeof summarizeStates>; onSelect: (name: string) => void }) {
  return (
    <table className="table compact" aria-label="States">
      <thead>
        <tr>
          <th>State</th>
          <th>Outcome</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {[...summaries].map(([name, summary]) => (
          <tr key={name} onClick={() => onSelect(name)} className="clickable">
            <td>{name}</td>
            <td>
              <span className={`badge outcome-${summary.outcome}`}>{summary.outcome}</span>
            </td>
            <td>{formatDuration(summary.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventsTable({ events }: { events: HistoryEvent[] }) {
  const [type, setType] = useState('');
  const types = useMemo(() => [...new Set(events.map((event) => event.type))].sort(), [events]);
  const shown = type ? events.filter((event) => event.type === type) : events;
  const start = events[0]?.timestamp ?? 0;
  return (
    <div className="card">
      <div className="filters">
        <select aria-label="Event type filter" value={type} onChange={(event) => setType(event.target.value)}>
          <option value="">All event types</option>
          {types.map((value) => (
            <option key={value}>{value}</option>
          ))}
        </select>
        <span className="muted">{shown.length} events</span>
      </div>
      <table className="table" aria-label="Event history">
        <thead>
          <tr>
            <th>ID</th>
            <th>Type</th>
            <th>Step</th>
            <th>Elapsed</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((event) => {
            const details = detailsOf(event);
            return (
              <tr key={event.id}>
                <td>{event.id}</td>
                <td className={/Failed|TimedOut|Aborted/.test(event.type) ? 'text-failed' : ''}>{event.type}</td>
                <td>{typeof details?.name === 'string' ? details.name : ''}</td>
                <td>{formatDuration((event.timestamp - start) * 1000)}</td>
                <td>
                  <ExpandableJson value={details} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
