/**
 * The table stream's consumer: each new result, order, diagnosis or cohort
 * enrolment is evaluated for its patient. Patients are evaluated in parallel
 * (up to EVALUATE_CONCURRENCY at a time), each patient's records in order,
 * the records of one message once; the batch reports exactly the earliest
 * failed record (workflows/patient-order.ts says why).
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
import { type StreamImage, triggeringItemFromImage } from '../adapters/store.js';
import { evaluateStreamBatch, type StreamEntry } from '../workflows/evaluate.js';
import { evaluationPorts, workflowSettings } from './ports.js';
import { clock, logger, metrics } from './runtime.js';

const settings = workflowSettings();

/** Patients evaluated at the same time within one batch. */
export const maxEvaluateConcurrency = 64;
const concurrency = positiveIntegerEnv('EVALUATE_CONCURRENCY', 8);
if (concurrency > maxEvaluateConcurrency) {
  throw new MissingEnvironmentError('EVALUATE_CONCURRENCY', `must be at most ${maxEvaluateConcurrency}`);
}

const sequenceNumberOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

function entryOf(record: DynamoDBRecord): StreamEntry & { record: DynamoDBRecord } {
  let item: StreamEntry['item'];
  try {
    item = triggeringItemFromImage((record.dynamodb?.NewImage ?? {}) as StreamImage);
  } catch (error: unknown) {
    item = error instanceof Error ? error : new Error(String(error));
  }
  return {
    record,
    eventId: record.eventID ?? sequenceNumberOf(record),
    // A patient's items share the partition key; order matters only among them.
    patient: record.dynamodb?.Keys?.pk?.S ?? sequenceNumberOf(record),
    item,
  };
}

const eventIdsOf = (entries: readonly StreamEntry[]) => entries.map((entry) => entry.eventId);

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  try {
    const entries = event.Records.map(entryOf);
    const { retryFrom } = await evaluateStreamBatch(entries, evaluationPorts, settings, {
      clock,
      concurrency,
      onEvaluated(covered, summary) {
        metrics.addMetric('NotificationsPublished', MetricUnit.Count, summary.published);
        if (summary.parked > 0) metrics.addMetric('NotificationsParked', MetricUnit.Count, summary.parked);
        for (const ruleError of summary.ruleErrors) {
          logger.error('rule failed', {
            ruleId: ruleError.ruleId,
            error: ruleError.message,
            eventIds: eventIdsOf(covered),
          });
        }
        logger.info('evaluated', {
          eventIds: eventIdsOf(covered),
          trigger: summary.trigger,
          inCohort: summary.inCohort,
          alertChanges: summary.alertChanges,
          published: summary.published,
          parked: summary.parked,
          stagesMs: summary.timings,
        });
      },
      onFailed(covered, error) {
        if (error instanceof PublishError) metrics.addMetric('PublishFailures', MetricUnit.Count, 1);
        logger.error('evaluation failed', {
          eventIds: eventIdsOf(covered),
          error: error instanceof Error ? error.name : 'unknown',
        });
      },
    });
    return {
      batchItemFailures:
        retryFrom === undefined ? [] : [{ itemIdentifier: sequenceNumberOf(retryFrom.entry.record) }],
    };
  } finally {
    metrics.publishStoredMetrics();
  }
};
