/**
 * Who a message is about (clinical-rules.md, "Who the rules apply to"):
 * the MRN is the PID-3 repetition typed `MR`, else the first; its namespace
 * is the assigning authority (PID-3.4.1), else the sending facility (MSH-4.1),
 * after the hospital's aliases.
 */
import type { PatientRef, Sex } from '../domain/records.js';
import type { Hl7Segment } from '../hl7/index.js';
import type { ModelContext } from './context.js';
import { compactFirstRepetition } from './fields.js';

interface IdentifierRepetition {
  id: string;
  authority: string;
  type: string;
}

function identifiers(segment: Hl7Segment, field: number): IdentifierRepetition[] {
  return segment
    .repetitions(field)
    .map((components) => ({
      id: (components[0] ?? []).join('&').trim(),
      // CX.4 is an HD (namespace&OID&type): the namespace id is its first subcomponent.
      authority: (components[3]?.[0] ?? '').trim(),
      type: (components[4]?.[0] ?? '').trim().toUpperCase(),
    }))
    .filter((identifier) => identifier.id !== '');
}

function sexFrom(raw: string): Sex {
  const code = raw.trim().toUpperCase();
  return code === 'F' || code === 'M' ? code : 'unknown';
}

function applyAlias(namespace: string, aliases: Readonly<Record<string, string>>): string {
  return Object.hasOwn(aliases, namespace) ? (aliases[namespace] ?? namespace) : namespace;
}

/**
 * The MRN of an identifier list (PID-3, MRG-1) and its namespace, or undefined with the problem
 * recorded.
 */
export function medicalRecordNumber(
  context: ModelContext,
  segment: Hl7Segment,
  field: number,
): { namespace: string; mrn: string } | undefined {
  const { source, config, problems } = context;
  const all = identifiers(segment, field);
  // An empty repetition identifies no one, so "the first" means the first with an id.
  const chosen = all.find((identifier) => identifier.type === 'MR') ?? all[0];
  const name = `${segment.name}-${field}`;
  if (chosen === undefined) {
    problems.missing(
      { segment: segment.name, sequence: 1, field, component: 1 },
      `${name}: no patient identifier (MRN)`,
    );
    return undefined;
  }
  const namespace = chosen.authority !== '' ? chosen.authority : source.facility;
  if (namespace === '') {
    problems.missing(
      { segment: 'MSH', sequence: 1, field: 4, component: 1 },
      `MSH-4: no sending facility, and ${name}.4 names no assigning authority for the MRN`,
    );
    return undefined;
  }
  return { namespace: applyAlias(namespace, config.namespaceAliases), mrn: chosen.id };
}

/** The patient of the message's (only) PID, or undefined with the problem recorded. */
export function modelPatient(context: ModelContext, pid: Hl7Segment): PatientRef | undefined {
  const identity = medicalRecordNumber(context, pid, 3);
  if (identity === undefined) return undefined;
  const patient: PatientRef = {
    facility: context.source.facility,
    namespace: identity.namespace,
    mrn: identity.mrn,
    sex: sexFrom(pid.value(8)),
  };
  const pv1 = context.message.segment('PV1');
  const location = pv1 === undefined ? '' : compactFirstRepetition(pv1, 3);
  if (location !== '') patient.location = location;
  const family = pid.value(5, 1, 1).trim();
  const given = pid.value(5, 2).trim();
  if (family !== '' || given !== '') patient.name = { family, given };
  return patient;
}
