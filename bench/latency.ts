/**
 * End-to-end latency on the local stack: POST /hl7 of a critical calcium for
 * a cohort patient → the page read back from an SQS queue subscribed to the
 * pages topic. One message at a time (each a new patient, so each pages), so
 * the figure is the pipeline's own latency, not queueing behind a burst.
 *
 *   npm run bench -- latency          (LATENCY_MESSAGES=200 by default)
 */
import { randomUUID } from 'node:crypto';
import { startNotificationMonitor } from '../bin/local/notification-monitor.js';
import { startLocalServices } from '../bin/local/services.js';
import { startLocalStack } from '../bin/local/stack.js';

const hl7Time = (date: Date) => `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
const controlId = () => `B${randomUUID().replace(/-/g, '').slice(0, 16)}`;
const header = (type: string, at: string) =>
  `MSH|^~\\&|LAB|BENCH DIALYSIS|CALCIPHYLAXIS_ALERTING|BENCH DIALYSIS|${at}||${type}|${controlId()}|P|2.5.1`;

function diagnosis(mrn: string, at: string): string {
  return [
    header('ADT^A08^ADT_A01', at),
    `PID|1||${mrn}^^^BENCH^MR||TESTPATIENT^BENCH||19600101|F`,
    'PV1|1|O|HD^CHAIR01^^BENCH',
    `DG1|1||237900002^Calciphylaxis^SCT||${at}|F`,
  ].join('\r');
}

function criticalCalcium(mrn: string, at: string): string {
  return [
    header('ORU^R01^ORU_R01', at),
    `PID|1||${mrn}^^^BENCH^MR||TESTPATIENT^BENCH||19600101|F`,
    'PV1|1|O|HD^CHAIR01^^BENCH',
    `OBR|1|P${mrn}|F${mrn}|17861-6^Calcium^LN|||${at}`,
    `OBX|1|NM|17861-6^Calcium^LN||7.1|mg/dL|8.4-10.2|L|||F|||${at}`,
  ].join('\r');
}

function percentile(sorted: readonly number[], p: number): number {
  // Nearest-rank percentile.
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const count = Number(process.env.LATENCY_MESSAGES ?? 200);
  const services = await startLocalServices({ dynamoDbPort: 0, awsEmulatorPort: 0 });
  const stack = await startLocalStack({
    environment: services.environment,
    ingestPort: 0,
    sweepIntervalMs: 0,
  });
  const arrivals = new Map<string, number>();
  const monitor = await startNotificationMonitor({
    awsEndpoint: services.awsEndpoint,
    topicArns: [services.environment.PAGES_TOPIC_ARN ?? ''],
    onNotification: (notification) => {
      const patient = notification.body.patient as { mrn?: string } | undefined;
      if (notification.body.ruleId === 'CALCIUM_CRITICAL_LOW' && patient?.mrn !== undefined) {
        arrivals.set(patient.mrn, performance.now());
      }
    },
  });
  const post = (body: string) =>
    fetch(stack.ingestUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  try {
    const at = hl7Time(new Date());
    const mrns = Array.from({ length: count }, (_, index) => `LAT${String(index).padStart(5, '0')}`);
    for (const mrn of mrns) await post(diagnosis(mrn, at));
    await new Promise((resolve) => setTimeout(resolve, 2000)); // cohort entries evaluated

    const latencies: number[] = [];
    for (const mrn of mrns) {
      const sentAt = performance.now();
      const response = await post(criticalCalcium(mrn, at));
      if (response.status !== 200) throw new Error(`POST answered ${response.status}`);
      const deadline = Date.now() + 10_000;
      while (!arrivals.has(mrn)) {
        if (Date.now() > deadline) throw new Error(`no page for ${mrn} within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      latencies.push((arrivals.get(mrn) ?? sentAt) - sentAt);
    }
    const sorted = [...latencies].sort((left, right) => left - right);
    console.log(
      `\nEnd-to-end latency, POST /hl7 → page in SQS (${count} messages, one at a time, local stack)`,
    );
    console.log(
      `  p50 ${percentile(sorted, 50).toFixed(0)} ms   p90 ${percentile(sorted, 90).toFixed(0)} ms   ` +
        `p99 ${percentile(sorted, 99).toFixed(0)} ms   max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
    );
  } finally {
    await monitor.stop();
    await stack.stop();
    await services.stop();
  }
}
