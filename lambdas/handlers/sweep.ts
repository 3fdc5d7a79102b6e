/**
 * The scheduled sweep (EventBridge, every few minutes): escalations and
 * repeats first, then the time-based rules. Each failed patient or stage is
 * counted in `SweepFailures` (alarmed), and the run still throws so the
 * invocation shows as failed; everything else was still done.
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
  metrics.addMetric('SweepFailures', MetricUnit.Count, summary.failures.length);
  if (summary.parked > 0) metrics.addMetric('NotificationsParked', MetricUnit.Count, summary.parked);
  metrics.publishStoredMetrics();
  logger.info('sweep', { ...summary, failures: summary.failures.length });
  if (summary.failures.length > 0) {
    // Stage, log id and error name: never an MRN.
    logger.error('sweep failures', { failures: summary.failures });
    throw new Error(`sweep: ${summary.failures.length} patient(s) or stage(s) failed`);
  }
  return summary;
};
