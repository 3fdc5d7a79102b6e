/** Small readers for HL7 data types the message model uses (CWE/CE, HD, TS), over the reader's segments. */
import type { Hl7Segment } from '../hl7/index.js';

/** A coded element: first triplet and alternate triplet (CE / CWE components 1-6). */
export interface CodedValue {
  code: string;
  text: string;
  system: string;
  alternateCode: string;
  alternateText: string;
  alternateSystem: string;
}

export function codedValue(segment: Hl7Segment, field: number): CodedValue {
  const part = (component: number): string => segment.value(field, component).trim();
  return {
    code: part(1),
    text: part(2),
    system: part(3),
    alternateCode: part(4),
    alternateText: part(5),
    alternateSystem: part(6),
  };
}

/** First component, trimmed: the identifier of an EI/CX/HD, the time of a TS. */
export function first(segment: Hl7Segment | undefined, field: number): string {
  return segment === undefined ? '' : segment.value(field, 1).trim();
}

/** One repetition's components, subcomponents joined with `&`. */
function joinComponents(repetition: string[][]): string[] {
  return repetition.map((component) => component.join('&'));
}

/** Every repetition of a field, as components (subcomponents joined with `&`). */
export function componentsOf(segment: Hl7Segment, field: number): string[][] {
  return segment.repetitions(field).map(joinComponents);
}

/** A field as text: repetitions joined with `~`, components with `^`, subcomponents with `&`. */
export function fieldText(segment: Hl7Segment, field: number): string {
  return componentsOf(segment, field)
    .map((components) => components.join('^'))
    .join('~');
}

/** The first repetition's components joined with `^`, trailing empty components (and subcomponents) dropped. */
export function compactFirstRepetition(segment: Hl7Segment, field: number): string {
  const repetition = segment.repetitions(field)[0] ?? [];
  const components = repetition.map((component) => trimTrailingEmpty(component).join('&'));
  return trimTrailingEmpty(components).join('^');
}

function trimTrailingEmpty(parts: string[]): string[] {
  let end = parts.length;
  while (end > 0 && (parts[end - 1] ?? '') === '') end -= 1;
  return parts.slice(0, end);
}

/** A segment with its occurrence among segments of the same name (1-based), as ERR-2 counts it. */
export interface PlacedSegment {
  segment: Hl7Segment;
  sequence: number;
}

/** Every segment in message order, each with its occurrence number. */
export function placedSegments(segments: readonly Hl7Segment[]): PlacedSegment[] {
  const seen = new Map<string, number>();
  return segments.map((segment) => {
    const sequence = (seen.get(segment.name) ?? 0) + 1;
    seen.set(segment.name, sequence);
    return { segment, sequence };
  });
}
