/**
 * The scheduled sweep (EventBridge, every few minutes): time-based rules,
 * escalations and repeats. It throws when any patient failed, so the Lambda
 * error alarm sees it; everything else was still done.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as store from '../adapters/store.js';
import { runSweep, type SweepSummary } from '../workflows/sweep.js';
import { notificationPorts, patientPorts, workflowSettings } from './ports.js';
import { clock, logger, metrics } from './runtime.js';

const settings = workflowSettings();
const ports = {
  ...patientPorts,
  ...notificationPorts,
  listCohortPatients: store.listCohortPatients,
  listActiveAlerts: store.listActiveAlerts,
};

export const handler = async (): Promise<SweepSummary> => {
  const summary = await runSweep(ports, settings, clock);
  metrics.addMetric('NotificationsPublished', MetricUnit.Count, summary.published);
  metrics.publishStoredMetrics();
  logger.info('sweep', { ...summary, failures: summary.failures.length });
  if (summary.failures.length > 0) {
    logger.error('sweep failures', { failures: summary.failures });
    throw new Error(`sweep failed for ${summary.failures.length} patient(s)`);
  }
  return summary;
};
