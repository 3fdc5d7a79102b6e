/**
 * A patient's timeline (the heart of the console): the last 12 months of
 * calcium (lines at 7.5, 8.0, 8.4 mg/dL), PTH (100, 150, 300, 500 pg/mL), CRP,
 * hemoglobin (the sex-specific target) and bicarbonate (22 mmol/L), the
 * medication bars under them, and markers where alerts opened, were
 * acknowledged and resolved. Canonical units; the value as sent on hover and
 * in the tables. Each canvas chart has a text summary (its accessible name)
 * and its values as a table.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AlertMarker, MedicationBar, TimelineSeries } from '../../../lambdas/workflows/console-views.js';
import type { ConsoleApi, PatientTimeline } from '../api.js';
import { analyteChart, consoleCharts, destroyGroup, medicationChart, zoomGroup } from '../charts.js';
import { formatDailyDose, formatDate, formatDateTime, formatLocation } from '../format.js';
import { alertHref } from '../routes.js';
import { Failure, type Loadable } from '../shared.js';

const dayMs = 86_400_000;
const group = 'timeline';

const classLabels: Record<MedicationBar['medicationClass'], string> = {
  calcimimetic: 'Cinacalcet (calcimimetic)',
  vitaminKAntagonist: 'Warfarin / VKA',
  sodiumThiosulfate: 'Sodium thiosulfate',
  calciumBinder: 'Calcium-based binder',
  activeVitaminD: 'Active vitamin D',
};

/** What a sighted reader takes from the plot, in words: the chart's accessible name. */
export function seriesSummary(series: TimelineSeries): string {
  const { points, lines, label, unit } = series;
  if (points.length === 0) return `${label}: no results in this period.`;
  const latest = points[points.length - 1];
  const values = points.map((point) => point.value);
  const lowestLine = lines[0];
  const below = lowestLine === undefined ? 0 : values.filter((value) => value < lowestLine.value).length;
  return (
    `${label}: ${points.length} results from ${formatDate(points[0]?.at)} to ${formatDate(latest?.at)}; ` +
    `latest ${latest?.value} ${unit} on ${formatDate(latest?.at)}; lowest ${Math.min(...values)}, highest ${Math.max(...values)} ${unit}` +
    (lowestLine === undefined ? '.' : `; ${below} below ${lowestLine.value} ${unit}.`) +
    ` Lines at ${lines.map((line) => line.value).join(', ')} ${unit}.`
  );
}

/** A disclosure whose content is built only once opened (a year of values is hundreds of rows). */
function Disclosure({ summary, children }: { summary: string; children: () => ComponentChildren }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
      <summary>{summary}</summary>
      {open ? children() : null}
    </details>
  );
}

function SeriesTable({ series }: { series: TimelineSeries }) {
  return (
    <Disclosure summary={`${series.label}: values as a table`}>
      {() => (
        <table class="values" data-values={series.analyte}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Value ({series.unit})</th>
              <th scope="col">As sent</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {series.points.map((point) => (
              <tr key={point.recordId}>
                <td>{formatDateTime(point.at)}</td>
                <td>
                  {point.comparator ?? ''}
                  {point.value}
                </td>
                <td>{point.sent}</td>
                <td>{point.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Disclosure>
  );
}

function MedicationTable({ bars }: { bars: readonly MedicationBar[] }) {
  return (
    <Disclosure summary="Medications: as a table">
      {() => (
        <table class="values" data-values="medications">
          <thead>
            <tr>
              <th scope="col">Medication</th>
              <th scope="col">Order</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Daily dose</th>
            </tr>
          </thead>
          <tbody>
            {bars.flatMap((bar) =>
              bar.steps.map((step) => (
                <tr key={`${bar.orderId}-${step.from}`} data-class={bar.medicationClass}>
                  <td>
                    {classLabels[bar.medicationClass]}: {bar.drugText}
                  </td>
                  <td>{bar.orderId}</td>
                  <td>{formatDate(step.from)}</td>
                  <td>{step.to === undefined ? 'ongoing' : formatDate(step.to)}</td>
                  <td>{step.status === 'held' ? 'held' : formatDailyDose(step.dailyDoseMg) || '—'}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </Disclosure>
  );
}

function MarkerList({ markers }: { markers: readonly AlertMarker[] }) {
  return (
    <Disclosure summary={`Alert events: ${markers.length}`}>
      {() => (
        <ul class="markers">
          {markers.map((marker) => (
            <li key={`${marker.alertId}-${marker.event}`} data-event={marker.event}>
              <time dateTime={marker.at}>{formatDateTime(marker.at)}</time> {marker.event}:{' '}
              <a href={alertHref(marker.alertId)}>{marker.ruleId}</a> ({marker.severity})
            </li>
          ))}
        </ul>
      )}
    </Disclosure>
  );
}

const zoomChoices = [
  { label: '12 months', days: 365 },
  { label: '3 months', days: 91 },
  { label: '1 month', days: 30 },
] as const;

function chartWidth(element: HTMLElement): number {
  return Math.max(280, Math.floor(element.clientWidth));
}

function Charts({ timeline }: { timeline: PatientTimeline }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const width = chartWidth(element);
    const height = width < 600 ? 150 : 180;
    const period = { from: timeline.from, to: timeline.to };
    for (const series of timeline.series) {
      const target = element.querySelector<HTMLElement>(`[data-chart="${series.analyte}"]`);
      if (target !== null) analyteChart(target, group, series, timeline.markers, period, { width, height });
    }
    const bars = element.querySelector<HTMLElement>('[data-chart="medications"]');
    if (bars !== null) medicationChart(bars, group, timeline.medications, timeline.markers, period, width);
    // The bench measures from the data's arrival to here (after the first frame is painted).
    requestAnimationFrame(() => performance.mark('timeline:drawn'));
    const resize = new ResizeObserver(() => {
      const next = chartWidth(element);
      for (const [name, chart] of Object.entries(consoleCharts)) {
        if (name.startsWith(`${group}:`) && chart.width !== next)
          chart.setSize({ width: next, height: chart.height });
      }
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      destroyGroup(group);
    };
  }, [timeline]);
  const toSeconds = Date.parse(timeline.to) / 1000;
  return (
    <div ref={host}>
      <fieldset class="toolbar zoom">
        <legend class="visually-hidden">Zoom the time axis</legend>
        {zoomChoices.map((choice) => (
          <button
            type="button"
            key={choice.label}
            onClick={() => zoomGroup(group, toSeconds - (choice.days * dayMs) / 1000, toSeconds)}
          >
            {choice.label}
          </button>
        ))}
        <span class="hint">Drag across a chart to zoom; double-click to reset.</span>
      </fieldset>
      <p class="legend-key">
        <span class="key key-opened">alert opened</span>{' '}
        <span class="key key-acknowledged">acknowledged</span> <span class="key key-resolved">resolved</span>
      </p>
      {timeline.series.map((series) => (
        <figure class="chart" key={series.analyte}>
          <figcaption>
            <strong>
              {series.label} ({series.unit})
            </strong>{' '}
            <span class="lines">
              {series.lines.map((line) => (
                <span class="line-label" key={line.value}>
                  {line.value}: {line.label}
                </span>
              ))}
            </span>
          </figcaption>
          <div
            data-chart={series.analyte}
            data-points={series.points.length}
            data-lines={series.lines.map((line) => line.value).join(',')}
            role="img"
            aria-label={seriesSummary(series)}
          />
          <SeriesTable series={series} />
        </figure>
      ))}
      <figure class="chart">
        <figcaption>
          <strong>Medications</strong> (daily dose on each step; pale: held)
        </figcaption>
        <div
          data-chart="medications"
          data-bars={timeline.medications.length}
          role="img"
          aria-label={
            timeline.medications.length === 0
              ? 'No cinacalcet, VKA, thiosulfate, calcium binder or active vitamin D order in this period.'
              : `Medications: ${timeline.medications
                  .map(
                    (bar) =>
                      `${classLabels[bar.medicationClass]} ${bar.steps
                        .map((step) =>
                          step.status === 'held' ? 'held' : formatDailyDose(step.dailyDoseMg) || step.status,
                        )
                        .join(' then ')}`,
                  )
                  .join('; ')}.`
          }
        />
        <MedicationTable bars={timeline.medications} />
      </figure>
      <MarkerList markers={timeline.markers} />
    </div>
  );
}

export function TimelineView({ api, namespace, mrn }: { api: ConsoleApi; namespace: string; mrn: string }) {
  const [timeline, setTimeline] = useState<Loadable<PatientTimeline>>({ status: 'loading' });
  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - 365 * dayMs);
    performance.mark('timeline:requested');
    api
      .timeline(namespace, mrn, { from: from.toISOString(), to: to.toISOString() })
      .then((value) => {
        performance.mark('timeline:data');
        setTimeline({ status: 'ready', value });
      })
      .catch((error: unknown) => setTimeline({ status: 'failed', error }));
  }, [namespace, mrn]);
  const patient = timeline.status === 'ready' ? timeline.value.patient : undefined;
  const cohort = timeline.status === 'ready' ? timeline.value.cohort : undefined;
  return (
    <section aria-labelledby="timeline-title">
      <h1 id="timeline-title" tabIndex={-1}>
        MRN {mrn}
        {patient?.name === undefined ? '' : ` · ${patient.name.family}, ${patient.name.given}`}
      </h1>
      {patient === undefined ? null : (
        <p>
          {namespace} · {patient.facility ?? '—'} · {formatLocation(patient.location)} · sex {patient.sex}
          {cohort?.inCohort
            ? ` · in the cohort since ${formatDate(cohort.since)} (${cohort.via ?? '—'}${cohort.by === undefined ? '' : ` by ${cohort.by}`})`
            : ' · not in the cohort'}
        </p>
      )}
      {timeline.status === 'loading' ? <p aria-live="polite">Loading…</p> : null}
      {timeline.status === 'failed' ? <Failure error={timeline.error} /> : null}
      {timeline.status === 'ready' ? <Charts timeline={timeline.value} /> : null}
    </section>
  );
}
