/**
 * HL7 table 0357 (message error condition codes): the subset this reader
 * answers with, and the text an ERR-3 carries next to each code.
 */
export const errorCodes = {
  segmentSequenceError: '100',
  requiredFieldMissing: '101',
  dataTypeError: '102',
  tableValueNotFound: '103',
  valueTooLong: '104',
  unsupportedMessageType: '200',
  unsupportedEventCode: '201',
  unsupportedVersionId: '203',
  applicationInternalError: '207',
} as const;

export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

const table0357Text: Record<string, string> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '104': 'Value too long',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

/** The table's own wording for a code ('' for a code outside table 0357). */
export function errorCodeText(code: string): string {
  return table0357Text[code] ?? '';
}
