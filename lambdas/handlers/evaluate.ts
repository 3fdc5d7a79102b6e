/**
 * The table stream's consumer: each new result, order, diagnosis or cohort
 * enrolment is evaluated for its patient. Patients are evaluated in parallel
 * (up to EVALUATE_CONCURRENCY at a time), each patient's records in order,
 * the records of one message once (workflows/patient-order.ts says why the
 * batch then reports exactly the earliest failed record).
 *
 * The event source keeps one batch per shard at a time (parallelization
 * factor 1, lib/constructs/evaluation.ts): with more, Lambda orders records
 * per item, not per patient, so two results of one patient could be
 * evaluated at once and in either order. Parallelism comes from the
 * patients within a batch instead.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { MissingEnvironmentError, positiveIntegerEnv } from '../adapters/aws-clients.js';
import { PublishError } from '../adapters/publisher.js';
import { type StreamImage, type TriggeringItem, triggeringItemFromImage } from '../adapters/store.js';
import { type EvaluationSummary, evaluateUnit, evaluationUnits } from '../workflows/evaluate.js';
import { type PatientStep, runInPatientOrder } from '../workflows/patient-order.js';
import { notificationPorts, patientPorts, workflowSettings } from './ports.js';
import { clock, logger, metrics } from './runtime.js';

const settings = workflowSettings();
const ports = { ...patientPorts, ...notificationPorts };

/** Patients evaluated at the same time within one batch. */
export const maxEvaluateConcurrency = 64;
const concurrency = positiveIntegerEnv('EVALUATE_CONCURRENCY', 8);
if (concurrency > maxEvaluateConcurrency) {
  throw new MissingEnvironmentError('EVALUATE_CONCURRENCY', `must be at most ${maxEvaluateConcurrency}`);
}

const sequenceNumberOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

/** A patient's stream records as steps: one per message (or enrolment), or one that fails on an unreadable image. */
function stepsOf(records: readonly DynamoDBRecord[]): PatientStep<DynamoDBRecord>[] {
  const steps: PatientStep<DynamoDBRecord>[] = [];
  let items: { record: DynamoDBRecord; item: TriggeringItem }[] = [];
  const flush = () => {
    let next = 0;
    for (const unit of evaluationUnits(
      items.map((entry) => entry.item),
      settings.config,
    )) {
      const size = unit.kind === 'records' ? unit.stored.length : 1;
      const covered = items.slice(next, next + size).map((entry) => entry.record);
      next += size;
      const [first] = covered;
      // The first record's event id names the claimant: a retry of the same record may take its own outbox claim.
      const claimant = `evaluate:${first?.eventID ?? sequenceNumberOf(first ?? {})}`;
      steps.push({
        entries: covered,
        run: () => evaluate(unit, covered, claimant),
      });
    }
    items = [];
  };
  for (const record of records) {
    let item: TriggeringItem | undefined;
    try {
      item = triggeringItemFromImage((record.dynamodb?.NewImage ?? {}) as StreamImage);
    } catch (error: unknown) {
      flush();
      steps.push({ entries: [record], run: () => Promise.reject(error) });
      continue;
    }
    // Not a triggering item (the event filter should have dropped it): nothing to do.
    if (item !== undefined) items.push({ record, item });
  }
  flush();
  return steps;
}

async function evaluate(
  unit: Parameters<typeof evaluateUnit>[0],
  records: readonly DynamoDBRecord[],
  claimant: string,
): Promise<void> {
  const eventIds = records.map((record) => record.eventID);
  let summary: EvaluationSummary;
  try {
    summary = await evaluateUnit(unit, ports, settings, { claimant, clock });
  } catch (error: unknown) {
    if (error instanceof PublishError) metrics.addMetric('PublishFailures', MetricUnit.Count, 1);
    logger.error('evaluation failed', { eventIds, error: error instanceof Error ? error.name : 'unknown' });
    throw error;
  }
  metrics.addMetric('NotificationsPublished', MetricUnit.Count, summary.published);
  if (summary.parked > 0) metrics.addMetric('NotificationsParked', MetricUnit.Count, summary.parked);
  for (const ruleError of summary.ruleErrors) {
    logger.error('rule failed', { ruleId: ruleError.ruleId, error: ruleError.message, eventIds });
  }
  logger.info('evaluated', {
    eventIds,
    trigger: summary.trigger,
    inCohort: summary.inCohort,
    alertChanges: summary.alertChanges,
    published: summary.published,
    parked: summary.parked,
    stagesMs: summary.timings,
  });
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  try {
    const { retryFrom } = await runInPatientOrder(event.Records, {
      // A patient's items share the partition key; order matters only among them.
      patientOf: (record) => record.dynamodb?.Keys?.pk?.S ?? sequenceNumberOf(record),
      stepsOf,
      concurrency,
    });
    return {
      batchItemFailures:
        retryFrom === undefined ? [] : [{ itemIdentifier: sequenceNumberOf(retryFrom.entry) }],
    };
  } finally {
    metrics.publishStoredMetrics();
  }
};
