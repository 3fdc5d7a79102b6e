/**
 * Reads a DynamoDB stream record's NewImage back into what was stored: the
 * patient and the clinical record or cohort enrolment that triggered an
 * evaluation. Pure (the image arrives in the Lambda event), no SDK.
 */

import type { AttributeValue } from 'aws-lambda';
import type { ClinicalRecord, CohortEnrolment } from '../domain/records.js';
import { insideCohortAttribute, mergedFromAttribute } from '../table/layout.js';
import type { TriggeringItem } from '../workflows/ports.js';

export type { TriggeringItem } from '../workflows/ports.js';

export type StreamImage = Record<string, AttributeValue>;

export class UnreadableStreamImageError extends Error {
  constructor(readonly detail: string) {
    super(`Stream image cannot be read: ${detail}`);
    this.name = 'UnreadableStreamImageError';
  }
}

function text(image: StreamImage, attribute: string): string {
  const value = image[attribute]?.S;
  if (value === undefined) throw new UnreadableStreamImageError(`missing string attribute ${attribute}`);
  return value;
}

/**
 * The item that started an evaluation (observation, medicationOrder,
 * diagnosis, patientMerge or cohortEnrolment); undefined for any other item
 * type and for records a merge copied.
 */
export function triggeringItemFromImage(image: StreamImage): TriggeringItem | undefined {
  const itemType = image.itemType?.S;
  if (
    itemType !== 'observation' &&
    itemType !== 'medicationOrder' &&
    itemType !== 'diagnosis' &&
    itemType !== 'patientMerge' &&
    itemType !== 'cohortEnrolment'
  ) {
    return undefined;
  }
  // A record copied to the survivor of a merge: the merge itself evaluates the survivor, once.
  if (image[mergedFromAttribute] !== undefined) return undefined;
  const patient = { namespace: text(image, 'namespace'), mrn: text(image, 'mrn') };
  const recordId = text(image, 'sk');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text(image, 'record'));
  } catch (error: unknown) {
    if (error instanceof UnreadableStreamImageError) throw error;
    throw new UnreadableStreamImageError(`record of ${recordId} is not JSON`);
  }
  if (itemType === 'cohortEnrolment') {
    return { kind: 'enrolment', patient, stored: { recordId, enrolment: parsed as CohortEnrolment } };
  }
  return {
    kind: 'record',
    patient,
    stored: { recordId, receivedAt: text(image, 'receivedAt'), record: parsed as ClinicalRecord },
    ...(image[insideCohortAttribute]?.BOOL === true ? { insideCohortAtIngest: true } : {}),
  };
}
