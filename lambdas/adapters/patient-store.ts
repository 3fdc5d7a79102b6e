/**
 * Reading a patient's recent history for an evaluation, and the cohort:
 * membership set by an administrator and the list of members for the sweep.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CohortEnrolment } from '../domain/records.js';
import { type ClinicalState, emptyClinicalState } from '../patient/clinical-state.js';
import {
  alertFromItem,
  clinicalStateFromItem,
  enrolmentItem,
  type Item,
  isClosed,
  outboxFromItems,
  type PatientProfile,
  profileFromItem,
  type StoredEnrolment,
  storedRecordFromItem,
} from '../table/items.js';
import {
  clinicalStateSk,
  cohortIndex,
  historyRange,
  type PatientKey,
  patientPk,
  prefixUpperBound,
  profileSk,
  sortKeyPrefix,
} from '../table/layout.js';
import type {
  CohortMembershipChange,
  HistoryWindow,
  LatestResults,
  PatientHistory,
} from '../workflows/ports.js';
import { dynamoDocumentClient } from './aws-clients.js';
import {
  clinicalStatePut,
  lostClinicalStateRace,
  lostRace,
  setCohortIndex,
  withClinicalState,
} from './clinical-state-store.js';
import { cancellationReasons, queryAll, storeSettings } from './store-context.js';
import { InvalidStoreRequestError, storeErrorFrom } from './store-errors.js';
import { UpdateBuilder } from './update-expression.js';

export type { CohortMembershipChange, HistoryWindow, PatientHistory } from '../workflows/ports.js';

const dayMs = 86_400_000;

/**
 * Everything an evaluation needs about one patient, in ONE strongly
 * consistent Query (so the record that triggered it is included): the sort
 * keys put records time first (`HIST#<at>#...`) and the patient's state after
 * them (`STATE#...`), so `HIST#<since>` .. `STATE$` is exactly the window's
 * records plus the profile, alerts, enrolments and outbox. Audit events and
 * sent marks sort before (`EVENT#...`) and are never read. Cost stays bounded
 * by the window however long the patient's history grows.
 */
export async function loadPatient(
  namespace: string,
  mrn: string,
  { historyDays, now }: HistoryWindow,
): Promise<PatientHistory> {
  const nowMs = typeof now === 'string' ? Date.parse(now) : now.getTime();
  if (Number.isNaN(nowMs) || !(historyDays > 0)) {
    throw new InvalidStoreRequestError('loadPatient needs a valid `now` and a positive `historyDays`');
  }
  const since = new Date(nowMs - historyDays * dayMs).toISOString();
  const range = historyRange(since);

  const items = await queryAll('loadPatient', {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': patientPk({ namespace, mrn }), ':from': range.from, ':to': range.to },
    ConsistentRead: true,
  });
  return historyFromItems(items);
}

/**
 * Whether a new record needs the full evaluation, in one small strongly
 * consistent Query: the clinical state, the enrolments and the outbox sort
 * next to each other (`STATE#CLINICAL` .. `STATE#OUTBOX$`), away from the
 * records and the alerts, so a patient outside the cohort costs about one
 * read unit.
 */
export async function triagePatient(
  namespace: string,
  mrn: string,
): Promise<{ inCohort: boolean; pendingNotifications: boolean }> {
  const items = await queryAll('triagePatient', {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': patientPk({ namespace, mrn }),
      ':from': clinicalStateSk,
      ':to': prefixUpperBound(sortKeyPrefix.outbox),
    },
    ConsistentRead: true,
  });
  const history = historyFromItems(items);
  return {
    inCohort: history.clinical.cohort.inCohort,
    pendingNotifications: history.pendingNotifications.length > 0,
  };
}

/** Splits the history Query's items by sort-key prefix; they arrive in key order, so records are oldest first. */
function historyFromItems(items: readonly Item[]): PatientHistory {
  const history: PatientHistory = {
    profile: undefined,
    records: [],
    clinical: emptyClinicalState,
    activeAlerts: [],
    closedAlerts: [],
    shadowAlerts: [],
    pendingNotifications: [],
  };
  const outboxItems: Item[] = [];
  for (const item of items) {
    const sk = String(item.sk);
    if (sk.startsWith(sortKeyPrefix.history)) {
      history.records.push(storedRecordFromItem(item));
    } else if (sk.startsWith(sortKeyPrefix.alert)) {
      const alert = alertFromItem(item);
      (isClosed(alert) ? history.closedAlerts : history.activeAlerts).push(alert);
    } else if (sk.startsWith(sortKeyPrefix.shadowAlert)) {
      const alert = alertFromItem(item);
      if (!isClosed(alert)) history.shadowAlerts?.push(alert);
    } else if (sk === clinicalStateSk) {
      history.clinical = clinicalStateFromItem(item).state;
    } else if (sk.startsWith(sortKeyPrefix.outbox)) {
      // Sent entries wait for their TTL; parked ones for an operator: neither is published again.
      if (item.sentAt === undefined && item.parkedAt === undefined) outboxItems.push(item);
    } else if (sk === profileSk) {
      history.profile = profileFromItem(item);
    }
    // Enrolments are kept as the admin trail (the membership they made is in the clinical state);
    // any other state item (a kind added later) is not part of the history either.
  }
  history.pendingNotifications = outboxFromItems(outboxItems);
  return history;
}

async function getProfile(pk: string): Promise<Item | undefined> {
  try {
    const { Item: item } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: storeSettings().tableName,
        Key: { pk, sk: profileSk },
        ConsistentRead: true,
      }),
    );
    return item;
  } catch (error: unknown) {
    throw storeErrorFrom('getPatientProfile', error);
  }
}

export async function getPatientProfile(namespace: string, mrn: string): Promise<PatientProfile | undefined> {
  const item = await getProfile(patientPk({ namespace, mrn }));
  return item === undefined ? undefined : profileFromItem(item);
}

/**
 * An administrator's enrolment or removal: the STATE#ENROL item (which starts an evaluation through
 * the stream), the clinical state with the membership it makes, and the profile's cohort-index
 * attributes, in one transaction (retried on a fresh read when a message changed the state first).
 */
export async function setCohortMembership(
  namespace: string,
  mrn: string,
  change: CohortMembershipChange,
  updateClinicalState: (current: ClinicalState, enrolment: CohortEnrolment) => ClinicalState,
): Promise<StoredEnrolment> {
  const patient: PatientKey = { namespace, mrn };
  const enrolment: CohortEnrolment = { kind: 'cohortEnrolment', ...change };
  const item = enrolmentItem(patient, enrolment);
  const tableName = storeSettings().tableName;

  return withClinicalState('setCohortMembership', patient, async (current) => {
    const read = current ?? { state: emptyClinicalState, version: 0 };
    const next = updateClinicalState(read.state, enrolment);
    const update = new UpdateBuilder()
      .set('itemType', 'patient')
      .set('namespace', namespace)
      .set('mrn', mrn)
      .setIfAbsent('sex', 'unknown');
    setCohortIndex(update, patient, next.cohort);
    try {
      await dynamoDocumentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: item } },
            {
              Update: {
                TableName: tableName,
                Key: { pk: patientPk(patient), sk: profileSk },
                ...update.build(),
              },
            },
            { Put: clinicalStatePut(patient, next, read.version, change.at) },
          ],
        }),
      );
      return { recordId: String(item.sk), enrolment };
    } catch (error: unknown) {
      if (lostClinicalStateRace(cancellationReasons(error), 2)) return lostRace;
      throw storeErrorFrom('setCohortMembership', error);
    }
  });
}

/** Every patient currently in the cohort (the sweep's work list), via the sparse `cohort` index. */
export async function listCohortPatients(): Promise<PatientProfile[]> {
  const items = await queryAll('listCohortPatients', {
    IndexName: cohortIndex.name,
    KeyConditionExpression: '#cohortPk = :member',
    ExpressionAttributeNames: { '#cohortPk': cohortIndex.partitionKey },
    ExpressionAttributeValues: { ':member': cohortIndex.memberValue },
  });
  return items.map(profileFromItem);
}

/**
 * A cohort member's latest calcium, PTH and CRP on their profile (the console's
 * cohort list reads them with the profile), as an evaluation at `at` saw them.
 * An evaluation that saw them later already wrote newer ones: then nothing changes.
 */
export async function recordLatestResults(
  patient: PatientKey,
  latest: LatestResults,
  at: string,
): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: storeSettings().tableName,
        Key: { pk: patientPk(patient), sk: profileSk },
        UpdateExpression: 'SET latestResults = :latest, latestResultsAt = :at',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(latestResultsAt) OR latestResultsAt <= :at)',
        ExpressionAttributeValues: { ':latest': JSON.stringify(latest), ':at': at },
      }),
    );
  } catch (error: unknown) {
    if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return;
    throw storeErrorFrom('recordLatestResults', error);
  }
}
