/**
 * The admin API as the console uses it: typed reads and the two changes a
 * user can make (acknowledge, enrol or remove), all through `apiFetch` so the
 * deployed console sends the signed-in user's credentials.
 */
import type { Alert } from '../../lambdas/domain/alerts.js';
import type { TimelinessRow, TimelinessSummary } from '../../lambdas/timeliness/report.js';
import type { AlertDetail, CohortRow, PatientTimeline } from '../../lambdas/workflows/console-views.js';
import { apiFetch, type ConsoleConfig } from './auth.js';

export type { Alert, AlertDetail, CohortRow, PatientTimeline };

/** What the API said when it refused (4xx/5xx), in its words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function readJson<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; issues?: string[] } & T;
  if (!response.ok) {
    const detail = body.issues?.join('; ') ?? body.error ?? `HTTP ${response.status}`;
    throw new ApiError(response.status, detail);
  }
  return body;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** GET /reports/timeliness in JSON: the summary and one row per critical alert. */
export interface TimelinessReport {
  from: string;
  to: string;
  summary: TimelinessSummary;
  rows: TimelinessRow[];
}

export function consoleApi(config: ConsoleConfig) {
  const get = async <T>(path: string): Promise<T> => readJson<T>(await apiFetch(config, path));
  const patientPath = (namespace: string, mrn: string) =>
    `/patients/${encodeURIComponent(namespace)}/${encodeURIComponent(mrn)}`;
  return {
    /** Every open and acknowledged alert (all pages). */
    async activeAlerts(): Promise<Alert[]> {
      const alerts: Alert[] = [];
      let cursor: string | undefined;
      do {
        const query = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const page = await get<{ alerts: Alert[]; cursor?: string }>(`/alerts?limit=1000${query}`);
        alerts.push(...page.alerts);
        cursor = page.cursor;
      } while (cursor !== undefined);
      return alerts;
    },
    alert: (alertId: string) => get<AlertDetail>(`/alerts/${encodeURIComponent(alertId)}`),
    async acknowledge(alertId: string, byName: string): Promise<{ outcome: string; alert: Alert }> {
      const response = await apiFetch(
        config,
        `/alerts/${encodeURIComponent(alertId)}/ack`,
        json(byName.trim() === '' ? {} : { byName: byName.trim() }),
      );
      // 409: closed meanwhile; the body still says how it stands.
      if (response.status === 409) return { outcome: 'closed', ...(await response.json()) };
      return readJson(response);
    },
    timeline: (namespace: string, mrn: string, period: { from: string; to: string }) =>
      get<PatientTimeline>(
        `${patientPath(namespace, mrn)}/timeline?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`,
      ),
    cohort: async () => (await get<{ patients: CohortRow[] }>('/cohort')).patients,
    async changeCohort(
      namespace: string,
      mrn: string,
      change: { action: 'enrol' | 'remove'; reason?: string; byName?: string },
    ): Promise<{ resolvesAlerts: { alertId: string; ruleId: string }[] }> {
      const body = Object.fromEntries(
        Object.entries(change).filter(([, value]) => value !== undefined && value !== ''),
      );
      return readJson(await apiFetch(config, `${patientPath(namespace, mrn)}/cohort`, json(body)));
    },
    timeliness: (from: string, to: string) =>
      get<TimelinessReport>(
        `/reports/timeliness?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      ),
    async timelinessCsv(from: string, to: string): Promise<Blob> {
      const response = await apiFetch(
        config,
        `/reports/timeliness?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=csv`,
      );
      if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
      return response.blob();
    },
  };
}

export type ConsoleApi = ReturnType<typeof consoleApi>;
