/**
 * What a message must carry before we accept it (answered AR otherwise):
 * MSH-9 of a supported type and event, MSH-10, a supported MSH-12 and a
 * character set Node can decode. Everything else is read leniently; the
 * message model decides what a missing clinical field means.
 */
import { decoderFor } from './charset.js';
import { errorCodes } from './error-codes.js';
import type { ParsedSegment } from './segment.js';
import type { Hl7Error, Hl7Header } from './types.js';

/** Message types and trigger events the pipeline stores (results, pharmacy, ADT with diagnoses). */
export const supportedMessageTypes: Readonly<Record<string, readonly string[]>> = {
  ORU: ['R01'],
  RDE: ['O11'],
  RDS: ['O13'],
  RAS: ['O17'],
  OMP: ['O09'],
  ADT: ['A01', 'A04', 'A08', 'A28', 'A31'],
};

/**
 * HL7 v2.3 up to v2.8.x: the versions whose ORU/RDE/RAS/ADT segments we read
 * the same way. 2.1/2.2 lack the fields we rely on (e.g. OBX-14 precision,
 * PID-3 assigning authority as used here); 2.9 and later are untested.
 */
const supportedVersions = new Set(['2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8']);

export function isSupportedVersion(version: string): boolean {
  return supportedVersions.has(version) || /^2\.8\.\d+$/.test(version);
}

function headerError(code: string, field: number, component: number | undefined, text: string): Hl7Error {
  const error: Hl7Error = { ackCode: 'AR', code, severity: 'E', segment: 'MSH', sequence: 1, field, text };
  if (component !== undefined) error.component = component;
  return error;
}

export function validateHeader(msh: ParsedSegment, header: Hl7Header): Hl7Error[] {
  const errors: Hl7Error[] = [];
  if (msh.raw(9) === '') {
    errors.push(headerError(errorCodes.requiredFieldMissing, 9, undefined, 'MSH-9 message type is missing'));
  } else if (header.messageCode === '') {
    errors.push(headerError(errorCodes.requiredFieldMissing, 9, 1, 'MSH-9.1 message code is missing'));
  } else {
    const triggers = supportedMessageTypes[header.messageCode];
    if (triggers === undefined) {
      errors.push(
        headerError(
          errorCodes.unsupportedMessageType,
          9,
          1,
          `Message type ${header.messageCode} is not accepted here (accepted: ${Object.keys(supportedMessageTypes).join(', ')})`,
        ),
      );
    } else if (header.triggerEvent === '') {
      errors.push(headerError(errorCodes.requiredFieldMissing, 9, 2, 'MSH-9.2 trigger event is missing'));
    } else if (!triggers.includes(header.triggerEvent)) {
      errors.push(
        headerError(
          errorCodes.unsupportedEventCode,
          9,
          2,
          `Event ${header.messageCode}^${header.triggerEvent} is not accepted here (accepted: ${triggers.join(', ')})`,
        ),
      );
    }
  }
  if (header.controlId === '') {
    errors.push(
      headerError(errorCodes.requiredFieldMissing, 10, undefined, 'MSH-10 message control id is missing'),
    );
  }
  if (header.version === '') {
    errors.push(headerError(errorCodes.requiredFieldMissing, 12, undefined, 'MSH-12 version id is missing'));
  } else if (!isSupportedVersion(header.version)) {
    errors.push(
      headerError(
        errorCodes.unsupportedVersionId,
        12,
        1,
        `HL7 version ${header.version} is not supported (2.3 to 2.8.x are)`,
      ),
    );
  }
  if (header.characterSet !== '' && decoderFor(header.characterSet) === undefined) {
    errors.push(
      headerError(
        errorCodes.tableValueNotFound,
        18,
        undefined,
        `MSH-18 character set ${header.characterSet} cannot be decoded`,
      ),
    );
  }
  return errors;
}
