/**
 * Timeliness of critical results for a chosen period: result → page and
 * page → acknowledge as histograms against the hospital's target, the
 * summary, and the CSV the report gives.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi, TimelinessReport } from '../api.js';
import { consoleCharts, histogramChart } from '../charts.js';
import { Failure, type Loadable } from '../shared.js';

const dayMs = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

const minutes = (value: number | null) => (value === null ? '—' : `${value.toFixed(1)} min`);

function Histograms({ report }: { report: TimelinessReport }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const width = Math.max(280, Math.min(720, element.clientWidth));
    const size = { width, height: 200 };
    const values = (pick: (row: TimelinessReport['rows'][number]) => number | null) =>
      report.rows.map(pick).filter((value): value is number => value !== null);
    const target = report.summary.targetMinutes;
    const page = element.querySelector<HTMLElement>('[data-chart="resultToPage"]');
    const ack = element.querySelector<HTMLElement>('[data-chart="pageToAck"]');
    if (page !== null)
      histogramChart(
        page,
        'timeliness:resultToPage',
        'Result → page',
        values((row) => row.resultToPageMinutes),
        target,
        size,
      );
    if (ack !== null)
      histogramChart(
        ack,
        'timeliness:pageToAck',
        'Page → acknowledged',
        values((row) => row.pageToAckMinutes),
        target,
        size,
      );
    return () => {
      for (const name of ['timeliness:resultToPage', 'timeliness:pageToAck']) {
        consoleCharts[name]?.destroy();
        delete consoleCharts[name];
      }
    };
  }, [report]);
  const { summary } = report;
  return (
    <div ref={host} class="histograms">
      <figure class="chart">
        <figcaption>Result → page</figcaption>
        <div
          data-chart="resultToPage"
          role="img"
          aria-label={`Result to page: ${summary.resultToPage.medianMinutes === null ? 'no alerts' : `median ${minutes(summary.resultToPage.medianMinutes)}, 90th percentile ${minutes(summary.resultToPage.p90Minutes)}`}; target ${summary.targetMinutes} minutes.`}
        />
      </figure>
      <figure class="chart">
        <figcaption>Page → acknowledged</figcaption>
        <div
          data-chart="pageToAck"
          role="img"
          aria-label={`Page to acknowledgement: ${summary.pageToAck.medianMinutes === null ? 'no acknowledged alerts' : `median ${minutes(summary.pageToAck.medianMinutes)}, 90th percentile ${minutes(summary.pageToAck.p90Minutes)}`}; target ${summary.targetMinutes} minutes.`}
        />
      </figure>
    </div>
  );
}

export function TimelinessView({ api }: { api: ConsoleApi }) {
  const today = new Date();
  const [period, setPeriod] = useState({
    from: isoDay(new Date(today.getTime() - 30 * dayMs)),
    to: isoDay(new Date(today.getTime() + dayMs)),
  });
  const [report, setReport] = useState<Loadable<TimelinessReport>>({ status: 'loading' });
  const load = async (from: string, to: string) => {
    setReport({ status: 'loading' });
    try {
      setReport({ status: 'ready', value: await api.timeliness(from, to) });
    } catch (error: unknown) {
      setReport({ status: 'failed', error });
    }
  };
  useEffect(() => {
    void load(period.from, period.to);
  }, []);
  const preset = (days: number) => {
    const next = {
      from: isoDay(new Date(Date.now() - days * dayMs)),
      to: isoDay(new Date(Date.now() + dayMs)),
    };
    setPeriod(next);
    void load(next.from, next.to);
  };
  const download = async () => {
    const blob = await api.timelinessCsv(period.from, period.to);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `timeliness-${period.from}-${period.to}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <section aria-labelledby="timeliness-title">
      <h1 id="timeliness-title" tabIndex={-1}>
        Timeliness of critical results
      </h1>
      <form
        class="toolbar"
        aria-label="Period"
        onSubmit={(event) => {
          event.preventDefault();
          void load(period.from, period.to);
        }}
      >
        <div class="field">
          <label for="period-from">From</label>
          <input
            id="period-from"
            type="date"
            required
            value={period.from}
            onInput={(event) => setPeriod({ ...period, from: (event.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="period-to">Before</label>
          <input
            id="period-to"
            type="date"
            required
            value={period.to}
            onInput={(event) => setPeriod({ ...period, to: (event.target as HTMLInputElement).value })}
          />
        </div>
        <button type="submit">Show</button>
        <button type="button" onClick={() => preset(7)}>
          Last 7 days
        </button>
        <button type="button" onClick={() => preset(30)}>
          Last 30 days
        </button>
        <button type="button" onClick={() => preset(90)}>
          Last 90 days
        </button>
        <button type="button" onClick={() => void download()}>
          Download CSV
        </button>
      </form>
      {report.status === 'loading' ? <p aria-live="polite">Loading…</p> : null}
      {report.status === 'failed' ? <Failure error={report.error} /> : null}
      {report.status === 'ready' ? (
        <>
          <dl class="summary">
            <dt>Critical alerts</dt>
            <dd>{report.value.summary.count}</dd>
            <dt>Target (result → acknowledged)</dt>
            <dd>{report.value.summary.targetMinutes} min</dd>
            <dt>Result → page, median / 90th percentile</dt>
            <dd>
              {minutes(report.value.summary.resultToPage.medianMinutes)} /{' '}
              {minutes(report.value.summary.resultToPage.p90Minutes)}
            </dd>
            <dt>Page → acknowledged, median / 90th percentile</dt>
            <dd>
              {minutes(report.value.summary.pageToAck.medianMinutes)} /{' '}
              {minutes(report.value.summary.pageToAck.p90Minutes)}
            </dd>
            <dt>Acknowledged outside the target</dt>
            <dd>{report.value.summary.outsideTarget.length}</dd>
            <dt>Never acknowledged</dt>
            <dd>{report.value.summary.neverAcknowledged.length}</dd>
          </dl>
          <Histograms report={report.value} />
        </>
      ) : null}
    </section>
  );
}
