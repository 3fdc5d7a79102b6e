/**
 * Structural problems that make a supported message unusable, collected as
 * HL7 errors (ERR segments) so the sender learns every one at once. Problems
 * with a single value (unit, number) are not rejections: they stay on the
 * record as `unitError` / `valueError`.
 */
import type { Hl7Error } from '../hl7/index.js';

export interface ProblemLocation {
  segment: string;
  /** Occurrence of the segment in the message, 1-based. */
  sequence: number;
  field?: number;
  component?: number;
}

export class Problems {
  readonly errors: Hl7Error[] = [];

  /** A required field or segment is missing (table 0357 code 101). */
  missing(at: ProblemLocation, text: string): void {
    this.add('101', 'E', at, text);
  }

  /** A value is present but cannot be read, e.g. a timestamp (code 102). */
  unreadable(at: ProblemLocation, text: string): void {
    this.add('102', 'E', at, text);
  }

  /** The message as a whole cannot be used (wrong type, segments out of place). */
  message(code: '100' | '101' | '200' | '201', at: ProblemLocation, text: string): void {
    this.add(code, 'F', at, text);
  }

  get any(): boolean {
    return this.errors.length > 0;
  }

  private add(code: string, severity: 'E' | 'F', at: ProblemLocation, text: string): void {
    const error: Hl7Error = {
      ackCode: 'AR',
      code,
      severity,
      segment: at.segment,
      sequence: at.sequence,
      text,
    };
    if (at.field !== undefined) error.field = at.field;
    if (at.component !== undefined) error.component = at.component;
    this.errors.push(error);
  }
}
