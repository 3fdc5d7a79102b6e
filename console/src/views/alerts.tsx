/**
 * Open alerts: unacknowledged criticals first, then by severity and age (the
 * longest waiting first); time since paged; facility, rule, location;
 * filters; refreshed by polling; acknowledge with a name from the list.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Alert, ConsoleApi } from '../api.js';
import { formatAge, formatLocation, severityRank } from '../format.js';
import { alertHref, patientHref } from '../routes.js';
import { AckNameField, Failure, Severity, State, useAckName } from '../shared.js';

/** How often the list is read again. */
export const refreshMs = 15_000;

const pagedAt = (alert: Alert) => alert.firstPagedAt ?? alert.openedAt;

/** Unacknowledged criticals first; then severity; then the longest waiting. */
export function alertOrder(left: Alert, right: Alert): number {
  const urgent = (alert: Alert) => (alert.severity === 'critical' && alert.state === 'open' ? 0 : 1);
  return (
    urgent(left) - urgent(right) ||
    (severityRank[left.severity] ?? 9) - (severityRank[right.severity] ?? 9) ||
    pagedAt(left).localeCompare(pagedAt(right))
  );
}

interface Filters {
  severity: string;
  state: string;
  facility: string;
  ruleId: string;
  search: string;
}

const noFilters: Filters = { severity: '', state: '', facility: '', ruleId: '', search: '' };

function Select({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange((event.target as HTMLSelectElement).value)}>
        <option value="">All</option>
        {options.map((option) => (
          <option value={option} key={option}>
            {option === 'open' ? 'unacknowledged' : option}
          </option>
        ))}
      </select>
    </div>
  );
}

export function AlertsView({ api }: { api: ConsoleApi }) {
  const [alerts, setAlerts] = useState<Alert[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [updatedAt, setUpdatedAt] = useState<number>(Date.now());
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [name, setName] = useAckName();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState<string | undefined>(undefined);

  const refresh = async () => {
    try {
      setAlerts(await api.activeAlerts());
      setError(undefined);
      setUpdatedAt(Date.now());
    } catch (failure: unknown) {
      setError(failure);
    }
  };
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), refreshMs);
    return () => clearInterval(timer);
  }, []);

  const choices = useMemo(() => {
    const of = (pick: (alert: Alert) => string) => [...new Set((alerts ?? []).map(pick))].sort();
    return { facilities: of((alert) => alert.patient.facility), rules: of((alert) => alert.ruleId) };
  }, [alerts]);

  const shown = useMemo(() => {
    const search = filters.search.trim().toLowerCase();
    return (alerts ?? [])
      .filter(
        (alert) =>
          (filters.severity === '' || alert.severity === filters.severity) &&
          (filters.state === '' || alert.state === filters.state) &&
          (filters.facility === '' || alert.patient.facility === filters.facility) &&
          (filters.ruleId === '' || alert.ruleId === filters.ruleId) &&
          (search === '' ||
            alert.patient.mrn.toLowerCase().includes(search) ||
            (alert.patient.location ?? '').toLowerCase().includes(search)),
      )
      .sort(alertOrder);
  }, [alerts, filters]);

  const acknowledge = async (alert: Alert) => {
    setBusy(alert.alertId);
    try {
      const result = await api.acknowledge(alert.alertId, name);
      setNotice(
        result.outcome === 'acknowledged'
          ? `${alert.ruleId} for MRN ${alert.patient.mrn} acknowledged${name.trim() === '' ? '' : ` by ${name.trim()}`}.`
          : `${alert.ruleId} for MRN ${alert.patient.mrn} was already ${result.alert.state}.`,
      );
      await refresh();
    } catch (failure: unknown) {
      setNotice(`Could not acknowledge: ${failure instanceof Error ? failure.message : String(failure)}`);
    } finally {
      setBusy(undefined);
    }
  };

  const set = (key: keyof Filters) => (value: string) => setFilters({ ...filters, [key]: value });
  const unacknowledgedCritical = (alerts ?? []).filter(
    (alert) => alert.severity === 'critical' && alert.state === 'open',
  ).length;
  const now = updatedAt;
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title" tabIndex={-1}>
        Open alerts
      </h1>
      <p class="status" aria-live="polite">
        {alerts === undefined
          ? 'Loading…'
          : `${alerts.length} open or acknowledged, ${unacknowledgedCritical} critical unacknowledged. Updated ${new Date(updatedAt).toLocaleTimeString()}; refreshed every ${refreshMs / 1000} s.`}
      </p>
      {error === undefined ? null : <Failure error={error} />}
      <div class="toolbar">
        <AckNameField id="alerts-ack-name" name={name} onName={setName} />
        <Select
          id="filter-severity"
          label="Severity"
          value={filters.severity}
          options={['critical', 'urgent', 'advisory']}
          onChange={set('severity')}
        />
        <Select
          id="filter-state"
          label="State"
          value={filters.state}
          options={['open', 'acknowledged']}
          onChange={set('state')}
        />
        <Select
          id="filter-facility"
          label="Facility"
          value={filters.facility}
          options={choices.facilities}
          onChange={set('facility')}
        />
        <Select
          id="filter-rule"
          label="Rule"
          value={filters.ruleId}
          options={choices.rules}
          onChange={set('ruleId')}
        />
        <div class="field">
          <label for="filter-search">MRN or location</label>
          <input
            id="filter-search"
            type="search"
            value={filters.search}
            onInput={(event) => set('search')((event.target as HTMLInputElement).value)}
          />
        </div>
      </div>
      <p class="notice" role="status">
        {notice}
      </p>
      <table class="cards alerts">
        <caption class="visually-hidden">
          Open and acknowledged alerts, unacknowledged criticals first
        </caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Rule and finding</th>
            <th scope="col">Patient</th>
            <th scope="col">Facility and location</th>
            <th scope="col">Since paged</th>
            <th scope="col">State</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((alert) => (
            <tr
              key={alert.alertId}
              data-alert-id={alert.alertId}
              class={`row-${alert.severity} row-${alert.state}`}
            >
              <td data-label="Severity">
                <Severity severity={alert.severity} />
              </td>
              <td data-label="Rule">
                <a href={alertHref(alert.alertId)} class="rule">
                  {alert.ruleId}
                </a>
                <span class="finding">{alert.finding}</span>
              </td>
              <td data-label="Patient">
                <a href={patientHref(alert.patient.namespace, alert.patient.mrn)}>MRN {alert.patient.mrn}</a>
              </td>
              <td data-label="Where">
                {alert.patient.facility}
                <br />
                {formatLocation(alert.patient.location)}
              </td>
              <td data-label="Since paged">
                <time dateTime={pagedAt(alert)}>{formatAge(pagedAt(alert), now)}</time>
              </td>
              <td data-label="State">
                <State state={alert.state} />
                {alert.acknowledgedByName === undefined ? null : (
                  <span class="by"> by {alert.acknowledgedByName}</span>
                )}
              </td>
              <td data-label="">
                {alert.state === 'open' ? (
                  <button
                    type="button"
                    disabled={busy === alert.alertId}
                    onClick={() => void acknowledge(alert)}
                    aria-label={`Acknowledge ${alert.ruleId} for MRN ${alert.patient.mrn}`}
                  >
                    Acknowledge
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {alerts !== undefined && shown.length === 0 ? <p>No alert matches.</p> : null}
    </section>
  );
}
