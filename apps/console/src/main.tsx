import '@xyflow/react/dist/style.css';
import './styles.css';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ExecutionPage } from './pages/execution-page';
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

function App() {
  const [section, arn, tab] = useRoute();
  let page: React.ReactNode;
  if (section === 'state-machines' && arn) page = <StateMachinePage key={arn} arn={arn} tab={tab} />;
  else if (section === 'executions' && arn) page = <ExecutionPage key={arn} arn={arn} tab={tab} />;
  else page = <StateMachinesPage />;
  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">
          <span className="logo">◆</span> Stepstone <span className="muted">console</span>
        </a>
      </header>
      <main>{page}</main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
