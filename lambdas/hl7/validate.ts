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

/**
 * ADT events whose PID is the patient as they are now: admit, transfer,
 * discharge, registration, updates, cancellations, leave of absence, account
 * and visit changes. Each is stored (raw message, patient profile, DG1
 * diagnoses when sent) and acknowledged AA, although the rules read only the
 * diagnoses. Deletions (A23, A29) remove nothing here: no record is keyed by visit.
 */
const adtPatientEvents = [
  ...['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A07', 'A08', 'A09', 'A10', 'A11', 'A12', 'A13'],
  ...['A14', 'A15', 'A16', 'A21', 'A22', 'A23', 'A25', 'A26', 'A27', 'A28', 'A29', 'A31', 'A32'],
  ...['A33', 'A35', 'A38', 'A41', 'A42', 'A49', 'A50', 'A51', 'A52', 'A53', 'A54', 'A55', 'A60'],
  ...['A61', 'A62'],
] as const;

/**
 * Patient merges: everything stored under the prior identifier (MRG-1) moves to the surviving
 * one (PID-3). A18 is the v2.3 "merge patient information", kept where senders still use it.
 */
export const adtMergeEvents: ReadonlySet<string> = new Set(['A40', 'A34', 'A18']);

/**
 * Other ADT events that change whom records belong to (swap, link, move, identifier change).
 * Reading their PID as a plain update would file the patient's records under the wrong
 * identifier, so they are answered AR 201.
 */
export const adtIdentityEvents: ReadonlySet<string> = new Set([
  ...['A17', 'A24', 'A30', 'A36', 'A37', 'A39', 'A43', 'A44', 'A45', 'A46', 'A47', 'A48'],
]);

/**
 * Message types and trigger events the pipeline stores (results, pharmacy,
 * ADT). v2.3 pharmacy messages carry event O01 (RDE_O01, RDS_O01, RAS_O01);
 * v2.4 renumbered them O11, O13 and O17 with the same segments.
 */
export const supportedMessageTypes = {
  ORU: ['R01'],
  RDE: ['O11', 'O01'],
  RDS: ['O13', 'O01'],
  RAS: ['O17', 'O01'],
  OMP: ['O09'],
  ADT: [...adtPatientEvents, ...adtMergeEvents],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type SupportedMessageCode = keyof typeof supportedMessageTypes;

/** The events accepted for a message code (MSH-9.1), or undefined when the type is not accepted. */
export function supportedEventsOf(messageCode: string): readonly string[] | undefined {
  return Object.hasOwn(supportedMessageTypes, messageCode)
    ? supportedMessageTypes[messageCode as SupportedMessageCode]
    : undefined;
}

/** Why an event of a supported type is refused, for ERR-8. */
export function unsupportedEventText(messageCode: string, triggerEvent: string): string {
  if (messageCode === 'ADT' && adtIdentityEvents.has(triggerEvent)) {
    return `Event ADT^${triggerEvent} changes which identifier a patient's records belong to (merge, link, move or identifier change); it is not applied here`;
  }
  const events = supportedEventsOf(messageCode) ?? [];
  return `Event ${messageCode}^${triggerEvent} is not accepted here (accepted: ${events.join(', ')})`;
}

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
    const triggers = supportedEventsOf(header.messageCode);
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
          unsupportedEventText(header.messageCode, header.triggerEvent),
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
