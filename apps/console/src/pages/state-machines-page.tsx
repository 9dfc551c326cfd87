import { useCallback, useEffect, useState } from 'react';
import { aws, consoleApi, formatDate, STATUSES, subscribeChanges } from '../api';
import { DefinitionEditor } from './definition-editor';

interface MachineItem {
  stateMachineArn: string;
  name: string;
  type: string;
  creationDate: number;
}

export function StatusCounts({ counts }: { counts: Record<string, number> | undefined }) {
  return (
    <span className="counts">
      {STATUSES.filter((status) => (counts?.[status] ?? 0) > 0).map((status) => (
        <span key={status} className={`badge status-${status}`} title={status}>
          {status.replace('_', ' ').toLowerCase()} {counts?.[status]}
        </span>
      ))}
      {!counts && <span className="muted">no executions</span>}
    </span>
  );
}

export function StateMachinesPage() {
  const [machines, setMachines] = useState<MachineItem[]>();
  const [counts, setCounts] = useState<Record<string, Record<string, number>>>({});
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const load = useCallback(async () => {
    try {
      const all: MachineItem[] = [];
      let nextToken: string | undefined;
      do {
        const page = await aws('ListStateMachines', { maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
        all.push(...page.stateMachines);
        nextToken = page.nextToken;
      } while (nextToken);
      setMachines(all);
      setCounts((await consoleApi('counts')).counts);
    } catch (caught) {
      setError(String(caught));
    }
  }, []);
  useEffect(() => subscribeChanges({}, () => void load(), 500), [load]);
  return (
    <section>
      <div className="page-head">
        <h1>State machines</h1>
        <button onClick={() => setCreating(!creating)}>{creating ? 'Cancel' : 'Create state machine'}</button>
      </div>
      {creating && <DefinitionEditor onDone={(arn) => (window.location.hash = `#/state-machines/${encodeURIComponent(arn)}`)} />}
      {error && <div className="error-box">{error}</div>}
      <table className="table" aria-label="State machines">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Executions</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {machines?.map((machine) => (
            <tr key={machine.stateMachineArn}>
              <td>
                <a href={`#/state-machines/${encodeURIComponent(machine.stateMachineArn)}`}>{machine.name}</a>
              </td>
              <td>{machine.type}</td>
              <td>
                <StatusCounts counts={counts[machine.stateMachineArn]} />
              </td>
              <td>{formatDate(machine.creationDate)}</td>
            </tr>
          ))}
          {machines?.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No state machines yet: create one here or with any AWS SDK.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
