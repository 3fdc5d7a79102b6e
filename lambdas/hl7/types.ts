/**
 * The public shapes of the HL7 v2 (ER7) reader. Pure types: the reader, the
 * ACK builder and every consumer (message model, ingest handler) share them.
 */

/** The five (v2.7+: six) delimiters a message declares in MSH-1 and MSH-2. */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** v2.7 truncation character, the optional fifth character of MSH-2 (usually `#`). */
  truncation?: string;
}

export interface Hl7Segment {
  readonly name: string;
  /** Number of fields up to the last non-empty one (trailing empty fields are not counted). */
  readonly fieldCount: number;
  /**
   * Unescaped value; 1-based field/component/subcomponent/repetition as in the spec; '' when absent.
   * MSH-1 is the field separator, MSH-2 the encoding characters (both as sent). Field 0 is the segment name.
   */
  value(field: number, component?: number, subcomponent?: number, repetition?: number): string;
  /** All repetitions of a field, each a list of components, each a list of subcomponents, unescaped. [] when empty. */
  repetitions(field: number): string[][][];
  /** The field as sent (still escaped). */
  raw(field: number): string;
}

/**
 * What MSH says about a message. The four application/facility fields are raw
 * (escaped, all components) so an ACK can swap them unchanged; the others are
 * unescaped values: `processingId` is MSH-11 as sent (it is echoed whole).
 */
export interface Hl7Header {
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  /** MSH-10. */
  controlId: string;
  /** MSH-9.1, e.g. `ORU`. */
  messageCode: string;
  /** MSH-9.2, e.g. `R01`. */
  triggerEvent: string;
  /** MSH-9.3, e.g. `ORU_R01` (often empty before v2.3.1). */
  messageStructure: string;
  /** MSH-11 as sent, e.g. `P`. */
  processingId: string;
  /** MSH-12.1, e.g. `2.5.1`. */
  version: string;
  /** MSH-18 first repetition, e.g. `UNICODE UTF-8`; '' when absent. */
  characterSet: string;
  /** MSH-7.1 as sent, for parseHl7Timestamp. */
  sentAtRaw: string;
}

export interface Hl7Message {
  readonly delimiters: Delimiters;
  readonly segments: readonly Hl7Segment[];
  /** The message as received (without MLLP framing or batch envelope), terminators untouched. */
  readonly text: string;
  readonly header: Hl7Header;
  /** First segment with that name. */
  segment(name: string): Hl7Segment | undefined;
  /** Every segment with that name, in message order. */
  segmentsNamed(name: string): Hl7Segment[];
}

/** One problem found in a message, shaped for an ERR segment (HL7 table 0357 codes). */
export interface Hl7Error {
  ackCode: 'AR' | 'AE';
  /** HL7 table 0357 code, e.g. `101`. */
  code: string;
  /** `F` when nothing of the message could be used, `E` otherwise. */
  severity: 'E' | 'F';
  segment: string;
  /** Occurrence of that segment, 1-based. */
  sequence: number;
  field?: number;
  component?: number;
  text: string;
}

export type MessageReadResult =
  | { ok: true; message: Hl7Message }
  | { ok: false; errors: Hl7Error[]; text: string; header?: Partial<Hl7Header>; delimiters?: Delimiters };

export interface BatchEnvelope {
  /** The first envelope segment as sent: the FHS line, or the BHS line when there is no FHS. */
  header: string;
  /** Messages the trailer(s) declare: the sum of BTS-1 over the batches; absent when no BTS carries a count. */
  trailerCount?: number;
  /** The FHS line as sent, when there is one. */
  fileHeader?: string;
  /** The (first) BHS line as sent, when there is one. */
  batchHeader?: string;
}

export interface ReadResult {
  messages: MessageReadResult[];
  /** Present when the input was an FHS/BHS batch. */
  batch?: BatchEnvelope;
}

export interface ReadOptions {
  /** Largest accepted input in bytes (UTF-8 length for a string); default `maxMessageBytesLimit` (4 MiB). */
  maxBytes?: number;
}
