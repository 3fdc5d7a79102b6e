/**
 * The correctness corpus (tests/fixtures/hl7/corpus-cases.json, synthetic):
 * its case shape and the extraction of the same values from a read message,
 * so a reader's output can be compared with the expectations field by field.
 */
import { readFileSync } from 'node:fs';
import type { Hl7Segment } from '../../lambdas/hl7/index.js';
import { parseHl7Timestamp } from '../../lambdas/hl7/index.js';

/** A value that may legitimately be read in several ways (FT formatting commands). */
export interface AnyOf {
  anyOf: string[];
}
export type Expected = string | AnyOf;

export interface ExpectedObx {
  code: string;
  value: Expected[][];
  units: string;
  range: string;
  flags: string[];
  status: string;
  time: { raw: string; iso?: string };
}

export interface ExpectedMessage {
  msh9: string[];
  msh10: string;
  msh12: string;
  pid3: { id: string; authNs: string; authOid: string; idType: string }[];
  pid5: { family: string; given: string }[];
  pid8: string;
  obx: ExpectedObx[];
  nte: string[];
  rxe: { code: string; name: string; system: string }[];
  rxa: { code: string; name: string; system: string }[];
  z: { name: string; f2: string; f6: string }[];
  sendingApp: string;
  sendingFac: string;
  receivingApp: string;
  receivingFac: string;
}

export interface CorpusCase {
  id: string;
  description: string;
  tags: string[];
  input: string;
  expected: { messages: ExpectedMessage[] };
}

export const corpus: CorpusCase[] = JSON.parse(
  readFileSync(new URL('../fixtures/hl7/corpus-cases.json', import.meta.url), 'utf8'),
) as CorpusCase[];

/** The minimal segment view both our reader and an adapter over the peer library provide. */
export interface SegmentView {
  name: string;
  value(field: number, component?: number, subcomponent?: number, repetition?: number): string;
  /** Number of repetitions of a field (0 when empty). */
  repetitionCount(field: number): number;
  /** Number of components of one repetition of a field. */
  componentCount(field: number, repetition: number): number;
}

export function viewOf(segment: Hl7Segment): SegmentView {
  return {
    name: segment.name,
    value: (field, component, subcomponent, repetition) =>
      segment.value(field, component, subcomponent, repetition),
    repetitionCount: (field) => segment.repetitions(field).length,
    componentCount: (field, repetition) => segment.repetitions(field)[repetition - 1]?.length ?? 0,
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Reads from segments what the corpus expects, in the corpus's shape. Times
 * carry an ISO value only when the raw value parses (the corpus leaves it out
 * for an absent OBX-14).
 */
export function extract(segments: SegmentView[]): ExpectedMessage {
  const named = (name: string): SegmentView[] => segments.filter((s) => s.name === name);
  const msh = named('MSH')[0]!;
  const pid = named('PID')[0]!;
  const coded = (s: SegmentView, field: number) => ({
    code: s.value(field, 1),
    name: s.value(field, 2),
    system: s.value(field, 3),
  });
  return {
    msh9: [msh.value(9, 1), msh.value(9, 2), msh.value(9, 3)],
    msh10: msh.value(10),
    msh12: msh.value(12),
    pid3: range(pid.repetitionCount(3)).map((r) => ({
      id: pid.value(3, 1, 1, r),
      authNs: pid.value(3, 4, 1, r),
      authOid: pid.value(3, 4, 2, r),
      idType: pid.value(3, 5, 1, r),
    })),
    pid5: range(pid.repetitionCount(5)).map((r) => ({
      family: pid.value(5, 1, 1, r),
      given: pid.value(5, 2, 1, r),
    })),
    pid8: pid.value(8),
    obx: named('OBX').map((s) => {
      const raw = s.value(14, 1);
      const time = parseHl7Timestamp(raw, 'UTC');
      return {
        code: s.value(3, 1),
        value: range(s.repetitionCount(5)).map((r) =>
          range(s.componentCount(5, r)).map((c) => s.value(5, c, 1, r)),
        ),
        units: s.value(6, 1),
        range: s.value(7),
        flags: range(s.repetitionCount(8)).map((r) => s.value(8, 1, 1, r)),
        status: s.value(11),
        time: time.ok ? { raw, iso: time.iso } : { raw },
      };
    }),
    nte: named('NTE').map((s) => s.value(3)),
    rxe: named('RXE').map((s) => coded(s, 2)),
    rxa: named('RXA').map((s) => coded(s, 5)),
    z: segments
      .filter((s) => s.name.startsWith('Z'))
      .map((s) => ({ name: s.name, f2: s.value(2), f6: s.value(6) })),
    sendingApp: msh.value(3, 1),
    sendingFac: msh.value(4, 1),
    receivingApp: msh.value(5, 1),
    receivingFac: msh.value(6, 1),
  };
}

/** The expectation with every `anyOf` replaced by the actual value when that value is one of the options. */
export function resolveAnyOf(expected: unknown, actual: unknown): unknown {
  if (expected !== null && typeof expected === 'object' && 'anyOf' in expected) {
    const options = (expected as AnyOf).anyOf;
    return typeof actual === 'string' && options.includes(actual) ? actual : expected;
  }
  if (Array.isArray(expected)) {
    return expected.map((item, i) => resolveAnyOf(item, Array.isArray(actual) ? actual[i] : undefined));
  }
  if (expected !== null && typeof expected === 'object') {
    const record = actual !== null && typeof actual === 'object' ? (actual as Record<string, unknown>) : {};
    return Object.fromEntries(
      Object.entries(expected).map(([key, value]) => [key, resolveAnyOf(value, record[key])]),
    );
  }
  return expected;
}
