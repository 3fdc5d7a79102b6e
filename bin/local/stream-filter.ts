/**
 * Lambda event filtering for stream records, the subset the stack uses:
 * nested objects, lists of exact values, and `{ prefix }` / `{ exists }`.
 * A record passes a pattern when every key matches; it passes a filter list
 * when any pattern does (as in FilterCriteria). Anything else is refused at
 * start-up rather than silently mismatching Lambda.
 */
import type { DynamoDBRecord } from 'aws-lambda';

export type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterValue[] };
export type FilterValue =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly exists: boolean };

export type StreamRecordFilter =
  | FilterPattern
  | readonly FilterPattern[]
  | ((record: DynamoDBRecord) => boolean);

export class UnsupportedFilterError extends Error {
  constructor(detail: string) {
    super(`Unsupported filter pattern: ${detail}`);
    this.name = 'UnsupportedFilterError';
  }
}

function checkPattern(pattern: FilterPattern, path: string): void {
  for (const [key, rule] of Object.entries(pattern)) {
    if (Array.isArray(rule)) {
      for (const value of rule as readonly FilterValue[]) {
        if (typeof value === 'object' && value !== null) {
          const keys = Object.keys(value);
          if (keys.length !== 1 || (keys[0] !== 'prefix' && keys[0] !== 'exists')) {
            throw new UnsupportedFilterError(`${path}${key}: ${JSON.stringify(value)}`);
          }
        }
      }
    } else if (typeof rule === 'object' && rule !== null) {
      checkPattern(rule as FilterPattern, `${path}${key}.`);
    } else {
      throw new UnsupportedFilterError(`${path}${key} must be a list or an object`);
    }
  }
}

function valueMatches(actual: unknown, allowed: FilterValue, present: boolean): boolean {
  if (typeof allowed === 'object' && allowed !== null) {
    if ('exists' in allowed) return allowed.exists === present;
    return typeof actual === 'string' && actual.startsWith(allowed.prefix);
  }
  return present && actual === allowed;
}

function matches(value: unknown, pattern: FilterPattern): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const container = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    const present = key in container && container[key] !== undefined;
    const actual = container[key];
    if (Array.isArray(rule)) {
      return (rule as readonly FilterValue[]).some((allowed) => valueMatches(actual, allowed, present));
    }
    // An absent object matches only leaves that ask for absence (`{ exists: false }`), as in Lambda.
    return matches(present ? actual : {}, rule as FilterPattern);
  });
}

/** Compiles a filter (validated once) into a predicate over Lambda-shaped records. */
export function compileFilter(filter: StreamRecordFilter | undefined): (record: DynamoDBRecord) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'function') return filter;
  const patterns: readonly FilterPattern[] = Array.isArray(filter) ? filter : [filter as FilterPattern];
  for (const pattern of patterns) checkPattern(pattern, '');
  return (record) => patterns.some((pattern) => matches(record, pattern));
}
