/**
 * RESULT_UNREADABLE (advisory): a cohort patient's result for a watched analyte arrived with a
 * missing or unaccepted unit, or a value that cannot be read as a number. One notice per offending
 * result (alert scope = its record id), raised when that record's message is evaluated; never resolves. Nothing
 * clinical is inferred from the result.
 */
import type { RuleOutcome } from '../domain/alerts.js';
import type { StoredRecord } from '../domain/records.js';
import { instantMs } from '../patient/time.js';
import { defineRule } from './rule.js';
import { analyteLabels, observationEvidence } from './support/observations.js';
import { fire, noChange } from './support/outcomes.js';
import { formatClinicalTime } from './support/time.js';

const id = 'RESULT_UNREADABLE';
// Retractions (X/D/W) often carry no value at all: that is not a feed fault.
const evaluatedStatuses = new Set(['F', 'C', 'P']);

export const RESULT_UNREADABLE = defineRule({
  id,
  version: 1,
  severity: 'advisory',
  trigger: 'event',
  seed: [],
  evaluate({ trigger, config }): RuleOutcome[] {
    if (trigger.kind !== 'records') return [noChange(id)];
    const outcomes = trigger.stored.flatMap((stored) => unreadableResult(stored, config.timeZone));
    return outcomes.length === 0 ? [noChange(id)] : outcomes;
  },
});

/** One notice for a watched result that cannot be read, else none. */
function unreadableResult(stored: StoredRecord, timeZone: string): RuleOutcome[] {
  const observation = stored.record;
  if (observation.kind !== 'observation' || observation.analyte === undefined) return [];
  if (!evaluatedStatuses.has(observation.status.toUpperCase())) return [];
  const problems = [observation.unitError, observation.valueError].filter((problem) => problem !== undefined);
  if (problems.length === 0) return [];
  const { source } = observation;
  const entry = {
    recordId: stored.recordId,
    receivedAt: stored.receivedAt,
    observedAt: observation.observedAt,
    observedAtMs: instantMs(observation.observedAt),
    observation,
    replacesRecordIds: [],
  };
  return [
    fire({
      ruleId: id,
      severity: 'advisory',
      alertScope: stored.recordId,
      finding: `Unreadable ${analyteLabels[observation.analyte]} result in message ${source.controlId} (${source.messageType} from ${source.facility}), OBX-3 ${observation.code}^${observation.codeSystem}, OBX-5 '${observation.rawValue}', OBX-6 '${observation.rawUnit}', observed ${formatClinicalTime(observation.observedAt, timeZone)}: ${problems.join('; ')}.`,
      recommendation:
        'Interface team: fix the feed so this result arrives with an accepted unit and a numeric value; nothing clinical was inferred from it.',
      evidence: [observationEvidence(entry)],
    }),
  ];
}
