/** What every part of the message model reads: the message, the hospital's config, where problems go. */
import type { RulesConfig } from '../config/rules-config.js';
import type { MessageSource } from '../domain/records.js';
import type { Hl7Message } from '../hl7/index.js';
import type { PlacedSegment } from './fields.js';
import type { Problems } from './problems.js';
import type { TimeReader } from './time.js';

export interface ModelContext {
  message: Hl7Message;
  config: RulesConfig;
  source: MessageSource;
  problems: Problems;
  /** The message's segments with their occurrence numbers, in order. */
  placed: readonly PlacedSegment[];
  /** Reads HL7 timestamps, no-offset ones in the hospital's zone. */
  readTime: TimeReader;
  /** MSH-7 as sent: the last fallback for order and diagnosis times. */
  sentAtRaw: string;
}
