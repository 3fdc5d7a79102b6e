/**
 * The two doors side by side on the local stack: the same lab results sent
 * over MLLP (4 connections, each waiting for its ACK before the next
 * message, as interface engines do) and over POST /hl7 (4 clients, one
 * request at a time each). Messages per second and ACK round trip p50/p99.
 *
 *   npm run bench -- mllp            (MLLP_BENCH_MESSAGES=1000 per door by default)
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { startLocalServices } from '../bin/local/services.js';
import { startLocalStack } from '../bin/local/stack.js';
import { frame, MllpDecoder } from '../lambdas/mllp/framing.js';

const connections = 4;
const hl7Time = (date: Date) => `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;

function calcium(mrn: string, at: string): string {
  const id = randomUUID().replace(/-/g, '').slice(0, 16);
  return [
    `MSH|^~\\&|LAB|BENCH DIALYSIS|CALCIPHYLAXIS_ALERTING|BENCH DIALYSIS|${at}||ORU^R01^ORU_R01|M${id}|P|2.5.1`,
    `PID|1||${mrn}^^^BENCH^MR||TESTPATIENT^BENCH||19600101|F`,
    'PV1|1|O|HD^CHAIR01^^BENCH',
    `OBR|1|P${id}|F${id}|17861-6^Calcium^LN|||${at}`,
    `OBX|1|NM|17861-6^Calcium^LN||9.1|mg/dL|8.4-10.2|N|||F|||${at}`,
  ].join('\r');
}

function percentile(sorted: readonly number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

/** One MLLP connection: send, wait for the framed ACK, return the round trip. */
async function mllpSender(port: number): Promise<{ send(message: string): Promise<string>; close(): void }> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const opened = connect({ host: '127.0.0.1', port }, () => resolve(opened));
    opened.once('error', reject);
  });
  const decoder = new MllpDecoder(1024 * 1024);
  let waiting: ((ack: string) => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const event of decoder.push(chunk)) {
      if (event.kind === 'frame') waiting?.(Buffer.from(event.content).toString('utf8'));
    }
  });
  return {
    send: (message) =>
      new Promise((resolve) => {
        waiting = resolve;
        socket.write(frame(Buffer.from(message, 'utf8')));
      }),
    close: () => socket.end(),
  };
}

interface DoorFigures {
  perSecond: number;
  p50: number;
  p99: number;
  notAccepted: number;
}

async function drive(
  count: number,
  open: () => Promise<(message: string) => Promise<string>>,
): Promise<DoorFigures> {
  const at = hl7Time(new Date());
  const roundTrips: number[] = [];
  let notAccepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, index) => {
      const send = await open();
      const mrn = `MLB${randomUUID().slice(0, 8).toUpperCase()}${index}`;
      for (let n = index; n < count; n += connections) {
        const sentAt = performance.now();
        const ack = await send(calcium(mrn, at));
        roundTrips.push(performance.now() - sentAt);
        if (!/\rMSA\|AA\|/.test(ack)) notAccepted++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = roundTrips.sort((left, right) => left - right);
  return {
    perSecond: count / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    notAccepted,
  };
}

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const count = Number(process.env.MLLP_BENCH_MESSAGES ?? 1000);
  const services = await startLocalServices({ dynamoDbPort: 0, awsEmulatorPort: 0 });
  const stack = await startLocalStack({
    environment: services.environment,
    ingestPort: 0,
    sweepIntervalMs: 0,
  });
  const senders: { close(): void }[] = [];
  try {
    const mllp = await drive(count, async () => {
      const sender = await mllpSender(stack.mllp.port);
      senders.push(sender);
      return sender.send;
    });
    const http = await drive(count, async () => async (message) => {
      const response = await fetch(stack.ingestUrl, {
        method: 'POST',
        headers: { 'content-type': 'x-application/hl7-v2+er7; charset=utf-8' },
        body: message,
      });
      return response.text();
    });
    console.log(
      `\nMLLP and POST /hl7 side by side (${count} lab results per door, ${connections} connections, local stack)`,
    );
    for (const [door, figures] of [
      ['MLLP     ', mllp],
      ['POST /hl7', http],
    ] as const) {
      console.log(
        `  ${door}  ${figures.perSecond.toFixed(0)} messages/s   ACK p50 ${figures.p50.toFixed(1)} ms   ` +
          `p99 ${figures.p99.toFixed(1)} ms${figures.notAccepted > 0 ? `   NOT AA: ${figures.notAccepted}` : ''}`,
      );
    }
  } finally {
    for (const sender of senders) sender.close();
    await stack.stop();
    await services.stop();
  }
}
