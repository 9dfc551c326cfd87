import '@xyflow/react/dist/style.css';
import './styles.css';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { onSignedOut, readSession, signOut, type Session } from './api';
import { ExecutionPage } from './pages/execution-page';
import { SignIn } from './pages/sign-in';
import { StateMachinePage } from './pages/state-machine-page';
import { StateMachinesPage } from './pages/state-machines-page';

/** Hash routes, so the server serves one index.html: #/, #/state-machines/<arn>, #/executions/<arn>. */
function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function link(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

interface SessionState {
  readonly session: Session;
  readonly signedIn: boolean;
  readonly clockOffsetMs: number;
  /** Why the sign-in form is shown again (the session expired, another process…). */
  readonly reason?: string;
}

/** With `STEPSTONE_AUTH=sigv4` nothing but the sign-in form is shown until the server says signed in. */
function useSession() {
  const [state, setState] = useState<SessionState>();
  const [error, setError] = useState<string>();
  const refresh = (reason?: string) =>
    readSession().then(
      (read) => setState({ ...read, ...(reason && !read.signedIn ? { reason } : {}) }),
      (caught: unknown) => setError(String(caught)),
    );
  useEffect(() => {
    void refresh();
    return onSignedOut(() => void refresh('Your console session is over (expired, signed out, or made on another server process): sign in again.'));
  }, []);
  return { state, error, refresh, setSignedIn: (session: Session) => setState((current) => current && { ...current, session, signedIn: true, reason: undefined }) };
}

function App() {
  const [section, arn, tab] = useRoute();
  const { state, error, refresh, setSignedIn } = useSession();
  let page: React.ReactNode;
  if (error) page = <div className="error-box">{error}</div>;
  else if (!state) page = <div className="muted">Loading…</div>;
  else if (!state.signedIn) page = <SignIn session={state.session} clockOffsetMs={state.clockOffsetMs} reason={state.reason} onSignedIn={setSignedIn} />;
  else if (section === 'state-machines' && arn) page = <StateMachinePage key={arn} arn={arn} tab={tab} />;
  else if (section === 'executions' && arn) page = <ExecutionPage key={arn} arn={arn} tab={tab} />;
  else page = <StateMachinesPage />;
  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">
          <span className="logo">◆</span> Stepstone <span className="muted">console</span>
        </a>
        {state?.signedIn && state.session.authRequired && (
          <span className="who">
            <span data-testid="signed-in-as" title={state.session.expiresAt ? `until ${new Date(state.session.expiresAt).toLocaleString()}` : undefined}>
              {state.session.actor}
            </span>
            <button className="secondary" onClick={() => void signOut().then(() => refresh())}>
              Sign out
            </button>
          </span>
        )}
      </header>
      <main>{page}</main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
