/**
 * Patient merges (ADT A40 merge patient, A34 merge patient id, A18 merge patient information): the
 * MRG segment names the identifier being retired; PID names the one that survives. One merge per
 * message (A40 may repeat the PID/MRG group; a second PID is refused by the model as for any message).
 */
import type { PatientMerge } from '../domain/records.js';
import type { ModelContext } from './context.js';
import { first } from './fields.js';
import { medicalRecordNumber } from './patient.js';
import { requiredTime } from './time.js';

export function modelMerge(context: ModelContext): PatientMerge[] {
  const { message, problems } = context;
  const mrgs = message.segmentsNamed('MRG');
  const [mrg] = mrgs;
  if (mrg === undefined) {
    problems.missing(
      { segment: 'MRG', sequence: 1 },
      'MRG segment missing: a merge must name the prior identifier',
    );
    return [];
  }
  if (mrgs.length > 1) {
    problems.message('100', { segment: 'MRG', sequence: 2 }, 'one merge per message: a second MRG was sent');
    return [];
  }
  const prior = medicalRecordNumber(context, mrg, 1);
  const evn = message.segment('EVN');
  const mergedAt = requiredTime(
    [
      { raw: first(evn, 2), at: { segment: 'EVN', sequence: 1, field: 2 } },
      { raw: context.sentAtRaw, at: { segment: 'MSH', sequence: 1, field: 7 } },
    ],
    context.readTime,
    problems,
    'merge time',
  );
  if (prior === undefined || mergedAt === undefined) return [];
  return [{ kind: 'patientMerge', source: context.source, prior, mergedAt }];
}
