/**
 * The evaluation's ports over plain memory, with the store's semantics that
 * ordering depends on: conditional alert writes (a create only into a free
 * slot, an update only at the version read), the outbox committed with the
 * change, claims with a lease, sent and parked entries. Every call yields a
 * few times (as a network call would), so concurrent evaluations interleave.
 * For property tests only; the DynamoDB store is tested against DynamoDB Local.
 */
import { ConcurrentAlertChangeError } from '../../lambdas/adapters/store-errors.js';
import type { RulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert, AuditEvent } from '../../lambdas/domain/alerts.js';
import type { ClinicalRecord, CohortEnrolment, StoredRecord } from '../../lambdas/domain/records.js';
import {
  applyEnrolment,
  applyRecords,
  type ClinicalState,
  emptyClinicalState,
} from '../../lambdas/patient/clinical-state.js';
import {
  isClosed,
  type PatientProfile,
  recordItems,
  type StoredEnrolment,
} from '../../lambdas/table/items.js';
import { enrolmentSk, type PatientKey } from '../../lambdas/table/layout.js';
import type { EvaluationPorts } from '../../lambdas/workflows/evaluate.js';
import type { LatestResults, PendingNotification } from '../../lambdas/workflows/ports.js';

interface OutboxEntry {
  notification: PendingNotification;
  queued: number;
  position: number;
  sent?: boolean;
  parked?: boolean;
  claimedUntil?: number;
  claimedBy?: string;
  attempts: number;
}

interface MemoryPatient {
  profile: PatientProfile;
  records: StoredRecord[];
  clinical: ClinicalState;
  alerts: Map<string, Alert>;
  outbox: Map<string, OutboxEntry>;
  audit: AuditEvent[];
}

export interface Published {
  notificationId: string;
  topic: string;
  rendered: PendingNotification['rendered'];
}

const keyOf = ({ namespace, mrn }: PatientKey) => `${namespace}|${mrn}`;
const slotOf = (alert: Pick<Alert, 'ruleId' | 'alertScope'>) => `${alert.ruleId}#${alert.alertScope}`;

export class MemoryPorts implements EvaluationPorts {
  readonly patients = new Map<string, MemoryPatient>();
  readonly published: Published[] = [];
  private queued = 0;
  private nextPause = 0;

  /** `pauses`: how many times each successive call yields (cycled), so runs interleave differently. */
  constructor(
    private readonly config: RulesConfig,
    private readonly pauses: readonly number[] = [0],
  ) {}

  private async pause(): Promise<void> {
    const times = this.pauses[this.nextPause++ % this.pauses.length] ?? 0;
    for (let index = 0; index < times; index++) await new Promise((resolve) => setImmediate(resolve));
  }

  private patient(key: PatientKey): MemoryPatient {
    let patient = this.patients.get(keyOf(key));
    if (patient === undefined) {
      patient = {
        profile: {
          namespace: key.namespace,
          mrn: key.mrn,
          facility: 'DIALYSIS_EAST',
          sex: 'F',
          location: 'HD^CHAIR^4',
        },
        records: [],
        clinical: emptyClinicalState,
        alerts: new Map(),
        outbox: new Map(),
        audit: [],
      };
      this.patients.set(keyOf(key), patient);
    }
    return patient;
  }

  /** Ingest: a message's records, and the clinical state they change, as the message store writes them. */
  storeMessage(key: PatientKey, records: readonly ClinicalRecord[], receivedAt: string): StoredRecord[] {
    const patient = this.patient(key);
    const { stored } = recordItems(key, records, { receivedAt, archiveKey: 'memory' });
    patient.records.push(...stored);
    patient.clinical = applyRecords(patient.clinical, stored, this.config);
    return stored;
  }

  storeEnrolment(key: PatientKey, enrolment: CohortEnrolment): StoredEnrolment {
    const patient = this.patient(key);
    patient.clinical = applyEnrolment(patient.clinical, enrolment);
    return { recordId: enrolmentSk(enrolment.at), enrolment };
  }

  // A merge is not part of the ordering property; these keep the port shape honest, not more.
  async copyPatientRecords(prior: PatientKey, survivor: PatientKey): Promise<number> {
    await this.pause();
    const copied = this.patient(prior).records;
    this.patient(survivor).records.push(...copied);
    return copied.length;
  }

  async readWholeRecord(key: PatientKey) {
    await this.pause();
    return { records: [...this.patient(key).records], enrolments: [] };
  }

  async readClinicalState(_operation: string, key: PatientKey) {
    await this.pause();
    return { state: this.patient(key).clinical, version: 0 };
  }

  async replaceClinicalState(key: PatientKey, next: ClinicalState): Promise<boolean> {
    await this.pause();
    this.patient(key).clinical = next;
    return true;
  }

  async triagePatient(namespace: string, mrn: string) {
    await this.pause();
    const patient = this.patient({ namespace, mrn });
    return {
      inCohort: patient.clinical.cohort.inCohort,
      pendingNotifications: this.pending(patient).length > 0,
    };
  }

  async loadPatient(namespace: string, mrn: string) {
    await this.pause();
    const patient = this.patient({ namespace, mrn });
    const alerts = [...patient.alerts.values()].map((alert) => structuredClone(alert));
    return {
      profile: { ...patient.profile },
      records: [...patient.records],
      clinical: patient.clinical,
      activeAlerts: alerts.filter((alert) => !isClosed(alert)),
      closedAlerts: alerts.filter((alert) => isClosed(alert)),
      pendingNotifications: this.pending(patient),
    };
  }

  private pending(patient: MemoryPatient): PendingNotification[] {
    return [...patient.outbox.values()]
      .filter((entry) => !entry.sent && !entry.parked)
      .sort((left, right) => left.queued - right.queued || left.position - right.position)
      .map((entry) => entry.notification);
  }

  async recordLatestResults(key: PatientKey, latest: LatestResults): Promise<void> {
    await this.pause();
    this.patient(key).profile.latestResults = latest;
  }

  async getPatientProfile(namespace: string, mrn: string) {
    await this.pause();
    return { ...this.patient({ namespace, mrn }).profile };
  }

  async applyAlertChanges({
    changes,
    audit,
    outbox,
    claim,
  }: Parameters<EvaluationPorts['applyAlertChanges']>[0]): Promise<void> {
    await this.pause();
    const conflicting = changes
      .filter((change) => {
        const current = this.patient(change.alert.patient).alerts.get(slotOf(change.alert));
        if (change.kind === 'create') {
          return current !== undefined && !(isClosed(current) && current.alertId !== change.alert.alertId);
        }
        return current?.version !== change.expectedVersion || current.alertId !== change.alert.alertId;
      })
      .map((change) => change.alert.alertId);
    if (conflicting.length > 0) throw new ConcurrentAlertChangeError(conflicting);
    const patientOf = new Map<string, MemoryPatient>();
    for (const change of changes) {
      const patient = this.patient(change.alert.patient);
      patient.alerts.set(slotOf(change.alert), structuredClone(change.alert));
      patientOf.set(change.alert.alertId, patient);
    }
    for (const event of audit) patientOf.get(event.alertId)?.audit.push({ ...event });
    const queued = ++this.queued;
    outbox.forEach((notification, position) => {
      this.patient(notification.patient).outbox.set(notification.notificationId, {
        notification,
        queued,
        position,
        attempts: claim === undefined ? 0 : 1,
        ...(claim === undefined
          ? {}
          : { claimedBy: claim.claimant, claimedUntil: claim.now.getTime() + claim.leaseMs }),
      });
    });
  }

  async claimNotification(
    pending: PendingNotification,
    { claimant, now, leaseMs }: { claimant: string; now: Date; leaseMs: number },
  ): Promise<number | undefined> {
    await this.pause();
    const entry = this.patient(pending.patient).outbox.get(pending.notificationId);
    if (entry === undefined || entry.sent || entry.parked) return undefined;
    const leased = entry.claimedUntil !== undefined && entry.claimedUntil >= now.getTime();
    if (leased && entry.claimedBy !== claimant) return undefined;
    entry.claimedUntil = now.getTime() + leaseMs;
    entry.claimedBy = claimant;
    entry.attempts += 1;
    return entry.attempts;
  }

  async publish(topic: PendingNotification['topic'], rendered: PendingNotification['rendered']) {
    await this.pause();
    this.published.push({ notificationId: String(rendered.attributes.notificationId), topic, rendered });
    return `message-${this.published.length}`;
  }

  async completeNotification(pending: PendingNotification): Promise<void> {
    await this.pause();
    const entry = this.patient(pending.patient).outbox.get(pending.notificationId);
    if (entry !== undefined) entry.sent = true;
  }

  async releaseNotification(
    pending: PendingNotification,
    { claimant, park }: { claimant: string; park: boolean },
  ): Promise<void> {
    await this.pause();
    const entry = this.patient(pending.patient).outbox.get(pending.notificationId);
    if (entry === undefined || entry.sent || entry.claimedBy !== claimant) return;
    delete entry.claimedUntil;
    delete entry.claimedBy;
    if (park) entry.parked = true;
  }
}
