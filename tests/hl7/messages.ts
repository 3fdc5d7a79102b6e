/**
 * Small factories for test messages (synthetic patients only), written as
 * literal ER7 so each test shows the bytes it sends.
 */

export interface OruOptions {
  /** MSH-9, as sent. */
  type?: string;
  /** MSH-10. */
  controlId?: string;
  /** MSH-12. */
  version?: string;
  /** MSH-18. */
  characterSet?: string;
  /** Segments after MSH, without terminators. */
  body?: string[];
  terminator?: string;
}

export const defaultBody = [
  'PID|1||100234^^^NDC^MR||Testpatient^Alex^^^^^L||19600101|F',
  'OBR|1|PLC1|FIL1|24362-6^Renal function panel^LN|||20260726184414-0500',
  'OBX|1|NM|17861-6^Calcium [Mass/volume] in Serum or Plasma^LN||7.2|mg/dL^mg/dL^UCUM|8.4-10.2|LL|||F|||20260726184414-0500',
];

export function mshLine(options: OruOptions = {}): string {
  const fields = [
    'MSH',
    '^~\\&',
    'LAB^2.16.840.1.113883.19.4.6^ISO',
    'CENTRAL LAB',
    'DIALYSIS_INGEST',
    'NORTHSIDE DIALYSIS',
    '20260726211114-0500',
    '',
    options.type ?? 'ORU^R01^ORU_R01',
    options.controlId ?? 'LAB1001',
    'P',
    options.version ?? '2.5.1',
    '',
    '',
    'AL',
    'NE',
    '',
    options.characterSet ?? '',
  ];
  while (fields[fields.length - 1] === '') fields.pop();
  return fields.join('|');
}

/** An ORU^R01 with one calcium result, CR-terminated unless told otherwise. */
export function oruMessage(options: OruOptions = {}): string {
  const terminator = options.terminator ?? '\r';
  return [mshLine(options), ...(options.body ?? defaultBody)].map((line) => line + terminator).join('');
}
