/**
 * The cohort: each patient with their latest calcium, PTH and CRP, open
 * alerts, and how they entered (diagnosis or enrolment, by whom); enrol a
 * patient or remove one with a reason (the cohort route records who).
 */
import { useEffect, useState } from 'preact/hooks';
import type { CohortRow, ConsoleApi } from '../api.js';
import { formatDate, formatLocation, formatQuantity } from '../format.js';
import { patientHref } from '../routes.js';
import { Failure, type Loadable, useAckName } from '../shared.js';

function Latest({ row, analyte }: { row: CohortRow; analyte: 'calcium' | 'pth' | 'crp' }) {
  const value = row.latest[analyte];
  if (value === undefined) return <>—</>;
  return (
    <span title={`sent ${value.sent}`}>
      {formatQuantity(value.value)} <span class="when">{formatDate(value.at)}</span>
    </span>
  );
}

function RemoveForm({ row, onRemove }: { row: CohortRow; onRemove: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  const id = `remove-${row.patient.namespace}-${row.patient.mrn}`;
  return (
    <form
      class="inline"
      onSubmit={(event) => {
        event.preventDefault();
        void onRemove(reason);
      }}
    >
      <label for={id}>Reason to remove</label>
      <input
        id={id}
        type="text"
        required
        value={reason}
        onInput={(event) => setReason((event.target as HTMLInputElement).value)}
      />
      <button type="submit">Remove MRN {row.patient.mrn}</button>
    </form>
  );
}

export function CohortView({ api }: { api: ConsoleApi }) {
  const [rows, setRows] = useState<Loadable<CohortRow[]>>({ status: 'loading' });
  const [name, setName] = useAckName();
  const [notice, setNotice] = useState('');
  const [enrol, setEnrol] = useState({ namespace: '', mrn: '', reason: '' });
  const load = async () => {
    try {
      setRows({ status: 'ready', value: await api.cohort() });
    } catch (error: unknown) {
      setRows({ status: 'failed', error });
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const change = async (namespace: string, mrn: string, action: 'enrol' | 'remove', reason: string) => {
    try {
      const result = await api.changeCohort(namespace, mrn, {
        action,
        reason: reason.trim(),
        byName: name.trim(),
      });
      const resolved = result.resolvesAlerts.map((alert) => alert.ruleId).join(', ');
      setNotice(
        action === 'enrol'
          ? `MRN ${mrn} enrolled.`
          : `MRN ${mrn} removed${resolved === '' ? '' : `; resolves ${resolved}`}.`,
      );
      await load();
    } catch (error: unknown) {
      setNotice(`Could not ${action}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return (
    <section aria-labelledby="cohort-title">
      <h1 id="cohort-title" tabIndex={-1}>
        Cohort
      </h1>
      <form
        class="toolbar"
        aria-label="Enrol a patient"
        onSubmit={(event) => {
          event.preventDefault();
          void change(enrol.namespace.trim(), enrol.mrn.trim(), 'enrol', enrol.reason);
        }}
      >
        <div class="field">
          <label for="enrol-namespace">Facility (MRN authority)</label>
          <input
            id="enrol-namespace"
            required
            value={enrol.namespace}
            onInput={(event) => setEnrol({ ...enrol, namespace: (event.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="enrol-mrn">MRN</label>
          <input
            id="enrol-mrn"
            required
            value={enrol.mrn}
            onInput={(event) => setEnrol({ ...enrol, mrn: (event.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="enrol-reason">Reason (optional)</label>
          <input
            id="enrol-reason"
            value={enrol.reason}
            onInput={(event) => setEnrol({ ...enrol, reason: (event.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="cohort-name">Your name</label>
          <input
            id="cohort-name"
            autocomplete="name"
            value={name}
            onInput={(event) => setName((event.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit">Enrol</button>
      </form>
      <p class="notice" role="status">
        {notice}
      </p>
      {rows.status === 'loading' ? <p aria-live="polite">Loading…</p> : null}
      {rows.status === 'failed' ? <Failure error={rows.error} /> : null}
      {rows.status === 'ready' ? (
        <table class="cards cohort">
          <caption class="visually-hidden">Patients in the cohort</caption>
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Where</th>
              <th scope="col">Entered</th>
              <th scope="col">Calcium</th>
              <th scope="col">PTH</th>
              <th scope="col">CRP</th>
              <th scope="col">Open alerts</th>
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.value.map((row) => (
              <tr key={`${row.patient.namespace}/${row.patient.mrn}`} data-mrn={row.patient.mrn}>
                <td data-label="Patient">
                  <a href={patientHref(row.patient.namespace, row.patient.mrn)}>MRN {row.patient.mrn}</a>
                  {row.patient.name === undefined ? null : (
                    <span class="name">
                      {' '}
                      {row.patient.name.family}, {row.patient.name.given}
                    </span>
                  )}
                </td>
                <td data-label="Where">
                  {row.patient.namespace} · {formatLocation(row.patient.location)}
                </td>
                <td data-label="Entered">
                  {formatDate(row.cohort.since)} by {row.cohort.via ?? '—'}
                  {row.cohort.by === undefined ? '' : ` (${row.cohort.by})`}
                </td>
                <td data-label="Calcium">
                  <Latest row={row} analyte="calcium" />
                </td>
                <td data-label="PTH">
                  <Latest row={row} analyte="pth" />
                </td>
                <td data-label="CRP">
                  <Latest row={row} analyte="crp" />
                </td>
                <td data-label="Open alerts">
                  {row.alerts.active} ({row.alerts.unacknowledged} unacknowledged, {row.alerts.critical}{' '}
                  critical)
                </td>
                <td data-label="">
                  <RemoveForm
                    row={row}
                    onRemove={(reason) => change(row.patient.namespace, row.patient.mrn, 'remove', reason)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
