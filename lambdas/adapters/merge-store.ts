/**
 * What a patient merge needs from the table: the retired identifier's records and enrolments copied
 * into the survivor's partition under the same sort keys (so evidence that cites them still finds
 * them), each marked with where it came from. The copies do not start evaluations (stream-image.ts):
 * the merge evaluates the survivor once, on the whole.
 */

import type { Item } from '../table/items.js';
import { mergedFromAttribute, type PatientKey, patientPk } from '../table/layout.js';
import { wholeRecordItems } from './clinical-state-store.js';
import { putInBatches } from './store-context.js';

/** Copies every record and enrolment of `prior` to `survivor`; idempotent (same keys, same content). */
export async function copyPatientRecords(prior: PatientKey, survivor: PatientKey): Promise<number> {
  const { records, enrolments } = await wholeRecordItems('copyPatientRecords', prior);
  const copies: Item[] = [...records, ...enrolments].map((item) => ({
    ...item,
    pk: patientPk(survivor),
    namespace: survivor.namespace,
    mrn: survivor.mrn,
    [mergedFromAttribute]: patientPk(prior),
  }));
  await putInBatches('copyPatientRecords', copies);
  return copies.length;
}
