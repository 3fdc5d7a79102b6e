/**
 * The workflows' ports over memory, for the backtest: what the DynamoDB store does, as the ingest,
 * evaluate and sweep workflows see it (duplicate detection, the profile upsert, the durable
 * clinical state, the bounded history read, conditional alert writes, the outbox), with items
 * built by the store's own item code so record ids, and so evidence, are the same as in the table.
 * Nothing is kept but each patient's state and the duplicate-detection slots still alive; records
 * that fell out of the history window are dropped. Pure: no AWS import.
 */

import type { Alert } from '../domain/alerts.js';
import type { CohortEnrolment, PatientKey, StoredRecord } from '../domain/records.js';
import type { ClinicalState } from '../patient/clinical-state.js';
import { emptyClinicalState } from '../patient/clinical-state.js';
import { isClosed, recordItems, storedRecordFromItem } from '../table/items.js';
import {
  alertSk,
  evaluationTriggerItemTypes,
  historyRange,
  mergedFromAttribute,
  messagePk,
  orderStateUnchangedAttribute,
  outsideCohortItemTypes,
  patientPk,
  reusedControlIdSuffix,
} from '../table/layout.js';
import type { EvaluationPorts } from '../workflows/evaluate.js';
import {
  type AcceptMessageInput,
  type AcceptMessageResult,
  type AlertChanges,
  type AlertPage,
  ConcurrentAlertChangeError,
  type HistoryWindow,
  type LatestResults,
  type OutboxClaim,
  type PatientHistory,
  type PatientProfile,
  type PendingNotification,
  StoreError,
  type TriggeringItem,
} from '../workflows/ports.js';
import type { SweepPorts } from '../workflows/sweep.js';
import { timesIn } from './sweep-schedule.js';

const dayMs = 86_400_000;

/** What the backtest counts, told by the store as the workflows write. */
export interface StoreListener {
  /** An alert opened (its `opened` notification was committed with it). */
  opened(alert: Alert): void;
  published(topic: PendingNotification['topic'], rendered: PendingNotification['rendered']): void;
  /** Something of this patient (by partition key) was written. */
  changed(patient: string): void;
}

export interface MemoryStoreSettings {
  /** As DUPLICATE_TTL_DAYS: how long a control id is remembered. */
  duplicateTtlDays: number;
  /** As HISTORY_DAYS: records older than this behind the clock are never read again. */
  historyDays: number;
}

interface OutboxEntry {
  pending: PendingNotification;
  order: number;
  claimedBy?: string;
  claimedUntil?: number;
  attempts: number;
  parked?: boolean;
}

interface PatientPartition {
  key: PatientKey;
  pk: string;
  profile: PatientProfile | undefined;
  /** By sort key (the record id); `sorted` caches them in key order. */
  records: Map<string, StoredRecord>;
  sorted: StoredRecord[] | undefined;
  /** Copied from a merged record; read only by a later merge. */
  enrolments: CohortEnrolment[];
  clinical: ClinicalState;
  clinicalVersion: number;
  /** The current alert per rule and scope, by its slot's sort key. */
  alerts: Map<string, Alert>;
  outbox: Map<string, OutboxEntry>;
}

interface MessageSlot {
  contentHash: string;
  receivedAt: string;
  archiveKey: string;
  expiresAtSeconds: number;
}

/** The item the stream would hand to the evaluation (the event-source filter of lambdas/table/layout.ts). */
function startsEvaluation(item: Record<string, unknown>, inCohort: boolean): boolean {
  return (
    (evaluationTriggerItemTypes as readonly unknown[]).includes(item.itemType) &&
    item[mergedFromAttribute] === undefined &&
    item[orderStateUnchangedAttribute] === undefined &&
    // As the table's ingest marks it (outsideCohortAttribute): written outside the cohort, not evaluated.
    (inCohort || !outsideCohortItemTypes.has(item.itemType))
  );
}

/** The store keeps JSON: what is read back has no undefined members, as from the table. */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const compareKeys = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

export class MemoryStore implements EvaluationPorts, SweepPorts {
  private readonly patients = new Map<string, PatientPartition>();
  private readonly slots = new Map<string, MessageSlot>();
  /** Open critical alerts by id: all the sweep's first stage acts on. */
  private readonly openCritical = new Map<string, Alert>();
  private readonly cohort = new Set<string>();
  /** The cohort's partition keys in the cohort index's order (sorted once per change of membership). */
  private cohortSorted: string[] | undefined;
  /** When set, the sweep's cohort list holds only these patients (the others' sweep would find nothing). */
  sweepOnly: ReadonlySet<string> | undefined;
  private outboxOrder = 0;
  private published = 0;
  /** What the stream would carry to the evaluation since it was last drained. */
  private triggered: TriggeringItem[] = [];

  constructor(
    private readonly settings: MemoryStoreSettings,
    private readonly listener: StoreListener,
  ) {}

  /** The records stored since the last call that start an evaluation, in the order written. */
  takeTriggered(): TriggeringItem[] {
    const items = this.triggered;
    this.triggered = [];
    return items;
  }

  /** The cohort's partition keys, in the cohort index's order. */
  cohortPatients(): readonly string[] {
    this.cohortSorted ??= [...this.cohort].sort(compareKeys);
    return this.cohortSorted;
  }

  /** Whether a critical alert is open: the sweep's first stage may escalate or repeat it. */
  hasOpenCriticalAlerts(): boolean {
    return this.openCritical.size > 0;
  }

  /** Every time held in the patient's records, clinical state and alerts (ms). */
  timesOf(patient: string): number[] {
    const partition = this.patients.get(patient);
    if (partition === undefined) return [];
    return timesIn(
      JSON.stringify([this.sortedRecords(partition), partition.clinical, [...partition.alerts.values()]]),
    );
  }

  private partition(key: PatientKey): PatientPartition {
    const pk = patientPk(key);
    let partition = this.patients.get(pk);
    if (partition === undefined) {
      partition = {
        key: { namespace: key.namespace, mrn: key.mrn },
        pk,
        profile: undefined,
        records: new Map(),
        sorted: undefined,
        enrolments: [],
        clinical: emptyClinicalState,
        clinicalVersion: 0,
        alerts: new Map(),
        outbox: new Map(),
      };
      this.patients.set(pk, partition);
    }
    return partition;
  }

  private sortedRecords(partition: PatientPartition): StoredRecord[] {
    partition.sorted ??= [...partition.records.values()].sort((left, right) =>
      compareKeys(left.recordId, right.recordId),
    );
    return partition.sorted;
  }

  private putRecord(partition: PatientPartition, stored: StoredRecord): void {
    partition.records.set(stored.recordId, stored);
    partition.sorted = undefined;
    this.listener.changed(partition.pk);
  }

  /** The profile's cohort-index attributes follow the clinical state when it is written (setCohortIndex). */
  private indexCohort(partition: PatientPartition): void {
    partition.profile ??= { ...partition.key, sex: 'unknown' };
    const { profile } = partition;
    const { cohort } = partition.clinical;
    if (cohort.inCohort) {
      profile.cohort = {
        since: cohort.enteredAt ?? '',
        via: cohort.via === 'admin' ? 'enrolment' : 'diagnosis',
      };
      this.cohort.add(partition.pk);
    } else {
      delete profile.cohort;
      this.cohort.delete(partition.pk);
    }
    this.cohortSorted = undefined;
  }

  private writeClinicalState(partition: PatientPartition, next: ClinicalState): void {
    partition.clinical = asStored(next);
    partition.clinicalVersion += 1;
    this.indexCohort(partition);
    this.listener.changed(partition.pk);
  }

  // Ingest (the raw archive is what the backtest reads: the caller names the key)

  async acceptMessage(input: AcceptMessageInput): Promise<AcceptMessageResult> {
    const receivedMs = Date.parse(input.receivedAt);
    if (Number.isNaN(receivedMs))
      throw new StoreError(`receivedAt is not a timestamp: ${input.receivedAt}`, false);
    const nowSeconds = Math.floor(receivedMs / 1000);
    const controlKey = messagePk(input.sendingApplication, input.facility, input.controlId);
    const live = (slot: MessageSlot | undefined): slot is MessageSlot =>
      slot !== undefined && slot.expiresAtSeconds >= nowSeconds;

    const first = this.slots.get(controlKey);
    if (!live(first)) return this.store(input, controlKey, '', undefined, nowSeconds);
    if (first.contentHash === input.contentHash) return duplicateOf(first);
    const reuseKey = `${controlKey}\u001f${input.contentHash}`;
    const reused = this.slots.get(reuseKey);
    if (live(reused)) return duplicateOf(reused);
    return this.store(input, reuseKey, reusedControlIdSuffix(input.contentHash), first, nowSeconds);
  }

  private store(
    input: AcceptMessageInput,
    slotKey: string,
    keySuffix: string,
    reusing: MessageSlot | undefined,
    nowSeconds: number,
  ): AcceptMessageResult {
    const partition = this.partition(input.patient);
    const { items } = recordItems(partition.key, input.records, {
      receivedAt: input.receivedAt,
      archiveKey: input.archiveKey,
      keySuffix,
    });
    // Read back as the table gives them (JSON), as the stream and the history read do.
    const stored = items.map(storedRecordFromItem);
    if (input.updateClinicalState !== undefined) {
      this.writeClinicalState(partition, input.updateClinicalState(partition.clinical, stored));
    }
    this.upsertProfile(partition, input);
    const inCohort = partition.clinical.cohort.inCohort;
    items.forEach((item, index) => {
      const record = stored[index] as StoredRecord;
      this.putRecord(partition, record);
      if (startsEvaluation(item, inCohort))
        this.triggered.push({
          kind: 'record',
          patient: partition.key,
          stored: record,
          // As the table's ingest marks it (insideCohortAttribute): the evaluation skips its triage.
          ...(inCohort && outsideCohortItemTypes.has(item.itemType) ? { insideCohortAtIngest: true } : {}),
        });
    });
    this.dropOutsideWindow(partition, Date.parse(input.receivedAt));
    this.slots.set(slotKey, {
      contentHash: input.contentHash,
      receivedAt: input.receivedAt,
      archiveKey: input.archiveKey,
      expiresAtSeconds: nowSeconds + this.settings.duplicateTtlDays * 86_400,
    });
    if (reusing === undefined) return { outcome: 'stored', storedRecords: stored };
    return {
      outcome: 'stored',
      storedRecords: stored,
      reusedControlId: { first: { receivedAt: reusing.receivedAt, archiveKey: reusing.archiveKey } },
    };
  }

  /** As the store's profile upsert: the last message wins; a known sex is never overwritten by `unknown`. */
  private upsertProfile(partition: PatientPartition, input: AcceptMessageInput): void {
    const { patient } = input;
    const previous = partition.profile;
    const profile: PatientProfile = {
      ...previous,
      namespace: patient.namespace,
      mrn: patient.mrn,
      facility: patient.facility,
      updatedAt: input.receivedAt,
      sex: patient.sex === 'unknown' ? (previous?.sex ?? 'unknown') : patient.sex,
    };
    if (patient.location !== undefined && patient.location !== '') profile.location = patient.location;
    if (patient.name !== undefined) profile.name = asStored(patient.name);
    partition.profile = profile;
    this.listener.changed(partition.pk);
  }

  /** Forgets the duplicate-detection slots that expired (DynamoDB's TTL does the same). */
  forgetExpiredSlots(nowMs: number): void {
    const nowSeconds = Math.floor(nowMs / 1000);
    for (const [key, slot] of this.slots) if (slot.expiresAtSeconds < nowSeconds) this.slots.delete(key);
  }

  private dropOutsideWindow(partition: PatientPartition, nowMs: number): void {
    // A day more than the window: a read at a later clock never reaches further back.
    const oldest = historyRange(new Date(nowMs - (this.settings.historyDays + 1) * dayMs).toISOString()).from;
    const sorted = this.sortedRecords(partition);
    if (sorted.length === 0 || compareKeys(sorted[0]!.recordId, oldest) >= 0) return;
    for (const record of sorted) {
      if (compareKeys(record.recordId, oldest) >= 0) break;
      partition.records.delete(record.recordId);
    }
    partition.sorted = undefined;
  }

  // Patients

  async triagePatient(namespace: string, mrn: string) {
    const partition = this.patients.get(patientPk({ namespace, mrn }));
    return {
      inCohort: partition?.clinical.cohort.inCohort ?? false,
      pendingNotifications: partition === undefined ? false : this.pendingOf(partition).length > 0,
    };
  }

  async loadPatient(
    namespace: string,
    mrn: string,
    { historyDays, now }: HistoryWindow,
  ): Promise<PatientHistory> {
    const nowMs = typeof now === 'string' ? Date.parse(now) : now.getTime();
    if (Number.isNaN(nowMs) || !(historyDays > 0)) {
      throw new StoreError('loadPatient needs a valid `now` and a positive `historyDays`', false);
    }
    const partition = this.patients.get(patientPk({ namespace, mrn }));
    if (partition === undefined) {
      return {
        profile: undefined,
        records: [],
        clinical: emptyClinicalState,
        activeAlerts: [],
        closedAlerts: [],
        pendingNotifications: [],
      };
    }
    const from = historyRange(new Date(nowMs - historyDays * dayMs).toISOString()).from;
    const sorted = this.sortedRecords(partition);
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(sorted[middle]!.recordId, from) < 0) low = middle + 1;
      else high = middle;
    }
    const alerts = [...partition.alerts.entries()]
      .sort(([left], [right]) => compareKeys(left, right))
      .map(([, alert]) => alert);
    return {
      profile: partition.profile === undefined ? undefined : { ...partition.profile },
      records: sorted.slice(low),
      clinical: partition.clinical,
      activeAlerts: alerts.filter((alert) => !isClosed(alert)),
      closedAlerts: alerts.filter(isClosed),
      pendingNotifications: this.pendingOf(partition),
    };
  }

  /** The console's cohort list reads these; a replay keeps them so the profile is as in the table. */
  async recordLatestResults(key: PatientKey, latest: LatestResults): Promise<void> {
    const partition = this.patients.get(patientPk(key));
    if (partition?.profile !== undefined) partition.profile = { ...partition.profile, latestResults: latest };
  }

  async getPatientProfile(namespace: string, mrn: string): Promise<PatientProfile | undefined> {
    const profile = this.patients.get(patientPk({ namespace, mrn }))?.profile;
    return profile === undefined ? undefined : { ...profile };
  }

  async listCohortPatients(): Promise<PatientProfile[]> {
    const only = this.sweepOnly;
    const profiles: PatientProfile[] = [];
    for (const pk of only === undefined
      ? this.cohortPatients()
      : this.cohortPatients().filter((key) => only.has(key))) {
      const profile = this.patients.get(pk)?.profile;
      if (profile !== undefined) profiles.push({ ...profile });
    }
    return profiles;
  }

  /**
   * The sweep's list of open and acknowledged alerts, less those its first stage passes over
   * (lifecycle sweepAlerts escalates and repeats only open critical alerts): the same outcome for
   * a fraction of the work. One page holds them all, in the openAlerts index's order.
   */
  async listActiveAlerts(): Promise<AlertPage> {
    const alerts = [...this.openCritical.values()].sort((left, right) =>
      compareKeys(`${left.openedAt}#${left.alertId}`, `${right.openedAt}#${right.alertId}`),
    );
    return { alerts };
  }

  // Alerts and the outbox

  async applyAlertChanges({ changes, audit, outbox = [], claim }: AlertChanges): Promise<void> {
    if (changes.length === 0 && audit.length === 0 && outbox.length === 0) return;
    const conflicting = changes
      .filter((change) => {
        const current = this.partition(change.alert.patient).alerts.get(slotOf(change.alert));
        if (change.kind === 'create') {
          return current !== undefined && !(isClosed(current) && current.alertId !== change.alert.alertId);
        }
        return current?.version !== change.expectedVersion || current.alertId !== change.alert.alertId;
      })
      .map((change) => change.alert.alertId);
    if (conflicting.length > 0) throw new ConcurrentAlertChangeError([...new Set(conflicting)]);

    const openedIds = new Set(outbox.map((pending) => pending.notificationId));
    for (const change of changes) {
      const alert = asStored(change.alert);
      const previous = this.partition(alert.patient).alerts.get(slotOf(alert));
      if (previous !== undefined) this.openCritical.delete(previous.alertId);
      this.partition(alert.patient).alerts.set(slotOf(alert), alert);
      if (previous === undefined || !onlyEscalationMoved(previous, alert))
        this.listener.changed(patientPk(alert.patient));
      if (alert.state === 'open' && alert.severity === 'critical')
        this.openCritical.set(alert.alertId, alert);
      if (change.kind === 'create' && openedIds.has(`${alert.alertId}:opened`)) this.listener.opened(alert);
    }
    // Audit events are the table's trail; the backtest counts from the changes and the pages.
    for (const pending of outbox) {
      this.outboxOrder += 1;
      this.partition(pending.patient).outbox.set(pending.notificationId, {
        pending,
        order: this.outboxOrder,
        attempts: claim === undefined ? 0 : 1,
        ...(claim === undefined
          ? {}
          : { claimedBy: claim.claimant, claimedUntil: claim.now.getTime() + claim.leaseMs }),
      });
    }
  }

  private pendingOf(partition: PatientPartition): PendingNotification[] {
    if (partition.outbox.size === 0) return [];
    return [...partition.outbox.values()]
      .filter((entry) => entry.parked !== true)
      .sort((left, right) => left.order - right.order)
      .map((entry) => entry.pending);
  }

  async claimNotification(pending: PendingNotification, { claimant, now, leaseMs }: OutboxClaim) {
    const entry = this.partition(pending.patient).outbox.get(pending.notificationId);
    if (entry === undefined || entry.parked === true) return undefined;
    const leased = entry.claimedUntil !== undefined && entry.claimedUntil >= now.getTime();
    if (leased && entry.claimedBy !== claimant) return undefined;
    entry.claimedBy = claimant;
    entry.claimedUntil = now.getTime() + leaseMs;
    entry.attempts += 1;
    return entry.attempts;
  }

  async publish(
    topic: PendingNotification['topic'],
    rendered: PendingNotification['rendered'],
  ): Promise<string> {
    this.listener.published(topic, rendered);
    this.published += 1;
    return `backtest-${this.published}`;
  }

  /** Sent: the table keeps a sent mark that nothing here reads, so the entry is simply gone. */
  async completeNotification(pending: PendingNotification): Promise<void> {
    this.partition(pending.patient).outbox.delete(pending.notificationId);
  }

  async releaseNotification(
    pending: PendingNotification,
    { claimant, park }: { claimant: string; park: boolean },
  ): Promise<void> {
    const entry = this.partition(pending.patient).outbox.get(pending.notificationId);
    if (entry === undefined || entry.claimedBy !== claimant) return;
    delete entry.claimedBy;
    delete entry.claimedUntil;
    if (park) entry.parked = true;
  }

  // Patient merges

  async copyPatientRecords(prior: PatientKey, survivor: PatientKey): Promise<number> {
    const from = this.partition(prior);
    const to = this.partition(survivor);
    // Copies carry `mergedFrom` in the table and start no evaluation: nothing is queued here.
    for (const record of this.sortedRecords(from)) this.putRecord(to, record);
    to.enrolments.push(...from.enrolments);
    return from.records.size + from.enrolments.length;
  }

  async readWholeRecord(patient: PatientKey) {
    const partition = this.partition(patient);
    return { records: [...this.sortedRecords(partition)], enrolments: [...partition.enrolments] };
  }

  async readClinicalState(_operation: string, patient: PatientKey) {
    const partition = this.partition(patient);
    return { state: partition.clinical, version: partition.clinicalVersion };
  }

  async replaceClinicalState(
    patient: PatientKey,
    next: ClinicalState,
    readVersion: number,
  ): Promise<boolean> {
    const partition = this.partition(patient);
    if (partition.clinicalVersion !== readVersion) return false;
    this.writeClinicalState(partition, next);
    return true;
  }
}

/** The sweep's escalation bookkeeping, which no rule reads (sweep-schedule.ts). */
const escalationFields = new Set([
  'version',
  'lastNotifiedAt',
  'repeatCount',
  'escalationLevel',
  'escalatedAt',
]);

/** Whether only the escalation bookkeeping differs: a repeat or an escalation, nothing the rules see. */
function onlyEscalationMoved(before: Alert, after: Alert): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (escalationFields.has(key)) continue;
    const left: unknown = before[key as keyof Alert];
    const right: unknown = after[key as keyof Alert];
    if (left === right) continue;
    if (
      typeof left !== 'object' ||
      typeof right !== 'object' ||
      JSON.stringify(left) !== JSON.stringify(right)
    ) {
      return false;
    }
  }
  return true;
}

function slotOf(alert: Pick<Alert, 'ruleId' | 'alertScope'>): string {
  return alertSk(alert.ruleId, alert.alertScope);
}

function duplicateOf(slot: MessageSlot): AcceptMessageResult {
  return { outcome: 'duplicate', original: { receivedAt: slot.receivedAt, archiveKey: slot.archiveKey } };
}
