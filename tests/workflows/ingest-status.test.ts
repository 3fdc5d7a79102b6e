/**
 * The HTTP status and the ACK always say the same thing (HL7 over HTTP: AA
 * 200, AR 400, AE 500; a batch: its worst ACK). Checked on every input a
 * mutation fuzzer makes from real feed messages (framing, trailing bytes,
 * messages inside segments, batches, byte edits) and for every way the store
 * can answer. The ports are in memory: this is the workflow's own decision.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawMessageToArchive } from '../../lambdas/adapters/archive.js';
import type { AcceptMessageInput, AcceptMessageResult } from '../../lambdas/adapters/message-store.js';
import { type IngestPorts, type IngestResult, ingestHl7 } from '../../lambdas/workflows/ingest.js';
import { hospitalConfig } from '../messages/support.js';

const fixtureDir = new URL('../fixtures/messages/', import.meta.url);
const seeds = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('.hl7'))
  .map((name) => `${readFileSync(new URL(name, fixtureDir), 'utf8').trim().replace(/\r?\n/g, '\r')}\r`);

const config = hospitalConfig();
const receivedAt = new Date('2026-07-27T00:00:05.000Z');

type StoreBehaviour = 'stored' | 'duplicate' | 'unavailable' | 'rejected' | 'unknownFailure';

class StoreFailure extends Error {
  constructor(readonly retryable: boolean) {
    super(retryable ? 'throttled' : 'validation');
    this.name = retryable ? 'StoreUnavailableError' : 'StoreRequestRejectedError';
  }
}

function memoryPorts(behaviour: StoreBehaviour, archiveFails = false) {
  const archived: RawMessageToArchive[] = [];
  const accepted: AcceptMessageInput[] = [];
  const ports: IngestPorts = {
    async archiveRawMessage(message) {
      if (archiveFails) throw new StoreFailure(true);
      archived.push(message);
      return `raw/${archived.length}.hl7`;
    },
    async acceptMessage(input): Promise<AcceptMessageResult> {
      accepted.push(input);
      switch (behaviour) {
        case 'stored':
          return { outcome: 'stored', storedRecords: [] };
        case 'duplicate':
          return { outcome: 'duplicate' };
        case 'unavailable':
          throw new StoreFailure(true);
        case 'rejected':
          throw new StoreFailure(false);
        case 'unknownFailure':
          throw new TypeError('a bug');
      }
    },
  };
  return { ports, archived, accepted };
}

const statusByAck = { AA: 200, AR: 400, AE: 500 } as const;
const rank = { AA: 0, AR: 1, AE: 2 } as const;

/** MSA-1 of every ACK in the answer (one for a message, several inside a batch envelope). */
function ackCodes(ack: string): string[] {
  return ack
    .split('\r')
    .filter((line) => line.startsWith('MSA'))
    .map((line) => line.split(line.charAt(3))[1] ?? '');
}

function expectStatusMatchesAck(result: IngestResult): void {
  const codes = ackCodes(result.ack);
  for (const code of codes) expect(['AA', 'AR', 'AE']).toContain(code);
  if (codes.length === 0) {
    // Only a well-formed empty batch (BTS 0) is answered without an MSA: nothing was refused.
    expect(result.ack).toMatch(/^FHS/);
    expect(result.httpStatus).toBe(200);
    return;
  }
  const worst = (codes as (keyof typeof rank)[]).reduce((a, b) => (rank[b] > rank[a] ? b : a));
  expect(result.httpStatus).toBe(statusByAck[worst]);
  // What the outcomes (logs, metrics) say is what the sender was told.
  expect(result.messages.map((m) => m.ackCode)).toEqual(codes);
}

const junk = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('x', 'PID|1', 'MSH', 'NTE|1||note', '\x0b', '\x1c', '\x1c\r', '\x0bMSH|^~\\&|', '\0'),
);

/** What the fuzz run did to real messages, and more of the same. */
const mutated: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...seeds),
  fc.constantFrom(...seeds).map((m) => `\x0b${m}\x1c\r`),
  fc.tuple(fc.constantFrom(...seeds), junk).map(([m, tail]) => `\x0b${m}\x1c\r${tail}`),
  fc.tuple(junk, fc.constantFrom(...seeds)).map(([head, m]) => `${head}\x0b${m}\x1c\r`),
  fc
    .tuple(fc.constantFrom(...seeds), fc.constantFrom(...seeds))
    .map(([outer, inner]) => `${outer}NTE|1|L|\x0b${inner}\x1c\r`),
  fc.tuple(fc.constantFrom(...seeds), fc.constantFrom(...seeds)).map(([a, b]) => a + b),
  fc
    .tuple(fc.array(fc.constantFrom(...seeds), { maxLength: 3 }), fc.option(junk, { nil: undefined }))
    .map(
      ([messages, tail]) =>
        `FHS|^~\\&|LAB|CENTRAL LAB\rBHS|^~\\&|LAB|CENTRAL LAB\r${messages.join('')}BTS|${messages.length}\rFTS|1\r${tail ?? ''}`,
    ),
  fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat({ max: 3 }),
          fc.constantFrom('|', '^', '~', '\\', '&', '\r', '\n', '\x0b', '\x1c', 'MSH|', 'A', 'é', ''),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([message, edits]) =>
      edits.reduce((text, [at, remove, insert]) => {
        const position = at % (text.length + 1);
        return text.slice(0, position) + insert + text.slice(position + remove);
      }, message),
    ),
);

describe('HTTP status and ACK agree', () => {
  it('on every mutated input, whatever the store answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutated,
        fc.constantFrom<StoreBehaviour>('stored', 'duplicate', 'unavailable', 'rejected', 'unknownFailure'),
        fc.constantFrom(1_000_000, 2_048),
        fc.nat({ max: 20 }),
        async (text, behaviour, maxMessageBytes, archiveFailsOneIn) => {
          const { ports } = memoryPorts(behaviour, archiveFailsOneIn === 0);
          const body = new TextEncoder().encode(text);
          const result = await ingestHl7(body, receivedAt, ports, { config, maxMessageBytes });
          expectStatusMatchesAck(result);
        },
      ),
      {
        numRuns: 500,
        // Found by this property: an empty batch whose archive failed was answered 500 without an AE.
        examples: [['FHS|^~\\&|LAB\rBHS|^~\\&|LAB\rBTS|0\rFTS|1\r', 'stored', 1_000_000, 0]],
      },
    );
  });
});

describe('bodies that hold more than one message outside a batch envelope', () => {
  const message = seeds.find((seed) => seed.includes('ORU^R01'))!;
  const other = seeds.find((seed) => seed.includes('RDE^O11'))!;

  it.each([
    ['an MLLP-framed message followed by trailing bytes', `\x0b${message}\x1c\rtrailing bytes`],
    ['bytes before the MLLP start block', `noise\x0b${message}\x1c\r`],
    ['a framed message inside an NTE', `${message}NTE|1|L|\x0b${other}\x1c\r`],
    ['two MLLP frames', `\x0b${message}\x1c\r\x0b${other}\x1c\r`],
    ['two messages one after the other', message + other],
  ])('rejects %s as a whole: AR with HTTP 400, nothing stored', async (_name, text) => {
    const { ports, archived, accepted } = memoryPorts('stored');

    const result = await ingestHl7(new TextEncoder().encode(text), receivedAt, ports, {
      config,
      maxMessageBytes: 1_000_000,
    });

    expect(result.httpStatus).toBe(400);
    expect(ackCodes(result.ack)).toEqual(['AR']);
    expect(result.ack).toMatch(
      /\rERR\|[^\r]*\|100\^Segment sequence error\^HL70357\|F\|\|\|\|[^\r]*one message per request/,
    );
    expect(accepted).toEqual([]);
    expect(archived).toHaveLength(1);
  });

  it('still accepts one MLLP-framed message with blank bytes after its end block', async () => {
    const { ports, accepted } = memoryPorts('stored');
    const result = await ingestHl7(new TextEncoder().encode(`\x0b${message}\x1c\r\n \r`), receivedAt, ports, {
      config,
      maxMessageBytes: 1_000_000,
    });
    expect(result.httpStatus).toBe(200);
    expect(ackCodes(result.ack)).toEqual(['AA']);
    expect(accepted).toHaveLength(1);
  });
});
