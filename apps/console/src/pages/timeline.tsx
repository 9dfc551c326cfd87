import { useEffect, useMemo, useState } from 'react';
import { consoleApi } from '../api';
import { summarizeStates, type HistoryEvent } from '../execution-model';
import { JsonView } from '../json-view';
import { GraphOrNotice } from './state-machine-page';

/** One step of `stepstone replay --json` (libs/engine's buildTimeline), served by /console/api/timeline. */
interface TimelineStep {
  eventId: number;
  previousEventId: number;
  type: string;
  timestamp: string;
  threadId: string;
  stateName?: string;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  variables: Record<string, unknown>;
  status: string;
}

/** '0/5.2' → 'iteration 2 of the state entered at event 5' (threads are Parallel branches or Map iterations). */
function describeThread(threadId: string, steps: readonly TimelineStep[]): string {
  if (threadId === '0') return 'Top level';
  const [enteredEventId, index] = threadId.split('/').pop()!.split('.').map(Number);
  const owner = steps.find((step) => step.eventId === enteredEventId);
  const kind = owner?.type.startsWith('Map') ? 'iteration' : 'branch';
  return `${owner?.stateName ?? `event ${enteredEventId}`} ${kind} ${index}`;
}

export function Timeline({ executionArn, definition, version }: { executionArn: string; definition: string; version: number }) {
  const [steps, setSteps] = useState<TimelineStep[]>([]);
  const [error, setError] = useState<string>();
  const [thread, setThread] = useState('all');
  const [position, setPosition] = useState(0);
  useEffect(() => {
    consoleApi('timeline', { executionArn }).then(
      (timeline) => setSteps(timeline.steps),
      (caught: unknown) => setError(String(caught)),
    );
  }, [executionArn, version]);
  const threads = useMemo(() => [...new Set(steps.map((step) => step.threadId))], [steps]);
  const shown = useMemo(() => (thread === 'all' ? steps : steps.filter((step) => step.threadId === thread)), [steps, thread]);
  const index = Math.min(position, Math.max(shown.length - 1, 0));
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLInputElement && event.target.type !== 'range') return;
      if (event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement) return;
      if (event.key === 'ArrowRight') setPosition((current) => Math.min(current + 1, shown.length - 1));
      else if (event.key === 'ArrowLeft') setPosition((current) => Math.max(current - 1, 0));
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shown.length]);
  // The graph is coloured by what had happened up to this step: the same reading of events as
  // the execution page, over the replayed steps so far.
  const currentEventId = shown[index]?.eventId ?? 0;
  const outcomes = useMemo(() => {
    const events: HistoryEvent[] = steps
      .filter((candidate) => candidate.eventId <= currentEventId)
      .map((candidate) => ({
        id: candidate.eventId,
        previousEventId: candidate.previousEventId,
        type: candidate.type,
        timestamp: Date.parse(candidate.timestamp) / 1000,
        stepEventDetails: { name: candidate.stateName, input: candidate.input, output: candidate.output, error: candidate.error, cause: candidate.cause },
      }));
    const at = events.at(-1)?.timestamp ?? 0;
    return new Map([...summarizeStates(events, at * 1000)].map(([name, summary]) => [name, summary.outcome]));
  }, [steps, currentEventId]);
  if (error) return <div className="error-box">{error}</div>;
  if (shown.length === 0) return <div className="muted">Loading…</div>;
  const step = shown[index];
  // The state's input is on its Entered step, its output on its Exited step: look back from here.
  const sameState = shown.slice(0, index + 1).filter((candidate) => candidate.stateName === step.stateName && candidate.threadId === step.threadId);
  const entered = [...sameState].reverse().find((candidate) => candidate.type.endsWith('StateEntered'));
  const stateSteps = entered ? sameState.filter((candidate) => candidate.eventId >= entered.eventId) : sameState;
  const input = step.stateName ? entered?.input : step.input;
  const output = step.stateName ? [...stateSteps].reverse().find((candidate) => candidate.type.endsWith('StateExited'))?.output : step.output;
  return (
    <div className="timeline">
      <div className="card scrubber">
        <div className="filters">
          <button className="secondary" aria-label="Previous step" onClick={() => setPosition(Math.max(index - 1, 0))}>
            ◀
          </button>
          <input
            type="range"
            aria-label="Timeline"
            min={0}
            max={shown.length - 1}
            value={index}
            onChange={(event) => setPosition(Number(event.target.value))}
          />
          <button className="secondary" aria-label="Next step" onClick={() => setPosition(Math.min(index + 1, shown.length - 1))}>
            ▶
          </button>
          <span className="step-label" data-testid="timeline-step">
            step {index + 1} / {shown.length} · #{step.eventId} {step.type}
            {step.stateName ? ` [${step.stateName}]` : ''}
          </span>
          {threads.length > 1 && (
            <select aria-label="Branch or iteration" value={thread} onChange={(event) => (setThread(event.target.value), setPosition(0))}>
              <option value="all">All threads</option>
              {threads.map((id) => (
                <option key={id} value={id}>
                  {describeThread(id, steps)}
                </option>
              ))}
            </select>
          )}
          <span className="muted small">← → to step</span>
        </div>
      </div>
      <div className="split">
        <div className="card grow">
          <GraphOrNotice definition={definition} highlighted={step.stateName} outcomes={outcomes} height={460} />
        </div>
        <aside className="card side" aria-label="Step details">
          <h2>{step.stateName ?? 'Execution'}</h2>
          <div className="small muted">
            {step.type} · {new Date(step.timestamp).toLocaleTimeString(undefined, { hour12: false })} · status {step.status}
            {step.threadId !== '0' ? ` · ${describeThread(step.threadId, steps)}` : ''}
          </div>
          {(step.error || step.cause) && (
            <div className="error-box">
              <b>{step.error}</b> {step.cause}
            </div>
          )}
          <JsonView label="Input" text={input} />
          <JsonView label="Output" text={output} />
          <JsonView label="Variables" text={JSON.stringify(step.variables)} />
        </aside>
      </div>
    </div>
  );
}
