/**
 * Reading an OBX-5 value as a number (clinical-rules.md, "Values"). Only what
 * is unambiguous is read: a comma decimal (`7,1`), a range or free text is
 * reported as unreadable, never guessed.
 */
import type { Comparator } from '../domain/records.js';

export type ValueReading =
  | { ok: true; value: number; comparator?: Comparator }
  | { ok: false; reason: string };

// A plain decimal: optional sign, digits with an optional fraction, or a bare fraction (`.5`).
const decimalPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
// ST text: an optional comparator, optional spaces, then a decimal.
const comparedDecimalPattern = /^(<=|>=|<|>)?\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))$/;

function readDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  return decimalPattern.test(trimmed) ? Number(trimmed) : undefined;
}

function describe(text: string): string {
  return text === '' ? 'the value is empty' : `'${text}' is not a decimal number`;
}

function readNumeric(text: string): ValueReading {
  const value = readDecimal(text);
  return value === undefined ? { ok: false, reason: describe(text.trim()) } : { ok: true, value };
}

function readStringValue(text: string): ValueReading {
  const match = comparedDecimalPattern.exec(text.trim());
  if (match === null) return { ok: false, reason: describe(text.trim()) };
  const [, comparator, number] = match;
  const value = Number(number);
  return comparator === undefined
    ? { ok: true, value }
    : { ok: true, value, comparator: comparator as Comparator };
}

const snComparators: Readonly<Record<string, Comparator | null>> = {
  '': null,
  '=': null,
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
};

/** SN: comparator ^ number ^ separator/suffix ^ number. Only a single (compared) number is read. */
function readStructuredNumeric(components: readonly string[]): ValueReading {
  const [rawComparator = '', first = '', separator = '', second = ''] = components.map((c) => c.trim());
  if (components.length > 4 || separator !== '' || second !== '') {
    return {
      ok: false,
      reason: `structured value '${components.join('^')}' is a range or ratio, not one number`,
    };
  }
  const comparator = snComparators[rawComparator];
  if (comparator === undefined) {
    return { ok: false, reason: `comparator '${rawComparator}' is not one of <, >, <=, >=, =` };
  }
  const value = readDecimal(first);
  if (value === undefined) return { ok: false, reason: describe(first) };
  return comparator === null ? { ok: true, value } : { ok: true, value, comparator };
}

/**
 * Reads an observation value given its OBX-2 value type and the OBX-5
 * repetitions (each a list of components, already unescaped). `NM`, `SN` and
 * `ST` are read; other types, and several repetitions, are unreadable.
 * A plain string is taken as a single repetition (SN components split on `^`).
 */
export function readObservationValue(
  valueType: string,
  value: string | readonly (readonly string[])[],
): ValueReading {
  const type = valueType.trim().toUpperCase();
  const repetitions =
    typeof value === 'string'
      ? [type === 'SN' ? value.split('^') : [value]]
      : value.filter((r) => r.join('') !== '');
  if (repetitions.length > 1)
    return { ok: false, reason: `${repetitions.length} values sent where one is expected` };
  const components = repetitions[0] ?? [''];
  switch (type) {
    case 'NM':
      return readNumeric(components.join('^'));
    case 'ST':
      return readStringValue(components.join('^'));
    case 'SN':
      return readStructuredNumeric(components);
    case '':
      return { ok: false, reason: 'OBX-2 value type is missing' };
    default:
      return { ok: false, reason: `value type ${type} is not numeric` };
  }
}

/**
 * How many decimals the number in OBX-5 was written with (`1.80` → 2, `<2.0` → 1, `7` → 0), or
 * undefined when it holds no number: a value is shown with the precision the laboratory sent.
 */
export function sentDecimals(rawValue: string): number | undefined {
  const number = /(\d*)(?:\.(\d*))?/.exec(rawValue.replace(/^[^\d.]*/, ''));
  if (number === null || `${number[1]}${number[2] ?? ''}` === '') return undefined;
  return number[2]?.length ?? 0;
}
