import { useState, type FormEvent } from 'react';
import { signIn, type Session } from '../api';

/**
 * The sign-in form, shown when the server runs with `STEPSTONE_AUTH=sigv4`. The secret stays in
 * this page: it signs one request (Signature V4) and is dropped; only the signature is sent.
 */
export function SignIn({ session, clockOffsetMs, reason, onSignedIn }: { session: Session; clockOffsetMs: number; reason?: string; onSignedIn: (session: Session) => void }) {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const signedIn = await signIn({ accessKeyId: accessKeyId.trim(), secretAccessKey }, { region: session.signingRegion, service: session.signingService, clockOffsetMs });
      setSecretAccessKey('');
      onSignedIn(signedIn);
    } catch (caught) {
      setError(`${(caught as { type?: string }).type ?? 'Error'}: ${(caught as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="sign-in">
      <form className="card" onSubmit={(event) => void submit(event)} aria-label="Sign in">
        <h1>Sign in</h1>
        <p className="muted small">
          This server checks AWS Signature V4. Enter an access key from its keys file: the secret signs the sign-in request in this browser and is never sent.
        </p>
        {reason && <div className="notice small">{reason}</div>}
        <label>
          Access key ID
          <input value={accessKeyId} onChange={(event) => setAccessKeyId(event.target.value)} autoComplete="username" spellCheck={false} required />
        </label>
        <label>
          Secret access key
          <input type="password" value={secretAccessKey} onChange={(event) => setSecretAccessKey(event.target.value)} autoComplete="current-password" required />
        </label>
        {error && (
          <div className="error-box" role="alert">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy || accessKeyId.trim() === '' || secretAccessKey === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
