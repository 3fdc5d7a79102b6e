/**
 * What the console reads through the admin API: an alert with its evidence and
 * audit trail, a patient's timeline (results in force, medication bars, alert
 * markers; one bounded read of the patient's partition), and the cohort list
 * (one Query of the `cohortView` index). Read-only: every change the console
 * makes goes through the acknowledge and cohort workflows (workflows/admin.ts).
 */
import type { Alert, AuditEvent } from '../domain/alerts.js';
import type { MedicationOrderEvent, PatientKey, StoredRecord } from '../domain/records.js';
import { analyteDefinition } from '../units/analytes.js';
import type {
  AlertDetail,
  AlertMarker,
  CohortEntry,
  CohortRow,
  EvidenceView,
  MedicationBar,
  MedicationStep,
  PatientSummary,
  PatientTimeline,
  ReferenceLine,
  TimelineAnalyte,
  TimelineMedicationClass,
  TimelineSeries,
  TrailEntry,
} from './console-views.js';
import { timelineAnalytes, timelineMedicationClasses } from './console-views.js';
import { patientRefOf, patientStateOf } from './patient.js';
import type { PatientPorts, PatientProfile } from './ports.js';

/** A notification the outbox published for an alert (its sent mark). */
export interface SentNotification {
  notificationId: string;
  sentAt: string;
  topic?: string;
}

/** One cohort member as the `cohortView` index holds them: the profile and the active alert slots. */
export interface CohortViewEntry {
  profile: PatientProfile;
  activeAlerts: Alert[];
}

export interface ConsolePorts extends Pick<PatientPorts, 'loadPatient'> {
  getAlert(alertId: string): Promise<Alert | undefined>;
  /** The alert's audit events and the sent marks of its notifications. */
  alertTrail(alert: Alert): Promise<{ audit: AuditEvent[]; sent: SentNotification[] }>;
  /** The stored records an alert cites (those still stored). */
  evidenceRecords(patient: PatientKey, recordIds: readonly string[]): Promise<StoredRecord[]>;
  listCohortView(): Promise<CohortViewEntry[]>;
}

export async function alertDetail(
  alertId: string,
  ports: Pick<ConsolePorts, 'getAlert' | 'alertTrail' | 'evidenceRecords'>,
): Promise<AlertDetail | undefined> {
  const alert = await ports.getAlert(alertId);
  if (alert === undefined) return undefined;
  const [trail, records] = await Promise.all([
    ports.alertTrail(alert),
    ports.evidenceRecords(
      alert.patient,
      alert.evidence.map((evidence) => evidence.recordId),
    ),
  ]);
  const byId = new Map(records.map((stored) => [stored.recordId, stored]));
  const evidence = alert.evidence.map((cited): EvidenceView => {
    const view: EvidenceView = {
      kind: cited.kind,
      recordId: cited.recordId,
      at: cited.at,
      summary: cited.summary,
    };
    if (cited.receivedAt !== undefined) view.receivedAt = cited.receivedAt;
    const record = byId.get(cited.recordId)?.record;
    if (record?.kind === 'observation') {
      view.sent = asSent(record.rawValue, record.rawUnit);
      view.status = record.status;
      if (record.canonical !== undefined) view.canonical = record.canonical;
    } else if (record?.kind === 'medicationOrder') {
      view.sent = orderAsSent(record);
      view.status = record.orderControl;
    } else if (cited.value !== undefined) {
      view.canonical = cited.value;
    }
    return view;
  });
  const entries: TrailEntry[] = [
    ...trail.audit.map(
      (event): TrailEntry => ({
        kind: 'transition',
        at: event.at,
        from: event.from,
        to: event.to,
        reason: event.reason,
        by: event.by,
        ...(event.byName === undefined ? {} : { byName: event.byName }),
      }),
    ),
    ...trail.sent.map(
      (sent): TrailEntry => ({
        kind: 'notification',
        at: sent.sentAt,
        event: sent.notificationId.slice(alert.alertId.length + 1),
        ...(sent.topic === undefined ? {} : { topic: sent.topic }),
      }),
    ),
  ].sort((left, right) => (left.at < right.at ? -1 : left.at > right.at ? 1 : 0));
  return { alert, evidence, trail: entries };
}

const asSent = (rawValue: string, rawUnit: string) => (rawUnit === '' ? rawValue : `${rawValue} ${rawUnit}`);

function orderAsSent(order: MedicationOrderEvent): string {
  const dose = order.doseMg === undefined ? '' : ` ${order.doseMg} mg`;
  const frequency = order.frequency === undefined ? '' : ` ${order.frequency}`;
  return `${order.orderControl} ${order.drugText}${dose}${frequency}`;
}

/** The longest timeline one request may ask for: two years of records in one bounded read. */
export const maxTimelineDays = 731;
const dayMs = 86_400_000;

export class TimelinePeriodError extends Error {
  constructor(
    readonly parameter: 'from' | 'to',
    message: string,
  ) {
    super(message);
    this.name = 'TimelinePeriodError';
  }
}

/**
 * The reference lines of each plot, from the rule catalogue (clinical-rules.md):
 * the thresholds the rules act on, so a point above or below a line is a
 * point a rule judged so.
 */
function referenceLines(analyte: TimelineAnalyte, sex: PatientSummary['sex']): ReferenceLine[] {
  switch (analyte) {
    case 'calcium':
      return [
        { value: 7.5, label: 'critical below 7.5 (CALCIUM_CRITICAL_LOW)' },
        { value: 8.0, label: 'critical resolves at 8.0' },
        { value: 8.4, label: 'low below 8.4 (CALCIUM_LOW)' },
      ];
    case 'pth':
      return [
        { value: 100, label: 'low below 100 (PTH_LOW)' },
        { value: 150, label: 'target 150–300' },
        { value: 300, label: 'start or titrate cinacalcet above 300' },
        { value: 500, label: 'severe above 500 (PTH_SEVERE)' },
      ];
    case 'hemoglobin':
      return sex === 'M'
        ? [{ value: 13, label: 'target above 13 (men; HEMOGLOBIN_LOW)' }]
        : [
            {
              value: 12,
              label: `target above 12 (${sex === 'F' ? 'women' : 'sex unknown'}; HEMOGLOBIN_LOW)`,
            },
          ];
    case 'bicarbonate':
      return [{ value: 22, label: 'target at least 22 (BICARBONATE_LOW)' }];
    case 'crp':
      return [{ value: 10, label: 'rising from 10 (CRP_RISING)' }];
  }
}

const analyteLabels: Record<TimelineAnalyte, string> = {
  calcium: 'Calcium',
  pth: 'PTH',
  crp: 'CRP',
  hemoglobin: 'Hemoglobin',
  bicarbonate: 'Bicarbonate',
};

export function summaryOf(
  namespace: string,
  mrn: string,
  profile: PatientProfile | undefined,
): PatientSummary {
  return {
    namespace,
    mrn,
    sex: profile?.sex ?? 'unknown',
    ...(profile?.facility === undefined ? {} : { facility: profile.facility }),
    ...(profile?.location === undefined ? {} : { location: profile.location }),
    ...(profile?.name === undefined ? {} : { name: profile.name }),
  };
}

/**
 * A patient's timeline from `from` to `to`: one bounded read of the patient's
 * partition (the records from `from` on and the patient's state items), so
 * `from` may be at most `maxTimelineDays` before `now`.
 */
export async function patientTimeline(
  patient: PatientKey,
  period: { from: Date; to: Date },
  ports: Pick<ConsolePorts, 'loadPatient'>,
  now: Date,
): Promise<PatientTimeline> {
  const { from, to } = period;
  if (to.getTime() <= from.getTime()) throw new TimelinePeriodError('to', 'must be after from');
  const historyDays = Math.ceil((now.getTime() - from.getTime()) / dayMs);
  if (historyDays > maxTimelineDays) {
    throw new TimelinePeriodError('from', `may be at most ${maxTimelineDays} days ago`);
  }
  const history = await ports.loadPatient(patient.namespace, patient.mrn, {
    historyDays: Math.max(historyDays, 1),
    now,
  });
  const summary = summaryOf(patient.namespace, patient.mrn, history.profile);
  const state = patientStateOf(patientRefOf(patient.namespace, patient.mrn, history.profile), history, now);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const inPeriod = (at: string | undefined) => {
    const ms = at === undefined ? Number.NaN : Date.parse(at);
    return ms >= fromMs && ms < toMs;
  };

  const series = timelineAnalytes.map((analyte): TimelineSeries => {
    const points = state.observations[analyte]
      .filter((entry) => entry.observation.canonical !== undefined && inPeriod(entry.observedAt))
      .map((entry) => {
        const canonical = entry.observation.canonical;
        return {
          at: entry.observedAt,
          value: canonical?.value ?? Number.NaN,
          ...(canonical?.comparator === undefined ? {} : { comparator: canonical.comparator }),
          sent: asSent(entry.observation.rawValue, entry.observation.rawUnit),
          status: entry.observation.status,
          recordId: entry.recordId,
        };
      })
      .reverse();
    return {
      analyte,
      label: analyteLabels[analyte],
      unit: analyteDefinition(analyte).canonicalUnit,
      lines: referenceLines(analyte, summary.sex),
      points,
    };
  });

  const alerts = [...history.activeAlerts, ...history.closedAlerts];
  const markers = alerts
    .flatMap((alert): AlertMarker[] => {
      const marker = (event: AlertMarker['event'], at: string | undefined): AlertMarker[] =>
        at === undefined
          ? []
          : [{ alertId: alert.alertId, ruleId: alert.ruleId, severity: alert.severity, event, at }];
      return [
        ...marker('opened', alert.openedAt),
        ...marker('acknowledged', alert.acknowledgedAt),
        ...(alert.state === 'superseded'
          ? marker('superseded', alert.resolvedAt)
          : marker('resolved', alert.resolvedAt)),
      ];
    })
    .filter((marker) => inPeriod(marker.at))
    .sort((left, right) => (left.at < right.at ? -1 : left.at > right.at ? 1 : 0));

  const cohort = state.cohort;
  return {
    patient: summary,
    cohort: {
      inCohort: cohort.inCohort,
      ...(cohort.enteredAt === undefined ? {} : { since: cohort.enteredAt }),
      ...(cohort.via === undefined ? {} : { via: cohort.via === 'admin' ? 'enrolment' : 'diagnosis' }),
      ...(cohort.enteredBy === undefined ? {} : { by: cohort.enteredBy }),
    },
    from: from.toISOString(),
    to: to.toISOString(),
    series,
    medications: medicationBars(history.records, history.clinical.medications.orders, from, to, now),
    markers,
  };
}

const orderStatusByControl: Readonly<Record<string, 'active' | 'held' | 'ended'>> = {
  NW: 'active',
  XO: 'active',
  RL: 'active',
  SC: 'active',
  DC: 'ended',
  CA: 'ended',
  OD: 'ended',
  HD: 'held',
};

const isTimelineClass = (value: string | undefined): value is TimelineMedicationClass =>
  (timelineMedicationClasses as readonly string[]).includes(value ?? '');

/**
 * One bar per order of a class the timeline shows, in steps of one status and
 * daily dose: the order events read (in event-time order, as the durable
 * clinical state folds them), and for an order whose events all came before
 * `from`, its stored current state.
 */
export function medicationBars(
  records: readonly StoredRecord[],
  storedOrders: readonly {
    orderId: string;
    medicationClass?: string;
    ingredient?: string;
    drugText: string;
    status: 'active' | 'held' | 'ended';
    dailyDoseMg?: number;
    startedAt: string;
    endedAt?: string;
    placerOrderNumber?: string;
    fillerOrderNumber?: string;
  }[],
  from: Date,
  to: Date,
  now: Date,
): MedicationBar[] {
  const bars = new Map<string, MedicationBar & { open?: MedicationStep; plannedEnd?: string }>();
  const events = records
    .filter(
      (stored): stored is StoredRecord & { record: MedicationOrderEvent } =>
        stored.record.kind === 'medicationOrder',
    )
    .sort((left, right) => (left.record.eventAt < right.record.eventAt ? -1 : 1));
  for (const { record: event } of events) {
    const status = orderStatusByControl[event.orderControl.trim().toUpperCase()];
    if (status === undefined) continue;
    const orderId = event.placerOrderNumber || event.fillerOrderNumber;
    let bar = bars.get(orderId);
    if (bar === undefined) {
      // A stop often carries no drug: the order it ends said what it was.
      if (!isTimelineClass(event.medicationClass)) continue;
      bar = {
        orderId,
        medicationClass: event.medicationClass,
        ...(event.ingredient === undefined ? {} : { ingredient: event.ingredient }),
        drugText: event.drugText,
        steps: [],
      };
      bars.set(orderId, bar);
    }
    const at = event.orderControl === 'NW' && event.startAt !== undefined ? event.startAt : event.eventAt;
    const dailyDoseMg = event.dailyDoseMg ?? bar.open?.dailyDoseMg;
    if (bar.open !== undefined && (status !== bar.open.status || dailyDoseMg !== bar.open.dailyDoseMg)) {
      bar.open.to = event.eventAt;
      bar.open = undefined;
    }
    if (status !== 'ended' && bar.open === undefined) {
      bar.open = { from: at, status, ...(dailyDoseMg === undefined ? {} : { dailyDoseMg }) };
      bar.steps.push(bar.open);
    }
    if (event.endAt !== undefined) bar.plannedEnd = event.endAt;
    else if (status === 'ended') delete bar.plannedEnd;
  }
  for (const order of storedOrders) {
    if (!isTimelineClass(order.medicationClass) || (order.status === 'ended' && order.endedAt === undefined))
      continue;
    const known = [order.orderId, order.placerOrderNumber, order.fillerOrderNumber].some(
      (id) => id !== undefined && bars.has(id),
    );
    if (known) continue;
    // Ordered before the period: one step from when it started, at its current dose.
    bars.set(order.orderId, {
      orderId: order.orderId,
      medicationClass: order.medicationClass,
      ...(order.ingredient === undefined ? {} : { ingredient: order.ingredient }),
      drugText: order.drugText,
      steps: [
        {
          from: order.startedAt,
          ...(order.endedAt === undefined ? {} : { to: order.endedAt }),
          status: order.status === 'held' ? 'held' : 'active',
          ...(order.dailyDoseMg === undefined ? {} : { dailyDoseMg: order.dailyDoseMg }),
        },
      ],
    });
  }
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const nowIso = now.toISOString();
  return [...bars.values()]
    .map(({ open, plannedEnd, ...bar }) => {
      if (open !== undefined && plannedEnd !== undefined && plannedEnd < nowIso) open.to = plannedEnd;
      return {
        ...bar,
        steps: bar.steps.filter((step) => step.from < toIso && (step.to ?? nowIso) >= fromIso),
      };
    })
    .filter((bar) => bar.steps.length > 0)
    .sort(
      (left, right) =>
        timelineMedicationClasses.indexOf(left.medicationClass) -
          timelineMedicationClasses.indexOf(right.medicationClass) ||
        (left.steps[0]?.from ?? '').localeCompare(right.steps[0]?.from ?? ''),
    );
}

/** The cohort list: each member, how they entered, their latest results and their active alerts. */
export async function cohortList(ports: Pick<ConsolePorts, 'listCohortView'>): Promise<CohortRow[]> {
  const entries = await ports.listCohortView();
  return entries.map(({ profile, activeAlerts }): CohortRow => {
    const cohort: CohortEntry = {};
    if (profile.cohort !== undefined) {
      if (profile.cohort.since !== '') cohort.since = profile.cohort.since;
      cohort.via = profile.cohort.via === 'enrolment' ? 'enrolment' : 'diagnosis';
      if (profile.cohort.by !== undefined) cohort.by = profile.cohort.by;
    }
    const latest: CohortRow['latest'] = {};
    for (const [analyte, result] of Object.entries(profile.latestResults ?? {})) {
      if (result !== undefined) {
        latest[analyte as keyof CohortRow['latest']] = {
          value: result.value,
          sent: result.sent,
          at: result.at,
        };
      }
    }
    return {
      patient: summaryOf(profile.namespace, profile.mrn, profile),
      cohort,
      latest,
      alerts: {
        active: activeAlerts.length,
        unacknowledged: activeAlerts.filter((alert) => alert.state === 'open').length,
        critical: activeAlerts.filter((alert) => alert.severity === 'critical').length,
      },
    };
  });
}
