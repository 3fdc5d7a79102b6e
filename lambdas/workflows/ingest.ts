/**
 * Ingest one HTTP body from the lab feed: archive the raw bytes (always, also
 * when the message is rejected), read and validate, model the domain records,
 * store them with duplicate detection, and answer with the HL7 ACK. `AA` is
 * only sent once the message is durably stored (raw archive and records).
 * No AWS import: the store and archive come in as ports.
 */
import type { RulesConfig } from '../config/rules-config.js';
import {
  buildAck,
  buildBatchAck,
  errorCodes,
  type Hl7Error,
  type MessageReadResult,
  messageContentHash,
  type ReadResult,
  readHl7,
} from '../hl7/index.js';
import { modelMessage } from '../messages/index.js';
import { applyRecords, recordsChangeClinicalState } from '../patient/clinical-state.js';
import type {
  AcceptMessageInput,
  AcceptMessageResult,
  ArchiveOutcome,
  RawMessageToArchive,
} from './ports.js';

export interface IngestPorts {
  archiveRawMessage(message: RawMessageToArchive): Promise<string>;
  acceptMessage(input: AcceptMessageInput): Promise<AcceptMessageResult>;
}

export interface IngestSettings {
  config: RulesConfig;
  maxMessageBytes: number;
}

export type AckCode = 'AA' | 'AE' | 'AR';

/** What happened to one message of the body: ids and codes only (safe to log). */
export interface MessageOutcome {
  ackCode: AckCode;
  facility?: string;
  controlId?: string;
  messageType?: string;
  duplicate: boolean;
  /** Stored although an earlier message with other content had the same (MSH-3, MSH-4, MSH-10). */
  reusedControlId: boolean;
  recordCount: number;
  /** Table 0357 codes of the errors reported in ERR segments. */
  errorCodes: string[];
}

export interface IngestResult {
  /** HTTP status from MSA-1 as in HL7 over HTTP: AA 200, AR 400, AE 500 (a batch: its worst ACK). */
  httpStatus: 200 | 400 | 500;
  /** The ACK (or, for a batch, the batch of ACKs), in the sender's delimiters. */
  ack: string;
  archiveKey?: string;
  messages: MessageOutcome[];
}

const statusByAck: Record<AckCode, 200 | 400 | 500> = { AA: 200, AR: 400, AE: 500 };
const ackRank: Record<AckCode, number> = { AA: 0, AR: 1, AE: 2 };

/** An application error: AE, we could not process it now (retry); AR, we never will (do not). */
function applicationError(text: string, ackCode: 'AE' | 'AR' = 'AE'): Hl7Error {
  return {
    ackCode,
    code: errorCodes.applicationInternalError,
    severity: 'E',
    segment: 'MSH',
    sequence: 1,
    text,
  };
}

/** The error's class, and for a store error the service's error name: ids, never message content. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const awsError = (error as { awsError?: unknown }).awsError;
  return typeof awsError === 'string' ? `${error.name}: ${awsError}` : error.name;
}

/**
 * The ports' errors say whether the same call can succeed later (`retryable`,
 * see the store's errors); only an explicit `false` is permanent. Anything
 * else, a bug included, is answered AE: after a fix, the retry succeeds.
 */
function isPermanent(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false
  );
}

async function ingestOne(
  read: MessageReadResult,
  receivedAt: string,
  archiveKey: string,
  ports: IngestPorts,
  settings: IngestSettings,
): Promise<{ ack: string; outcome: MessageOutcome }> {
  const now = new Date(receivedAt);
  if (!read.ok) {
    // The reader answers AE only for a fault of its own (retry after a fix); everything else it finds is AR.
    const ackCode = read.errors.some((error) => error.ackCode === 'AE') ? 'AE' : 'AR';
    return {
      ack: buildAck(read, { code: ackCode }, now),
      outcome: {
        ackCode,
        facility: read.header?.sendingFacility,
        controlId: read.header?.controlId,
        duplicate: false,
        reusedControlId: false,
        recordCount: 0,
        errorCodes: read.errors.map((error) => error.code),
      },
    };
  }
  const { header } = read.message;
  const base = {
    controlId: header.controlId,
    messageType: `${header.messageCode}^${header.triggerEvent}`,
  };
  const modelled = modelMessage(read.message, settings.config);
  if (!modelled.ok) {
    return {
      ack: buildAck(read, { code: 'AR', errors: modelled.errors }, now),
      outcome: {
        ...base,
        ackCode: 'AR',
        duplicate: false,
        reusedControlId: false,
        recordCount: 0,
        errorCodes: modelled.errors.map((error) => error.code),
      },
    };
  }
  const { source, patient, records } = modelled.modelled;
  const { config } = settings;
  try {
    const stored = await ports.acceptMessage({
      sendingApplication: header.sendingApplication,
      facility: source.facility,
      controlId: source.controlId,
      contentHash: messageContentHash(read.message),
      receivedAt,
      archiveKey,
      patient,
      records,
      ...(recordsChangeClinicalState(records, config)
        ? { updateClinicalState: (current, stored) => applyRecords(current, stored, config) }
        : {}),
    });
    return {
      ack: buildAck(read, { code: 'AA' }, now),
      outcome: {
        ...base,
        facility: source.facility,
        ackCode: 'AA',
        duplicate: stored.outcome === 'duplicate',
        reusedControlId: stored.outcome === 'stored' && stored.reusedControlId !== undefined,
        recordCount: stored.outcome === 'stored' ? stored.storedRecords.length : 0,
        errorCodes: [],
      },
    };
  } catch (error: unknown) {
    // A store error says whether a retry can help: AE only when it can, so a feed is never blocked by AE forever.
    const ackCode = isPermanent(error) ? 'AR' : 'AE';
    const errors = [
      ackCode === 'AR'
        ? applicationError(
            `The message cannot be stored (${describeError(error)}) and resending it will not change that; ` +
              'its raw bytes are archived for review',
            'AR',
          )
        : applicationError(`storage unavailable (${describeError(error)}); retry later`),
    ];
    return {
      ack: buildAck(read, { code: ackCode, errors }, now),
      outcome: {
        ...base,
        facility: source.facility,
        ackCode,
        duplicate: false,
        reusedControlId: false,
        recordCount: 0,
        errorCodes: [errors[0]!.code],
      },
    };
  }
}

/**
 * Archive first: if even the raw bytes cannot be kept, nothing is accepted
 * (AE, the sender retries) — a message we answer is never one we lost.
 */
export async function ingestHl7(
  body: Uint8Array,
  receivedAt: Date,
  ports: IngestPorts,
  settings: IngestSettings,
): Promise<IngestResult> {
  const receivedAtIso = receivedAt.toISOString();
  const read = oneMessageOrBatch(readHl7(body, { maxBytes: settings.maxMessageBytes }));
  const first = read.messages[0];
  const firstHeader = first?.ok ? first.message.header : first?.header;
  let archiveKey: string;
  try {
    archiveKey = await ports.archiveRawMessage({
      bytes: body,
      receivedAt: receivedAtIso,
      facility: firstHeader?.sendingFacility,
      controlId: firstHeader?.controlId,
      outcome: archiveOutcomeOf(read.messages),
    });
  } catch (error: unknown) {
    const errors = [
      applicationError(`raw message archive unavailable (${describeError(error)}); retry later`),
    ];
    const acks = read.messages.map((message) => buildAck(message, { code: 'AE', errors }, receivedAt));
    const messages = read.messages.map(
      (message): MessageOutcome => ({
        ackCode: 'AE',
        controlId: message.ok ? message.message.header.controlId : message.header?.controlId,
        duplicate: false,
        reusedControlId: false,
        recordCount: 0,
        errorCodes: [errorCodes.applicationInternalError],
      }),
    );
    return answer(read, acks, messages, receivedAt);
  }

  // Messages of a batch are stored in order: a later one may depend on an earlier one (same patient).
  const acks: string[] = [];
  const messages: MessageOutcome[] = [];
  for (const message of read.messages) {
    const { ack, outcome } = await ingestOne(message, receivedAtIso, archiveKey, ports, settings);
    acks.push(ack);
    messages.push(outcome);
  }
  return { ...answer(read, acks, messages, receivedAt), archiveKey };
}

/**
 * The response: the ACK (a batch: the batch of ACKs) and the HTTP status of
 * its worst MSA-1, derived from the same outcomes so the two cannot differ.
 * An empty batch holds nothing to refuse: 200.
 */
function answer(
  read: ReadResult,
  acks: string[],
  messages: MessageOutcome[],
  receivedAt: Date,
): Omit<IngestResult, 'archiveKey'> {
  const worst = messages.reduce<AckCode>(
    (current, outcome) => (ackRank[outcome.ackCode] > ackRank[current] ? outcome.ackCode : current),
    'AA',
  );
  return {
    httpStatus: statusByAck[worst],
    ack: read.batch === undefined ? (acks[0] ?? '') : buildBatchAck(acks, read, receivedAt),
    messages,
  };
}

/**
 * A body is one message (MLLP framing optional) or one FHS/BHS batch. More
 * than one message outside a batch envelope (bytes after the MLLP end block,
 * a second frame, a framed message inside a segment, two messages run
 * together) cannot be answered with one ACK that speaks for all of it, so the
 * body is rejected whole: nothing of it is stored, and the one ACK (addressed
 * to the first message with a header) says what to send instead.
 */
function oneMessageOrBatch(read: ReadResult): ReadResult {
  if (read.batch !== undefined || read.messages.length <= 1) return read;
  const addressed = read.messages.find((message) => message.ok || message.header !== undefined);
  const rejection: MessageReadResult = {
    ok: false,
    text: '',
    errors: [
      {
        ackCode: 'AR',
        code: errorCodes.segmentSequenceError,
        severity: 'F',
        segment: 'MSH',
        sequence: 1,
        text:
          `The body holds ${read.messages.length} messages or fragments outside an FHS/BHS batch ` +
          '(bytes after the MLLP end block, a second frame or a message inside a segment); ' +
          'send one message per request, or a batch',
      },
    ],
  };
  if (addressed?.ok) {
    rejection.header = addressed.message.header;
    rejection.delimiters = addressed.message.delimiters;
  } else if (addressed !== undefined) {
    if (addressed.header !== undefined) rejection.header = addressed.header;
    if (addressed.delimiters !== undefined) rejection.delimiters = addressed.delimiters;
  }
  return { messages: [rejection] };
}

/** The archive is written before storage, so it records what reading alone decided. */
function archiveOutcomeOf(messages: readonly MessageReadResult[]): ArchiveOutcome {
  return messages.some((message) => !message.ok) ? 'AR' : 'received';
}
