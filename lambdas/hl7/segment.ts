/**
 * One segment, split into fields only when first asked and into
 * repetitions/components/subcomponents per request: most consumers read a
 * handful of fields of a few segments, so eager splitting would be wasted.
 */
import { unescapeText } from './escape.js';
import type { Delimiters, Hl7Segment } from './types.js';

/** Segments whose field 1 is the field separator itself and field 2 the encoding characters. */
export function isHeaderSegmentName(name: string): boolean {
  return name === 'MSH' || name === 'FHS' || name === 'BHS';
}

const isPosition = (n: number): boolean => Number.isInteger(n) && n >= 1;

/**
 * What every segment of one message shares: its delimiters (also as char
 * codes for the scanning loops) and the character set hex escapes decode in.
 */
export class Syntax {
  readonly delimiters: Delimiters;
  readonly characterSet: string;
  readonly fieldCode: number;
  readonly componentCode: number;
  readonly repetitionCode: number;
  readonly escapeCode: number;
  readonly subcomponentCode: number;

  constructor(delimiters: Delimiters, characterSet: string) {
    this.delimiters = delimiters;
    this.characterSet = characterSet;
    this.fieldCode = delimiters.field.charCodeAt(0);
    this.componentCode = delimiters.component.charCodeAt(0);
    this.repetitionCode = delimiters.repetition.charCodeAt(0);
    this.escapeCode = delimiters.escape.charCodeAt(0);
    this.subcomponentCode = delimiters.subcomponent.charCodeAt(0);
  }
}

/** The index-th (1-based) piece of text between separators, without building an array. */
function nth(text: string, separator: string, index: number): string | undefined {
  let start = 0;
  for (let i = 1; i < index; i++) {
    const next = text.indexOf(separator, start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const end = text.indexOf(separator, start);
  return end === -1 ? (start === 0 ? text : text.slice(start)) : text.slice(start, end);
}

export class ParsedSegment implements Hl7Segment {
  readonly name: string;
  private readonly line: string;
  private readonly syntax: Syntax;
  private readonly isHeader: boolean;
  /** Offsets of the field separators found so far; scanning stops at the highest field asked for. */
  private separators: number[] | undefined;
  private scanned: number;
  /** End offset of the part last located (see locate). */
  private partEnd: number;

  constructor(line: string, syntax: Syntax) {
    this.line = line;
    this.name = line.slice(0, 3);
    this.syntax = syntax;
    this.isHeader = isHeaderSegmentName(this.name);
    this.separators = undefined;
    this.scanned = 0;
    this.partEnd = 0;
  }

  /**
   * Where part p of the line split on the field separator starts (part 0 is
   * the name; for MSH part 1 is MSH-2, so MSH-n is part n - 1), or -1 when
   * the line has fewer parts; it ends at partEnd. Nothing is sliced.
   */
  private locate(p: number): number {
    const line = this.line;
    let separators = this.separators;
    if (separators === undefined) {
      separators = [];
      this.separators = separators;
    }
    while (separators.length <= p && this.scanned !== -1) {
      const next = line.indexOf(this.syntax.delimiters.field, this.scanned);
      if (next === -1) {
        this.scanned = -1;
      } else {
        separators.push(next);
        this.scanned = next + 1;
      }
    }
    // Bounds are checked before indexing: an out-of-bounds read is a slow path in V8.
    const count = separators.length;
    if (p > count) return -1;
    this.partEnd = p < count ? separators[p]! : line.length;
    return p === 0 ? 0 : separators[p - 1]! + 1;
  }

  /** The line part holding field n (MSH-1 excluded), or -1 for a field that cannot exist. */
  private partOf(field: number): number {
    if (!isPosition(field)) return -1;
    return this.isHeader ? field - 1 : field;
  }

  get fieldCount(): number {
    this.locate(Number.MAX_SAFE_INTEGER);
    let last = this.separators?.length ?? 0;
    while (last > 0) {
      const start = this.locate(last);
      if (start !== this.partEnd) break; // a non-empty part
      last--;
    }
    return this.isHeader ? last + 1 : last;
  }

  raw(field: number): string {
    if (field === 0) return this.name;
    if (this.isHeader && field === 1) return this.syntax.delimiters.field;
    const p = this.partOf(field);
    const start = p < 0 ? -1 : this.locate(p);
    return start < 0 ? '' : this.line.slice(start, this.partEnd);
  }

  value(field: number, component = 1, subcomponent = 1, repetition = 1): string {
    const first = component === 1 && subcomponent === 1 && repetition === 1;
    if (field === 0 || (this.isHeader && field <= 2)) {
      // The name and the delimiters themselves: never split or unescaped.
      return first ? this.raw(field) : '';
    }
    const p = this.partOf(field);
    const start = p < 0 ? -1 : this.locate(p);
    if (start < 0) return '';
    if (first) return this.firstPiece(start, this.partEnd);
    if (!isPosition(component) || !isPosition(subcomponent) || !isPosition(repetition)) return '';
    const d = this.syntax.delimiters;
    const rep = nth(this.line.slice(start, this.partEnd), d.repetition, repetition);
    if (rep === undefined) return '';
    const comp = nth(rep, d.component, component);
    if (comp === undefined) return '';
    const sub = nth(comp, d.subcomponent, subcomponent);
    if (sub === undefined) return '';
    return unescapeText(sub, d, this.syntax.characterSet);
  }

  /**
   * The first subcomponent of the first component of the first repetition
   * of the field at line[start, end): the most read position, found in one
   * pass over the line without slicing the field first.
   */
  private firstPiece(start: number, end: number): string {
    const line = this.line;
    const syntax = this.syntax;
    const repetition = syntax.repetitionCode;
    const component = syntax.componentCode;
    const subcomponent = syntax.subcomponentCode;
    const escapeCode = syntax.escapeCode;
    let escaped = false;
    let stop = end;
    for (let i = start; i < end; i++) {
      const code = line.charCodeAt(i);
      if (code === repetition || code === component || code === subcomponent) {
        stop = i;
        break;
      }
      if (code === escapeCode) escaped = true;
    }
    const piece = line.slice(start, stop);
    return escaped ? unescapeText(piece, syntax.delimiters, syntax.characterSet) : piece;
  }

  repetitions(field: number): string[][][] {
    const raw = this.raw(field);
    if (raw === '') return [];
    if (field === 0 || (this.isHeader && field <= 2)) return [[[raw]]];
    const { delimiters: d, characterSet } = this.syntax;
    return raw
      .split(d.repetition)
      .map((rep) =>
        rep
          .split(d.component)
          .map((comp) => comp.split(d.subcomponent).map((sub) => unescapeText(sub, d, characterSet))),
      );
  }
}
