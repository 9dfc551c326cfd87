import { useMemo, useState } from 'react';

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([{}[\],])/g;

/** A tiny JSON highlighter: strings, keys, numbers, literals and punctuation get their own colour. */
export function highlightJson(text: string): React.ReactNode[] {
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    const [whole, string, colon, literal, number] = match;
    const kind = string !== undefined ? (colon ? 'key' : 'string') : literal !== undefined ? 'literal' : number !== undefined ? 'number' : 'punct';
    parts.push(
      <span key={index} className={`json-${kind}`}>
        {colon ? string : whole}
      </span>,
    );
    if (colon) parts.push(colon);
    last = index + whole.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

export function pretty(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function JsonView({ text, label }: { text: string | undefined; label?: string }) {
  const formatted = useMemo(() => pretty(text), [text]);
  return (
    <div className="json-block">
      {label && <div className="json-label">{label}</div>}
      <pre className="json" aria-label={label}>
        {text === undefined ? <span className="muted">—</span> : highlightJson(formatted)}
      </pre>
    </div>
  );
}

/** JSON one-liner that expands on click (the events table). */
export function ExpandableJson({ value }: { value: unknown }) {
  const [open, setOpen] = useState(false);
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return open ? (
    <pre className="json expandable" onClick={() => setOpen(false)}>
      {highlightJson(JSON.stringify(value, null, 2))}
    </pre>
  ) : (
    <code className="json-inline" onClick={() => setOpen(true)} title="Click to expand">
      {text.length > 120 ? `${text.slice(0, 117)}…` : text}
    </code>
  );
}

/** A JSON text area that says whether its content parses, before anything is sent. */
export function JsonEditor({ value, onChange, rows = 10, label }: { value: string; onChange: (value: string) => void; rows?: number; label: string }) {
  const error = useMemo(() => {
    if (value.trim() === '') return undefined;
    try {
      JSON.parse(value);
      return undefined;
    } catch (caught) {
      return caught instanceof Error ? caught.message : String(caught);
    }
  }, [value]);
  return (
    <div className="json-editor">
      <textarea aria-label={label} spellCheck={false} rows={rows} value={value} onChange={(event) => onChange(event.target.value)} className={error ? 'invalid' : ''} />
      <div className={error ? 'diagnostic error' : 'diagnostic ok'} role="status">
        {error ? `Invalid JSON: ${error}` : 'Valid JSON'}
      </div>
    </div>
  );
}

export function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
