import { useCallback, useEffect, useMemo, useState } from 'react';
import { aws, consoleApi, formatDate, STATUSES, subscribeChanges } from '../api';
import { GraphLegend, GraphView } from '../graph-view';
import { highlightJson, isValidJson, JsonEditor, pretty } from '../json-view';
import { definitionGraph } from '../state-graph';
import { DefinitionEditor } from './definition-editor';
import { StatusCounts } from './state-machines-page';

const PAGE_SIZE = 20;

export function GraphOrNotice({ definition, ...rest }: { definition: string } & Omit<React.ComponentProps<typeof GraphView>, 'graph'>) {
  const graph = useMemo(() => {
    try {
      return definitionGraph(JSON.parse(definition));
    } catch {
      return undefined;
    }
  }, [definition]);
  if (!graph) return <div className="notice">The graph view needs libs/asl's state graph model, which this build does not include yet.</div>;
  return (
    <>
      <GraphView graph={graph} {...rest} />
      <GraphLegend outcomes={rest.outcomes !== undefined} />
    </>
  );
}

export function StateMachinePage({ arn, tab = 'graph' }: { arn: string; tab?: string }) {
  const [machine, setMachine] = useState<any>();
  const [counts, setCounts] = useState<Record<string, number>>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState(false);
  const [starting, setStarting] = useState(false);
  const load = useCallback(async () => {
    try {
      setMachine(await aws('DescribeStateMachine', { stateMachineArn: arn }));
      setCounts((await consoleApi('counts')).counts[arn]);
    } catch (caught) {
      setError(String(caught));
    }
  }, [arn]);
  useEffect(() => subscribeChanges({ stateMachineArn: arn }, () => void load(), 500), [arn, load]);
  if (error) return <div className="error-box">{error}</div>;
  if (!machine) return <div className="muted">Loading…</div>;
  const base = `#/state-machines/${encodeURIComponent(arn)}`;
  return (
    <section>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <a href="#/">State machines</a> /
          </div>
          <h1>{machine.name}</h1>
          <div className="muted small">
            {machine.type} · created {formatDate(machine.creationDate)} · <StatusCounts counts={counts} />
          </div>
        </div>
        <div className="actions">
          <button onClick={() => setStarting(!starting)}>{starting ? 'Cancel' : 'Start execution'}</button>
          <button className="secondary" onClick={() => setEditing(!editing)}>
            {editing ? 'Cancel edit' : 'Edit definition'}
          </button>
        </div>
      </div>
      {starting && <StartExecution stateMachineArn={arn} />}
      {editing && (
        <DefinitionEditor
          stateMachineArn={arn}
          initial={pretty(machine.definition)}
          onDone={() => {
            setEditing(false);
            void load();
          }}
        />
      )}
      <nav className="tabs">
        <a className={tab === 'graph' ? 'active' : ''} href={`${base}/graph`}>
          Graph and definition
        </a>
        <a className={tab === 'executions' ? 'active' : ''} href={`${base}/executions`}>
          Executions
        </a>
      </nav>
      {tab === 'executions' ? (
        <ExecutionsList stateMachineArn={arn} />
      ) : (
        <div className="split">
          <div className="card grow">
            <GraphOrNotice definition={machine.definition} />
          </div>
          <div className="card definition">
            <pre className="json" aria-label="Definition">
              {highlightJson(pretty(machine.definition))}
            </pre>
          </div>
        </div>
      )}
    </section>
  );
}

function StartExecution({ stateMachineArn }: { stateMachineArn: string }) {
  const [name, setName] = useState('');
  const [input, setInput] = useState('{}');
  const [error, setError] = useState<string>();
  const start = async () => {
    setError(undefined);
    try {
      const started = await aws('StartExecution', { stateMachineArn, input, ...(name ? { name } : {}) });
      window.location.hash = `#/executions/${encodeURIComponent(started.executionArn)}`;
    } catch (caught) {
      setError(`${(caught as { type?: string }).type ?? 'Error'}: ${(caught as Error).message}`);
    }
  };
  return (
    <div className="card editor">
      <label className="field">
        Name (optional) <input aria-label="Execution name" value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <JsonEditor label="Execution input" value={input} onChange={setInput} rows={6} />
      {error && <div className="error-box">{error}</div>}
      <button disabled={!isValidJson(input)} onClick={() => void start()}>
        Start
      </button>
    </div>
  );
}

function ExecutionsList({ stateMachineArn }: { stateMachineArn: string }) {
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ executions: any[]; nextToken?: string }>();
  const [error, setError] = useState<string>();
  const token = tokens[tokens.length - 1];
  const load = useCallback(async () => {
    try {
      const request = { stateMachineArn, maxResults: PAGE_SIZE, ...(status ? { statusFilter: status } : {}), ...(token ? { nextToken: token } : {}) };
      setPage(
        search.trim() === ''
          ? await aws('ListExecutions', request)
          : await consoleApi('executions', { ...request, maxResults: String(PAGE_SIZE), name: search.trim() } as Record<string, string>),
      );
      setError(undefined);
    } catch (caught) {
      setError(String(caught));
    }
  }, [stateMachineArn, status, search, token]);
  useEffect(() => subscribeChanges({ stateMachineArn }, () => void load(), 300), [stateMachineArn, load]);
  const reset = () => setTokens([undefined]);
  return (
    <div className="card">
      <div className="filters">
        <select aria-label="Status filter" value={status} onChange={(event) => (setStatus(event.target.value), reset())}>
          <option value="">All statuses</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
        <input aria-label="Search by name" placeholder="Search by name" value={search} onChange={(event) => (setSearch(event.target.value), reset())} />
        <span className="live-dot" title="Live: updates as executions change">live</span>
      </div>
      {error && <div className="error-box">{error}</div>}
      <table className="table" aria-label="Executions">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Started</th>
            <th>Stopped</th>
          </tr>
        </thead>
        <tbody>
          {page?.executions.map((execution) => (
            <tr key={execution.executionArn}>
              <td>
                <a href={`#/executions/${encodeURIComponent(execution.executionArn)}`}>{execution.name}</a>
              </td>
              <td>
                <span className={`badge status-${execution.status}`}>{execution.status}</span>
              </td>
              <td>{formatDate(execution.startDate)}</td>
              <td>{formatDate(execution.stopDate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button className="secondary" disabled={tokens.length <= 1} onClick={() => setTokens(tokens.slice(0, -1))}>
          Previous
        </button>
        <span className="muted">page {tokens.length}</span>
        <button className="secondary" disabled={!page?.nextToken} onClick={() => setTokens([...tokens, page?.nextToken])}>
          Next
        </button>
      </div>
    </div>
  );
}
