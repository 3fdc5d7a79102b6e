/** HL7 timestamps to ISO UTC, with fallbacks: the first readable candidate wins. */
import { parseHl7Timestamp } from '../hl7/index.js';
import type { ProblemLocation, Problems } from './problems.js';

export interface TimeCandidate {
  /** The TS/DTM as sent (first component). */
  raw: string;
  at: ProblemLocation & { field: number };
}

export type TimeReading =
  | { kind: 'ok'; iso: string }
  | { kind: 'absent' }
  | { kind: 'unreadable'; reason: string };

/** Reads one timestamp as sent. */
export type TimeReader = (raw: string) => TimeReading;

/**
 * A reader for one message: no-offset times are read in the hospital's zone
 * (RulesConfig.timeZone). Readings are remembered for the message, because
 * its OBX segments usually repeat one collection time and a zone lookup is
 * the costliest step of modelling a result.
 */
export function timeReader(timeZone: string): TimeReader {
  const readings = new Map<string, TimeReading>();
  return (raw) => {
    const text = raw.trim();
    if (text === '') return { kind: 'absent' };
    let reading = readings.get(text);
    if (reading === undefined) {
      const parsed = parseHl7Timestamp(text, timeZone);
      reading = parsed.ok ? { kind: 'ok', iso: parsed.iso } : { kind: 'unreadable', reason: parsed.reason };
      readings.set(text, reading);
    }
    return reading;
  };
}

/** The ISO time when `raw` is a readable timestamp, else undefined (for optional times). */
export function optionalTime(raw: string, readTime: TimeReader): string | undefined {
  const reading = readTime(raw);
  return reading.kind === 'ok' ? reading.iso : undefined;
}

function label(at: TimeCandidate['at']): string {
  return `${at.segment}-${at.field}`;
}

/**
 * The first readable time among the candidates (e.g. OBX-14, then OBR-7).
 * When none is readable the problem is recorded: 102 on the first field that
 * was sent but could not be read, else 101 on the first candidate.
 */
export function requiredTime(
  candidates: readonly TimeCandidate[],
  readTime: TimeReader,
  problems: Problems,
  what: string,
): string | undefined {
  let unreadable: { candidate: TimeCandidate; reason: string } | undefined;
  for (const candidate of candidates) {
    const reading = readTime(candidate.raw);
    if (reading.kind === 'ok') return reading.iso;
    if (reading.kind === 'unreadable' && unreadable === undefined)
      unreadable = { candidate, reason: reading.reason };
  }
  const tried = candidates.map((c) => label(c.at)).join(', ');
  if (unreadable !== undefined) {
    problems.unreadable(
      unreadable.candidate.at,
      `${what}: ${label(unreadable.candidate.at)} is not a timestamp (${unreadable.reason}); no readable fallback among ${tried}`,
    );
  } else {
    const firstCandidate = candidates[0];
    if (firstCandidate !== undefined)
      problems.missing(firstCandidate.at, `${what}: none of ${tried} is sent`);
  }
  return undefined;
}
