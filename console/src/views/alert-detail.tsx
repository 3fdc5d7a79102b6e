/**
 * One alert: the finding and recommendation, the evidence (each result and
 * order with its time, the value as sent and as normalised) and the audit
 * trail (opened, paged, escalated, repeated, acknowledged by whom and when,
 * resolved or superseded); acknowledge from here too.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AlertDetail, ConsoleApi } from '../api.js';
import { formatDateTime, formatLocation, formatQuantity } from '../format.js';
import { patientHref } from '../routes.js';
import { AckNameField, Failure, type Loadable, Severity, State, useAckName } from '../shared.js';

function trailText(entry: AlertDetail['trail'][number]): string {
  if (entry.kind === 'notification')
    return `Notification sent: ${entry.event}${entry.topic === undefined ? '' : ` (${entry.topic})`}`;
  const who = entry.byName === undefined ? entry.by : `${entry.byName} (${entry.by})`;
  const change =
    entry.from === 'none' ? 'opened' : entry.from === entry.to ? entry.to : `${entry.from} → ${entry.to}`;
  // An acknowledgement's reason already names who; the others say it after.
  return entry.reason.includes(entry.by)
    ? `${change}: ${entry.reason}`
    : `${change}: ${entry.reason} — by ${who}`;
}

export function AlertDetailView({ api, alertId }: { api: ConsoleApi; alertId: string }) {
  const [detail, setDetail] = useState<Loadable<AlertDetail>>({ status: 'loading' });
  const [name, setName] = useAckName();
  const [notice, setNotice] = useState('');
  const load = async () => {
    try {
      setDetail({ status: 'ready', value: await api.alert(alertId) });
    } catch (error: unknown) {
      setDetail({ status: 'failed', error });
    }
  };
  useEffect(() => {
    void load();
  }, [alertId]);

  if (detail.status === 'loading') return <p aria-live="polite">Loading…</p>;
  if (detail.status === 'failed')
    return (
      <section>
        <h1 tabIndex={-1}>Alert</h1>
        <Failure error={detail.error} />
      </section>
    );
  const { alert, evidence, trail } = detail.value;
  const acknowledge = async () => {
    try {
      const result = await api.acknowledge(alert.alertId, name);
      setNotice(result.outcome === 'acknowledged' ? 'Acknowledged.' : `Already ${result.alert.state}.`);
      await load();
    } catch (error: unknown) {
      setNotice(`Could not acknowledge: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return (
    <section aria-labelledby="alert-title">
      <h1 id="alert-title" tabIndex={-1}>
        {alert.ruleId}
      </h1>
      <p>
        <Severity severity={alert.severity} /> <State state={alert.state} /> · opened{' '}
        {formatDateTime(alert.openedAt)} ·{' '}
        <a href={patientHref(alert.patient.namespace, alert.patient.mrn)}>MRN {alert.patient.mrn} timeline</a>{' '}
        · {alert.patient.facility}, {formatLocation(alert.patient.location)}
      </p>
      <div class="panel">
        <h2>Finding</h2>
        <p class="finding-text">{alert.finding}</p>
        <h2>Recommendation</h2>
        <p>{alert.recommendation}</p>
        {alert.state === 'open' ? (
          <div class="toolbar">
            <AckNameField id="detail-ack-name" name={name} onName={setName} />
            <button type="button" onClick={() => void acknowledge()}>
              Acknowledge
            </button>
          </div>
        ) : alert.acknowledgedAt === undefined ? null : (
          <p>
            Acknowledged {formatDateTime(alert.acknowledgedAt)} by{' '}
            {alert.acknowledgedByName ?? alert.acknowledgedBy}
          </p>
        )}
        <p role="status" class="notice">
          {notice}
        </p>
      </div>
      <h2>Evidence</h2>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">What</th>
            <th scope="col">As sent</th>
            <th scope="col">Normalised</th>
          </tr>
        </thead>
        <tbody>
          {evidence.map((item) => (
            <tr key={item.recordId}>
              <td data-label="Time">{formatDateTime(item.at)}</td>
              <td data-label="What">{item.summary}</td>
              <td data-label="As sent">{item.sent ?? '—'}</td>
              <td data-label="Normalised">{formatQuantity(item.canonical)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Audit trail</h2>
      <ol class="trail">
        {trail.map((entry) => (
          <li key={`${entry.at}-${entry.kind}-${entry.kind === 'notification' ? entry.event : entry.to}`}>
            <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> {trailText(entry)}
          </li>
        ))}
      </ol>
      {alert.resolution === undefined ? null : (
        <p>
          {alert.state === 'superseded' ? 'Superseded' : 'Resolved'} {formatDateTime(alert.resolvedAt)}:{' '}
          {alert.resolution}
        </p>
      )}
    </section>
  );
}
