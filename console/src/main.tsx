/**
 * The nephrology console: open alerts, alert detail, a patient's timeline, the
 * cohort and timeliness, over the admin API. Hash routes (`#/alerts`,
 * `#/alerts/<id>`, `#/patients/<namespace>/<mrn>`, `#/cohort`,
 * `#/timeliness`), so the same static files work under any path.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type ConsoleApi, consoleApi } from './api.js';
import { type ConsoleConfig, ensureSignedIn, loadConsoleConfig } from './auth.js';
import { AlertDetailView } from './views/alert-detail.js';
import { AlertsView } from './views/alerts.js';
import { CohortView } from './views/cohort.js';
import { TimelineView } from './views/timeline.js';
import { TimelinessView } from './views/timeliness.js';
import './styles.css';

type Route =
  | { view: 'alerts' }
  | { view: 'alert'; alertId: string }
  | { view: 'patient'; namespace: string; mrn: string }
  | { view: 'cohort' }
  | { view: 'timeliness' };

function routeOf(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'alerts' && parts[1] !== undefined && parts[1] !== '')
    return { view: 'alert', alertId: parts[1] };
  if (parts[0] === 'patients' && parts[1] !== undefined && parts[2] !== undefined) {
    return { view: 'patient', namespace: parts[1], mrn: parts[2] };
  }
  if (parts[0] === 'cohort') return { view: 'cohort' };
  if (parts[0] === 'timeliness') return { view: 'timeliness' };
  return { view: 'alerts' };
}

const titles: Record<Route['view'], string> = {
  alerts: 'Open alerts',
  alert: 'Alert',
  patient: 'Patient timeline',
  cohort: 'Cohort',
  timeliness: 'Timeliness',
};

function App({ config, api }: { config: ConsoleConfig; api: ConsoleApi }) {
  const [route, setRoute] = useState(routeOf(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = `${titles[route.view]} · Calciphylaxis console`;
    // Move focus to the new view's heading, so keyboard and screen-reader users land on it.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [route]);
  const nav = (view: Route['view'], href: string, label: string) => (
    <a
      href={href}
      aria-current={route.view === view || (view === 'alerts' && route.view === 'alert') ? 'page' : undefined}
    >
      {label}
    </a>
  );
  return (
    <>
      <header class="top">
        <span class="brand">Calciphylaxis console</span>
        {config.auth.kind === 'none' ? (
          <span class="environment" role="note">
            {config.auth.label}
          </span>
        ) : null}
        <nav aria-label="Views">
          {nav('alerts', '#/alerts', 'Open alerts')}
          {nav('cohort', '#/cohort', 'Cohort')}
          {nav('timeliness', '#/timeliness', 'Timeliness')}
        </nav>
      </header>
      <main>
        {route.view === 'alerts' ? <AlertsView api={api} /> : null}
        {route.view === 'alert' ? <AlertDetailView api={api} alertId={route.alertId} /> : null}
        {route.view === 'patient' ? (
          <TimelineView
            api={api}
            namespace={route.namespace}
            mrn={route.mrn}
            key={`${route.namespace}/${route.mrn}`}
          />
        ) : null}
        {route.view === 'cohort' ? <CohortView api={api} /> : null}
        {route.view === 'timeliness' ? <TimelinessView api={api} /> : null}
      </main>
    </>
  );
}

async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (root === null) return;
  try {
    const config = await loadConsoleConfig();
    await ensureSignedIn(config);
    root.textContent = '';
    render(<App config={config} api={consoleApi(config)} />, root);
  } catch (error: unknown) {
    root.textContent = `The console could not start: ${error instanceof Error ? error.message : String(error)}`;
  }
}

void start();
