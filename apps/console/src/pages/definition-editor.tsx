import { useState } from 'react';
import { aws } from '../api';
import { isValidJson, JsonEditor } from '../json-view';

const SAMPLE = JSON.stringify({ StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: 'Hello, world', End: true } } }, null, 2);

interface Diagnostic {
  severity: string;
  code: string;
  message: string;
  location?: string;
}

/**
 * Create (no `stateMachineArn`) or update a state machine from pasted JSON. The definition is
 * checked by ValidateStateMachineDefinition first and its diagnostics are shown inline.
 */
export function DefinitionEditor({ stateMachineArn, initial, onDone }: { stateMachineArn?: string; initial?: string; onDone: (arn: string) => void }) {
  const [name, setName] = useState('');
  const [definition, setDefinition] = useState(initial ?? SAMPLE);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const validation = await aws('ValidateStateMachineDefinition', { definition });
      setDiagnostics(validation.diagnostics ?? []);
      if (validation.result !== 'OK') return;
      if (stateMachineArn) {
        await aws('UpdateStateMachine', { stateMachineArn, definition });
        onDone(stateMachineArn);
      } else {
        const created = await aws('CreateStateMachine', { name, definition, roleArn: 'arn:aws:iam::123456789012:role/stepstone-console' });
        onDone(created.stateMachineArn);
      }
    } catch (caught) {
      setError(caught instanceof Error ? `${(caught as { type?: string }).type ?? 'Error'}: ${caught.message}` : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card editor">
      {!stateMachineArn && (
        <label className="field">
          Name <input aria-label="State machine name" value={name} onChange={(event) => setName(event.target.value)} placeholder="my-state-machine" />
        </label>
      )}
      <JsonEditor label="Definition" value={definition} onChange={setDefinition} rows={14} />
      {diagnostics.length > 0 && (
        <ul className="diagnostics" aria-label="Diagnostics">
          {diagnostics.map((diagnostic, index) => (
            <li key={index} className={`diagnostic ${diagnostic.severity === 'ERROR' ? 'error' : 'warning'}`}>
              <b>{diagnostic.code}</b> {diagnostic.location ? <code>{diagnostic.location}</code> : null} {diagnostic.message}
            </li>
          ))}
        </ul>
      )}
      {error && <div className="error-box">{error}</div>}
      <button disabled={busy || !isValidJson(definition) || (!stateMachineArn && name === '')} onClick={() => void submit()}>
        {stateMachineArn ? 'Validate and update' : 'Validate and create'}
      </button>
    </div>
  );
}
