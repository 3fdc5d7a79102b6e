/**
 * `npm run bench -- sizes`: what one message costs, measured on the local
 * stack through the real handlers, and the monthly AWS bill of a feed of
 * 1 million messages a day computed from it (README "Capacity and cost").
 *
 * Each step posts one message and waits until its evaluation is done; the
 * table is scanned before and after, so every item written (record, message,
 * profile, clinical state, alert slot and episode, audit, outbox, sent mark)
 * is listed with its DynamoDB size (attribute names + values, UTF-8). The
 * handlers' own DynamoDB client asks for ReturnConsumedCapacity, so read and
 * write units are DynamoDB's own count (DynamoDB Local computes them as the
 * service does: 1 KB per write unit, transactions twice, 4 KB per strongly
 * consistent read unit, index writes included). S3 and SNS bytes and the
 * handlers' log bytes (at INFO, as deployed) are counted too.
 *
 * Prices are assumptions (us-east-1, on-demand, list prices as of 2025; check
 * the AWS pricing pages): they are the `prices` object below.
 */
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { type ReceivedNotification, startNotificationMonitor } from '../bin/local/notification-monitor.js';
import { startLocalServices } from '../bin/local/services.js';
import { startLocalStack } from '../bin/local/stack.js';
import {
  calciumResult,
  cohortAdt,
  criticalCalcium,
  hl7Time,
  loadFacility,
  normalCalcium,
} from './load-mix.js';

/** Assumed list prices, us-east-1 (USD). */
export const prices = {
  dynamoWriteUnitPerMillion: 0.625, // on-demand WRU, after the November 2024 cut
  dynamoReadUnitPerMillion: 0.125, // on-demand RRU
  dynamoStorageGbMonth: 0.25, // after the 25 GB free tier
  dynamoPitrGbMonth: 0.2, // continuous backups
  streamReadsByLambda: 0, // GetRecords by a Lambda trigger is free
  s3PutPerThousand: 0.005,
  s3StorageGbMonth: 0.023,
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequestsPerMillion: 0.2,
  apiGatewayRestPerMillion: 3.5,
  snsPublishPerMillion: 0.5, // each 64 KB chunk is one request
  snsSmsUs: 0.00581, // per SMS part to a US number, before carrier fees (about $0.003)
  snsEmailPer100k: 2,
  kmsKeyMonth: 1,
  kmsRequestsPer10k: 0.03,
  logsIngestionGb: 0.5,
  logsStorageGbMonth: 0.03,
  xrayTracesPerMillion: 5,
} as const;

/** Assumptions of the monthly estimate that this machine cannot measure. */
export const assumptions = {
  messagesPerDay: 1_000_000,
  days: 30,
  /** The day's mix: results (one OBX, a long-standing patient outside the cohort), pharmacy orders, ADTs. */
  share: { oru: 0.8, rde: 0.1, adt: 0.1 },
  /** Critical pages a day (alerts are for the cohort only: a few patients per unit). */
  pagesPerDay: 1_000,
  /** Warm durations in AWS at 1024 MB (p50-ish; this machine's timings are not AWS's). */
  ingestSeconds: 0.08,
  evaluateSecondsPerRecord: 0.02,
  /** Records per evaluate invocation at an even 12 records/s (Lambda polls a shard about 4 times a second). */
  recordsPerEvaluateBatch: 3,
  /** Lambda START/END/REPORT lines and one API Gateway access-log line per request. */
  platformLogBytesPerInvocation: 350,
  accessLogBytesPerRequest: 450,
  /** X-Ray default sampling: the first request each second, then 5 %. */
  xraySampledShare: 0.05,
  /** S3 bucket key, DynamoDB's table key cache and SNS data-key reuse keep KMS calls to a few per minute per function. */
  kmsRequestsPerMonth: 300_000,
  memoryGb: 1,
} as const;

/** DynamoDB's item size: attribute names plus values, strings in UTF-8, numbers about 1 byte per 2 digits + 1. */
export function attributeSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, entry) => sum + 1 + attributeSize(entry), 0);
  if (value.M !== undefined) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  if (value.SS !== undefined)
    return value.SS.reduce((sum, entry) => sum + Buffer.byteLength(entry, 'utf8'), 0);
  return 0;
}

/** The same size for an item as the DocumentClient takes it (plain values; undefined is dropped). */
export function plainSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return attributeSize({ N: String(value) });
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, entry) => sum + 1 + plainSize(entry), 0);
  if (typeof value === 'object') return 3 + plainItemSize(value as Record<string, unknown>);
  return 0;
}

export function plainItemSize(item: Record<string, unknown>): number {
  return Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + plainSize(value), 0);
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + attributeSize(value),
    0,
  );
}

/** One item write as sent: a put carries its item; an update or delete is sized from the table afterwards. */
interface ItemWrite {
  key: string;
  transactional: boolean;
  item?: Record<string, unknown>;
}

interface Usage {
  readUnits: number;
  writeUnits: number;
  writes: ItemWrite[];
  calls: Map<string, number>;
  s3Puts: number;
  s3Bytes: number;
  snsPublishes: number;
  snsBytes: number;
  logBytes: number;
}

const emptyUsage = (): Usage => ({
  readUnits: 0,
  writeUnits: 0,
  writes: [],
  calls: new Map(),
  s3Puts: 0,
  s3Bytes: 0,
  snsPublishes: 0,
  snsBytes: 0,
  logBytes: 0,
});

/**
 * The part of an SDK client's middleware stack used here. The clients' own
 * stack types are unions over every command; any command passes through these.
 */
interface CountingStack {
  add(
    middleware: (
      next: (args: { input: object }) => Promise<{ output: object }>,
      context: { commandName?: string },
    ) => (args: { input: object }) => Promise<{ output: object }>,
    options: { step: 'initialize'; name: string },
  ): void;
}
interface Consumed {
  CapacityUnits?: number;
}

type Keyed = { Key?: Record<string, unknown>; Item?: Record<string, unknown> };
interface WriteInput {
  Item?: Record<string, unknown>;
  Key?: Record<string, unknown>;
  TransactItems?: { Put?: Keyed; Update?: Keyed; Delete?: Keyed; ConditionCheck?: Keyed }[];
  RequestItems?: Record<string, { PutRequest?: Keyed; DeleteRequest?: Keyed }[]>;
}

const keyOf = (keys: Record<string, unknown> | undefined) => `${String(keys?.pk)}|${String(keys?.sk)}`;

function itemWrites(input: WriteInput): ItemWrite[] {
  const one = (keyed: Keyed | undefined, transactional: boolean): ItemWrite[] =>
    keyed === undefined
      ? []
      : [{ key: keyOf(keyed.Item ?? keyed.Key), transactional, ...(keyed.Item ? { item: keyed.Item } : {}) }];
  if (input.TransactItems !== undefined) {
    // A condition check costs like a write of the item it reads; none is used on these paths.
    return input.TransactItems.flatMap((action) => [
      ...one(action.Put, true),
      ...one(action.Update, true),
      ...one(action.Delete, true),
    ]);
  }
  if (input.RequestItems !== undefined) {
    return Object.values(input.RequestItems)
      .flat()
      .flatMap((request) => [...one(request.PutRequest, false), ...one(request.DeleteRequest, false)]);
  }
  return one(
    { ...(input.Item ? { Item: input.Item } : {}), ...(input.Key ? { Key: input.Key } : {}) },
    false,
  );
}

/** The secondary indexes' partition attributes (lambdas/table/layout.ts): an item carrying one is also written there. */
const indexPartitionKeys = ['openAlertsPk', 'cohortPk', 'criticalAlertsPk'];

/**
 * Write units as DynamoDB bills them: 1 per KB of item (an update: the larger
 * of before and after), twice in a transaction, plus each index the item is in.
 */
function writeUnitsOf(
  writes: readonly ItemWrite[],
  before: ReadonlyMap<string, Record<string, AttributeValue>>,
  after: ReadonlyMap<string, Record<string, AttributeValue>>,
): number {
  let units = 0;
  for (const write of writes) {
    const old = before.get(write.key);
    const now = after.get(write.key);
    const bytes =
      write.item === undefined
        ? Math.max(old ? itemSize(old) : 0, now ? itemSize(now) : 0)
        : plainItemSize(write.item);
    const kilobytes = Math.max(1, Math.ceil(bytes / 1024));
    const attributes = new Set([...Object.keys(write.item ?? now ?? {}), ...Object.keys(old ?? {})]);
    const indexes = indexPartitionKeys.filter((name) => attributes.has(name)).length;
    units += kilobytes * (write.transactional ? 2 : 1) + kilobytes * indexes;
  }
  return units;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface StepResult {
  name: string;
  /** Items the step created or changed (`created`: not in the table before). */
  items: { kind: string; bytes: number; created: boolean }[];
  usage: Usage;
}

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // As deployed: the handlers log at INFO.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const services = await startLocalServices({ dynamoDbPort: 0, awsEmulatorPort: 0 });
  const stack = await startLocalStack({
    environment: services.environment,
    ingestPort: 0,
    sweepIntervalMs: 0,
  });
  // The handlers' own clients (module singletons, created on first use with the stack's environment).
  const clients = await import('../lambdas/adapters/aws-clients.js');
  let usage = emptyUsage();
  let lastCallAt = performance.now();
  const count = (name: string) => {
    usage.calls.set(name, (usage.calls.get(name) ?? 0) + 1);
    lastCallAt = performance.now();
  };
  (clients.dynamoDocumentClient().middlewareStack as unknown as CountingStack).add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'dynamodb').replace(/Command$/, '');
      count(name);
      const input = args.input as WriteInput;
      const isRead = /Get|Query|Scan/.test(name);
      // DynamoDB Local counts reads as the service does, but not transactional writes: those are sized here.
      if (isRead) (input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      else usage.writes.push(...itemWrites(input));
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
      if (isRead)
        usage.readUnits += [consumed ?? []]
          .flat()
          .reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
      lastCallAt = performance.now();
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  (clients.s3().middlewareStack as unknown as CountingStack).add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 's3');
      count(`S3 ${name.replace(/Command$/, '')}`);
      const body = (args.input as { Body?: Uint8Array | string }).Body;
      if (name === 'PutObjectCommand' && body !== undefined) {
        usage.s3Puts += 1;
        usage.s3Bytes += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchS3Bytes' },
  );
  (clients.sns().middlewareStack as unknown as CountingStack).add(
    (next, context) => async (args) => {
      count(`SNS ${String(context.commandName ?? 'sns').replace(/Command$/, '')}`);
      const input = args.input as {
        Message?: string;
        MessageAttributes?: Record<string, { StringValue?: string }>;
      };
      usage.snsPublishes += 1;
      usage.snsBytes +=
        Buffer.byteLength(input.Message ?? '') +
        Object.entries(input.MessageAttributes ?? {}).reduce(
          (sum, [name, value]) => sum + name.length + (value.StringValue?.length ?? 0) + 6,
          0,
        );
      return next(args);
    },
    { step: 'initialize', name: 'benchSnsBytes' },
  );
  // Handler log lines (JSON on stdout): counted, not shown.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{') && text.includes('"level"')) {
      usage.logBytes += Buffer.byteLength(text);
      return true;
    }
    return (write as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;

  const pages: ReceivedNotification[] = [];
  const monitor = await startNotificationMonitor({
    awsEndpoint: services.awsEndpoint,
    topicArns: Object.values(services.resources.topicArns),
    onNotification: (notification) => pages.push(notification),
  });
  const scanner = new DynamoDBClient({ endpoint: services.dynamoDbEndpoint, region: services.region });
  const tableName = services.environment.TABLE_NAME ?? '';
  const snapshot = async () => {
    const items = new Map<string, Record<string, AttributeValue>>();
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await scanner.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) items.set(`${item.pk?.S}|${item.sk?.S}`, item);
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  };
  const post = async (body: string) => {
    const response = await fetch(stack.ingestUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    const ack = await response.text();
    if (!/MSA\|AA/.test(ack)) throw new Error(`not accepted: ${ack.replace(/\r/g, ' | ')}`);
  };
  /** Posts, waits for the evaluation to go quiet (and for `pagesExpected` more notifications). */
  const step = async (name: string, body: string, pagesExpected = 0): Promise<StepResult> => {
    const before = await snapshot();
    const pagesBefore = pages.length;
    usage = emptyUsage();
    await post(body);
    const deadline = performance.now() + 20_000;
    while (
      (performance.now() - lastCallAt < 1_000 || pages.length < pagesBefore + pagesExpected) &&
      performance.now() < deadline
    ) {
      await sleep(50);
    }
    const stepUsage = usage;
    usage = emptyUsage();
    const after = await snapshot();
    stepUsage.writeUnits = writeUnitsOf(stepUsage.writes, before, after);
    const items: StepResult['items'] = [];
    for (const [key, item] of after) {
      const old = before.get(key);
      if (old !== undefined && JSON.stringify(old) === JSON.stringify(item)) continue;
      items.push({ kind: itemKind(item), bytes: itemSize(item), created: old === undefined });
    }
    return { name, items, usage: stepUsage };
  };

  const now = new Date();
  const at = hl7Time(now);
  const results: StepResult[] = [];
  try {
    results.push(
      await step('ADT A08, calciphylaxis diagnosis (cohort entry)', cohortAdt('SZ0001', 'SZA1', at)),
    );
    results.push(await step('RDE O11, cinacalcet order', cinacalcetOrder('SZ0001', 'SZR1', at)));
    results.push(
      await step(
        'ORU, one calcium OBX, cohort patient, normal',
        calciumResult('SZ0001', 'SZO1', at, normalCalcium),
      ),
    );
    results.push(
      await step(
        'ORU, one calcium OBX, cohort patient, critical: one page',
        calciumResult('SZ0001', 'SZO2', hl7Time(new Date(now.getTime() + 60_000)), criticalCalcium),
        1,
      ),
    );
    results.push(await step('ADT A08 without diagnosis (demographics)', plainAdt('SZ0002', 'SZA2', at)));
    // A long-standing patient outside the cohort: 13 monthly panels of 10 results, then one new result.
    for (let month = 13; month >= 1; month -= 1) {
      await post(panel('SZ0003', `SZP${month}`, hl7Time(new Date(now.getTime() - month * 30 * 86_400_000))));
    }
    await sleep(1_500);
    results.push(
      await step(
        'ORU, one calcium OBX, patient outside the cohort with 13 months of monthly panels',
        calciumResult('SZ0003', 'SZO3', at, normalCalcium),
      ),
    );
  } finally {
    process.stdout.write = write;
    scanner.destroy();
    await monitor.stop();
    await stack.stop();
    await services.stop();
  }
  printSteps(results);
  printMonthlyCost(results);
}

/** What an item is, from its keys: `observation`, `message`, `profile`, `alert slot`, ... */
function itemKind(item: Record<string, AttributeValue>): string {
  const pk = item.pk?.S ?? '';
  const sk = item.sk?.S ?? '';
  if (pk.startsWith('MSG#')) return 'message (duplicate detection)';
  if (pk.startsWith('ALERTID#')) return 'alert episode';
  if (sk === 'STATE#PROFILE') return 'profile';
  if (sk === 'STATE#CLINICAL') return 'clinical state';
  if (sk.startsWith('STATE#ALERT#')) return 'alert slot';
  if (sk.startsWith('STATE#OUTBOX#')) return `outbox (${item.status?.S ?? 'pending'})`;
  if (sk.startsWith('EVENT#AUDIT#')) return 'audit event';
  if (sk.startsWith('EVENT#NOTIFY#')) return 'sent mark';
  return item.itemType?.S ?? sk.split('#')[0] ?? 'item';
}

const pidOf = (mrn: string) => `PID|1||${mrn}^^^LOAD^MR||TESTPATIENT^SIZES||19600101|F`;
const mshOf = (type: string, controlId: string, at: string) =>
  `MSH|^~\\&|LAB|${loadFacility}|CALCIPHYLAXIS_ALERTING|${loadFacility}|${at}||${type}|${controlId}|P|2.5.1`;

function cinacalcetOrder(mrn: string, controlId: string, at: string): string {
  return [
    mshOf('RDE^O11^RDE_O11', controlId, at),
    pidOf(mrn),
    'PV1|1|O|HD^CHAIR01^^LOAD',
    `ORC|NW|ORD-${controlId}|RX-${controlId}||||||${at}|||9876543210^Renal^Raj^K^^Dr^MD`,
    `RXE|^^^${at}|^Cinacalcet 30 MG Oral Tablet|30||mg^milligram^UCUM|TAB^Tablet^HL70292`,
    `TQ1|1||QD^every day^HL70335||||${at}`,
  ].join('\r');
}

function plainAdt(mrn: string, controlId: string, at: string): string {
  return [
    mshOf('ADT^A08^ADT_A01', controlId, at),
    `EVN|A08|${at}`,
    pidOf(mrn),
    'PV1|1|O|HD^CHAIR02^^LOAD',
  ].join('\r');
}

/** A monthly dialysis panel: ten results. */
function panel(mrn: string, controlId: string, at: string): string {
  const results: [string, string, string, string][] = [
    ['17861-6', 'Calcium', '9.1', 'mg/dL'],
    ['2777-1', 'Phosphate', '4.8', 'mg/dL'],
    ['2731-8', 'PTH intact', '280', 'pg/mL'],
    ['718-7', 'Hemoglobin', '11.2', 'g/dL'],
    ['1963-8', 'Bicarbonate', '23', 'mmol/L'],
    ['1751-7', 'Albumin', '3.9', 'g/dL'],
    ['2823-3', 'Potassium', '4.9', 'mmol/L'],
    ['2951-2', 'Sodium', '138', 'mmol/L'],
    ['3094-0', 'Urea nitrogen', '58', 'mg/dL'],
    ['2160-0', 'Creatinine', '7.9', 'mg/dL'],
  ];
  return [
    mshOf('ORU^R01^ORU_R01', controlId, at),
    pidOf(mrn),
    'PV1|1|O|HD^CHAIR03^^LOAD',
    `OBR|1|P${controlId}|F${controlId}|24362-6^Renal function panel^LN|||${at}`,
    ...results.map(
      ([code, name, value, unit], index) =>
        `OBX|${index + 1}|NM|${code}^${name}^LN||${value}|${unit}|||||F|||${at}`,
    ),
  ].join('\r');
}

function printSteps(results: readonly StepResult[]): void {
  console.log(
    '\nWhat one message writes and costs (local stack, real handlers; units as DynamoDB counts them)',
  );
  for (const { name, items, usage } of results) {
    console.log(`\n  ${name}`);
    const byKind = new Map<string, number[]>();
    for (const item of items) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item.bytes]);
    for (const [kind, sizes] of byKind)
      console.log(`    ${kind.padEnd(32)} ${sizes.map((size) => `${size} B`).join(', ')}`);
    const calls = [...usage.calls].map(([call, times]) => `${call} ×${times}`).join(', ');
    console.log(
      `    → ${usage.writeUnits} write units, ${usage.readUnits} read units; S3 ${usage.s3Bytes} B; SNS ${usage.snsPublishes} publish(es) ${usage.snsBytes} B; logs ${usage.logBytes} B`,
    );
    console.log(`      calls: ${calls}`);
  }
}

function printMonthlyCost(results: readonly StepResult[]): void {
  const find = (prefix: string) => {
    const found = results.find((result) => result.name.startsWith(prefix));
    if (found === undefined) throw new Error(`no step ${prefix}`);
    return found;
  };
  const oru = find('ORU, one calcium OBX, patient outside');
  const rde = find('RDE');
  const adt = find('ADT A08 without');
  const normal = find('ORU, one calcium OBX, cohort patient, normal');
  const critical = find('ORU, one calcium OBX, cohort patient, critical');
  const a = assumptions;
  const perDay = (pick: (usage: Usage) => number) =>
    a.messagesPerDay *
      (a.share.oru * pick(oru.usage) + a.share.rde * pick(rde.usage) + a.share.adt * pick(adt.usage)) +
    a.pagesPerDay * Math.max(0, pick(critical.usage) - pick(normal.usage));
  // What stays: new items but the duplicate-detection one (it expires after 30 days, counted apart).
  const keptBytes = (step: StepResult) =>
    step.items
      .filter((item) => item.created && !item.kind.startsWith('message'))
      .reduce((sum, item) => sum + item.bytes, 0);
  const messageItemBytes = oru.items.find((item) => item.kind.startsWith('message'))?.bytes ?? 0;
  const month = a.days;
  const writeUnits = perDay((usage) => usage.writeUnits) * month;
  const readUnits = perDay((usage) => usage.readUnits) * month;
  const s3Bytes = perDay((usage) => usage.s3Bytes) * month;
  const logBytes =
    (perDay((usage) => usage.logBytes) +
      a.messagesPerDay *
        (a.platformLogBytesPerInvocation * (1 + 1 / a.recordsPerEvaluateBatch) +
          a.accessLogBytesPerRequest)) *
    month;
  const keptBytesPerMonth =
    month *
    a.messagesPerDay *
    (a.share.oru * keptBytes(oru) + a.share.rde * keptBytes(rde) + a.share.adt * keptBytes(adt));
  const gb = (bytes: number) => bytes / 1024 ** 3;
  const messageBytes = a.messagesPerDay * 30 * messageItemBytes;
  const messages = a.messagesPerDay * month;
  const evaluateRecords = messages * (a.share.oru + a.share.rde); // ADTs without a diagnosis store no record
  const requestsPerSecond = a.messagesPerDay / 86_400;
  const traced =
    month * 86_400 * Math.min(requestsPerSecond, 1 + (requestsPerSecond - 1) * a.xraySampledShare);
  const lines: [string, string, number][] = [
    [
      'DynamoDB writes',
      `${(writeUnits / 1e6).toFixed(0)} M write units`,
      (writeUnits / 1e6) * prices.dynamoWriteUnitPerMillion,
    ],
    [
      'DynamoDB reads',
      `${(readUnits / 1e6).toFixed(0)} M read units`,
      (readUnits / 1e6) * prices.dynamoReadUnitPerMillion,
    ],
    ['DynamoDB stream reads', 'by the Lambda trigger', 0],
    [
      'DynamoDB storage + PITR',
      `${gb(messageBytes).toFixed(1)} GB of message items (30 days) + ${gb(keptBytesPerMonth).toFixed(1)} GB more each month`,
      gb(messageBytes + keptBytesPerMonth) * (prices.dynamoStorageGbMonth + prices.dynamoPitrGbMonth),
    ],
    [
      'S3 PUT (raw archive)',
      `${(messages / 1e6).toFixed(0)} M PUTs`,
      (messages / 1000) * prices.s3PutPerThousand,
    ],
    ['S3 storage', `${gb(s3Bytes).toFixed(1)} GB more each month`, gb(s3Bytes) * prices.s3StorageGbMonth],
    [
      'API Gateway REST',
      `${(messages / 1e6).toFixed(0)} M requests`,
      (messages / 1e6) * prices.apiGatewayRestPerMillion,
    ],
    [
      'Lambda ingest',
      `${(messages / 1e6).toFixed(0)} M × ${a.ingestSeconds} s × ${a.memoryGb} GB`,
      (messages / 1e6) * prices.lambdaRequestsPerMillion +
        messages * a.ingestSeconds * a.memoryGb * prices.lambdaGbSecondArm,
    ],
    [
      'Lambda evaluate',
      `${(evaluateRecords / 1e6).toFixed(0)} M records, ${a.recordsPerEvaluateBatch} a batch, ${a.evaluateSecondsPerRecord} s each`,
      (evaluateRecords / a.recordsPerEvaluateBatch / 1e6) * prices.lambdaRequestsPerMillion +
        evaluateRecords * a.evaluateSecondsPerRecord * a.memoryGb * prices.lambdaGbSecondArm,
    ],
    [
      'SNS',
      `${a.pagesPerDay * month} pages, each 1 publish + 1 SMS + 1 e-mail`,
      a.pagesPerDay *
        month *
        (prices.snsPublishPerMillion / 1e6 + prices.snsSmsUs + prices.snsEmailPer100k / 1e5),
    ],
    [
      'KMS',
      `1 key, ${(a.kmsRequestsPerMonth / 1000).toFixed(0)} k requests (bucket key, cached data keys)`,
      prices.kmsKeyMonth + (a.kmsRequestsPerMonth / 10_000) * prices.kmsRequestsPer10k,
    ],
    [
      'CloudWatch Logs',
      `${gb(logBytes).toFixed(1)} GB ingested`,
      gb(logBytes) * (prices.logsIngestionGb + prices.logsStorageGbMonth),
    ],
    [
      'X-Ray',
      `${(traced / 1e6).toFixed(1)} M ingest traces (default sampling)`,
      (Math.max(0, traced - 100_000) / 1e6) * prices.xrayTracesPerMillion,
    ],
  ];
  console.log(
    `\nMonthly cost of ${a.messagesPerDay.toLocaleString('en-US')} messages a day for ${month} days (${(a.share.oru * 100).toFixed(0)}% ORU, ${(a.share.rde * 100).toFixed(0)}% RDE, ${(a.share.adt * 100).toFixed(0)}% ADT; assumed us-east-1 list prices)`,
  );
  let total = 0;
  for (const [what, volume, cost] of lines) {
    total += cost;
    console.log(`  ${what.padEnd(24)} ${volume.padEnd(64)} $${cost.toFixed(2)}`);
  }
  console.log(`  ${'total'.padEnd(24)} ${''.padEnd(64)} $${total.toFixed(2)}`);
}
