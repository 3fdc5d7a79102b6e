/**
 * What a patient merge needs from the table: the retired identifier's records and enrolments copied
 * into the survivor's partition under the same sort keys (so evidence that cites them still finds
 * them), each marked with where it came from. The copies do not start evaluations (stream-image.ts):
 * the merge evaluates the survivor once, on the whole.
 */

import { mergedFromAttribute, type PatientKey, patientPk, sortKeyPrefix } from '../table/layout.js';
import { putInBatches, queryAll } from './store-context.js';
import type { Item } from './store-items.js';

/** Copies every record and enrolment of `prior` to `survivor`; idempotent (same keys, same content). */
export async function copyPatientRecords(prior: PatientKey, survivor: PatientKey): Promise<number> {
  const priorPk = patientPk(prior);
  const bands = [sortKeyPrefix.history, sortKeyPrefix.cohortEnrolment];
  const items = (
    await Promise.all(
      bands.map((band) =>
        queryAll('copyPatientRecords', {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :band)',
          ExpressionAttributeValues: { ':pk': priorPk, ':band': band },
          ConsistentRead: true,
        }),
      ),
    )
  ).flat();
  const copies: Item[] = items.map((item) => ({
    ...item,
    pk: patientPk(survivor),
    namespace: survivor.namespace,
    mrn: survivor.mrn,
    [mergedFromAttribute]: priorPk,
  }));
  await putInBatches('copyPatientRecords', copies);
  return copies.length;
}
