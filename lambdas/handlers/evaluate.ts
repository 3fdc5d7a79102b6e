/**
 * The table stream's consumer: each new result, order, diagnosis or cohort
 * enrolment is evaluated for its patient. Records run one after another (a
 * patient's records must apply in order); a record that fails is reported in
 * `batchItemFailures` and retried on its own, so it never blocks the shard.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { PublishError } from '../adapters/publisher.js';
import { type StreamImage, triggeringItemFromImage } from '../adapters/store.js';
import { evaluateItem } from '../workflows/evaluate.js';
import { evaluationPorts, workflowSettings } from './ports.js';
import { clock, logger, metrics } from './runtime.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const settings = workflowSettings();

async function evaluateRecord(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage as StreamImage | undefined;
  const item = image === undefined ? undefined : triggeringItemFromImage(image);
  if (item === undefined) return; // not a triggering item (the event filter should have dropped it)
  try {
    const summary = await evaluateItem(item, evaluationPorts, settings, clock);
    metrics.addMetric('NotificationsPublished', MetricUnit.Count, summary.published);
    for (const ruleError of summary.ruleErrors) {
      logger.error('rule failed', {
        ruleId: ruleError.ruleId,
        error: ruleError.message,
        eventId: record.eventID,
      });
    }
    logger.info('evaluated', {
      eventId: record.eventID,
      trigger: summary.trigger,
      inCohort: summary.inCohort,
      alertChanges: summary.alertChanges,
      published: summary.published,
    });
  } catch (error: unknown) {
    if (error instanceof PublishError) metrics.addMetric('PublishFailures', MetricUnit.Count, 1);
    logger.error('evaluation failed', {
      eventId: record.eventID,
      error: error instanceof Error ? error.name : 'unknown',
    });
    throw error;
  }
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  try {
    return await processPartialResponse(event, evaluateRecord, processor, { processInParallel: false });
  } finally {
    metrics.publishStoredMetrics();
  }
};
