/**
 * HL7 v2 (ER7) reading, validation and acknowledgement: the pure core of
 * ingest. No AWS, no I/O.
 */
export type { AckOutcome } from './ack.js';
export { buildAck, buildBatchAck, formatHl7Time } from './ack.js';
export { messageContentHash } from './content-hash.js';
export { encodeMessage } from './encode.js';
export type { ErrorCode } from './error-codes.js';
export { errorCodes, errorCodeText } from './error-codes.js';
export { defaultDelimiters } from './header.js';
export { maxMessageBytesLimit, readHl7 } from './read.js';
export type { TimestampReading } from './timestamp.js';
export { parseHl7Timestamp } from './timestamp.js';
export type {
  BatchEnvelope,
  Delimiters,
  Hl7Error,
  Hl7Header,
  Hl7Message,
  Hl7Segment,
  MessageReadResult,
  ReadOptions,
  ReadResult,
} from './types.js';
export {
  adtMergeEvents,
  isSupportedVersion,
  type SupportedMessageCode,
  supportedEventsOf,
  supportedMessageTypes,
  unsupportedEventText,
} from './validate.js';
