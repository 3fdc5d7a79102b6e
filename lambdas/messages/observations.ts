/**
 * ORU^R01 to observations: one per OBX, with the value read and normalised to
 * the analyte's canonical unit where the rules watch it (clinical-rules.md,
 * "Laboratory results"). A bad unit or value stays on the record as
 * `unitError` / `valueError`; only structural gaps reject the message.
 */
import type { Analyte, Observation, Quantity } from '../domain/records.js';
import type { Hl7Segment } from '../hl7/index.js';
import {
  analyteForCode,
  isLoincSystem,
  readObservationValue,
  toCanonical,
  unitProblem,
} from '../units/index.js';
import type { ModelContext } from './context.js';
import { type CodedValue, codedValue, componentsOf, fieldText, first, type PlacedSegment } from './fields.js';
import { requiredTime } from './time.js';

// Cannot obtain, deleted, wrong patient: these retract a stored result and
// carry no value to read, so an empty value or unit is not an error for them.
const retractionStatuses = new Set(['X', 'D', 'W']);

interface OrderGroup {
  orc?: Hl7Segment;
  obr?: PlacedSegment;
}

interface ResultIdentity {
  code: string;
  codeSystem: string;
  codeText?: string;
  loinc?: string;
  analyte?: Analyte;
}

function identify(coded: CodedValue, localLabCodes: Readonly<Record<string, Analyte>>): ResultIdentity {
  const primary = coded.code !== '';
  const identity: ResultIdentity = {
    code: primary ? coded.code : coded.alternateCode,
    codeSystem: primary ? coded.system : coded.alternateSystem,
  };
  const text = coded.text !== '' ? coded.text : coded.alternateText;
  if (text !== '') identity.codeText = text;
  if (isLoincSystem(coded.system) && coded.code !== '') identity.loinc = coded.code;
  else if (isLoincSystem(coded.alternateSystem) && coded.alternateCode !== '')
    identity.loinc = coded.alternateCode;
  const analyte =
    analyteForCode(coded.code, coded.system, localLabCodes) ??
    analyteForCode(coded.alternateCode, coded.alternateSystem, localLabCodes);
  if (analyte !== undefined) identity.analyte = analyte;
  return identity;
}

/** OBX-6: the identifier, or its text where a sender puts the unit only there. */
function unitOf(obx: Hl7Segment): string {
  const identifier = obx.value(6, 1).trim();
  return identifier !== '' ? identifier : obx.value(6, 2).trim();
}

function readValue(observation: Observation, obx: Hl7Segment): void {
  const reading = readObservationValue(observation.valueType, componentsOf(obx, 5));
  const retraction = retractionStatuses.has(observation.status.toUpperCase());
  let value: Quantity | undefined;
  if (reading.ok) {
    value = { value: reading.value, unit: observation.rawUnit };
    if (reading.comparator !== undefined) value.comparator = reading.comparator;
    observation.value = value;
  } else if (observation.analyte !== undefined && !retraction) {
    observation.valueError = reading.reason;
  }
  const analyte = observation.analyte;
  if (analyte === undefined) return;
  if (value !== undefined) {
    const converted = toCanonical(analyte, value);
    if (converted.ok) observation.canonical = converted.canonical;
    else if (!retraction) observation.unitError = converted.unitError;
  } else if (!retraction) {
    const problem = unitProblem(analyte, observation.rawUnit);
    if (problem !== undefined) observation.unitError = problem;
  }
}

function notesText(nte: Hl7Segment): string {
  return componentsOf(nte, 3)
    .map((components) => components.join('^'))
    .join('\n')
    .trim();
}

function modelObservation(
  context: ModelContext,
  placed: PlacedSegment,
  group: OrderGroup,
): Observation | undefined {
  const { segment: obx, sequence } = placed;
  const { problems, config } = context;
  const coded = codedValue(obx, 3);
  let usable = true;
  if (coded.code === '' && coded.alternateCode === '') {
    problems.missing({ segment: 'OBX', sequence, field: 3 }, 'OBX-3: the result has no identifier');
    usable = false;
  }
  const status = obx.value(11).trim();
  if (status === '') {
    problems.missing({ segment: 'OBX', sequence, field: 11 }, 'OBX-11: the result status is missing');
    usable = false;
  }
  const obr = group.obr;
  const observedAt = requiredTime(
    [
      { raw: first(obx, 14), at: { segment: 'OBX', sequence, field: 14 } },
      ...(obr === undefined
        ? []
        : [{ raw: first(obr.segment, 7), at: { segment: 'OBR', sequence: obr.sequence, field: 7 } }]),
    ],
    context.readTime,
    problems,
    'observation time',
  );
  if (!usable || observedAt === undefined) return undefined;

  const identity = identify(coded, config.localLabCodes);
  const observation: Observation = {
    kind: 'observation',
    source: context.source,
    ...identity,
    valueType: obx.value(2).trim(),
    rawValue: fieldText(obx, 5),
    rawUnit: unitOf(obx),
    abnormalFlags: obx
      .repetitions(8)
      .map((repetition) => (repetition[0]?.[0] ?? '').trim())
      .filter((flag) => flag !== ''),
    status,
    observedAt,
    fillerOrderNumber: first(obr?.segment, 3) || first(group.orc, 3),
    setId: obx.value(1).trim(),
    subId: obx.value(4).trim(),
  };
  const referenceRange = obx.value(7).trim();
  if (referenceRange !== '') observation.referenceRange = referenceRange;
  const placer = first(obr?.segment, 2) || first(group.orc, 2);
  if (placer !== '') observation.placerOrderNumber = placer;
  readValue(observation, obx);
  return observation;
}

/**
 * One observation per OBX, in message order. Each OBX belongs to the OBR
 * before it (and that OBR to the ORC just before it); an NTE right after an
 * OBX (or after that OBX's earlier NTEs) is a note on it.
 */
export function modelObservations(context: ModelContext): Observation[] {
  const observations: Observation[] = [];
  let pendingOrc: Hl7Segment | undefined;
  let group: OrderGroup = {};
  let noteTarget: Observation | undefined;
  let sawObx = false;
  for (const placed of context.placed) {
    const { segment } = placed;
    switch (segment.name) {
      case 'ORC':
        pendingOrc = segment;
        noteTarget = undefined;
        break;
      case 'OBR':
        group = pendingOrc === undefined ? { obr: placed } : { orc: pendingOrc, obr: placed };
        pendingOrc = undefined;
        noteTarget = undefined;
        break;
      case 'OBX': {
        sawObx = true;
        const observation = modelObservation(context, placed, group);
        if (observation !== undefined) observations.push(observation);
        noteTarget = observation;
        break;
      }
      case 'NTE': {
        const note = notesText(segment);
        if (noteTarget !== undefined && note !== '') noteTarget.notes = [...(noteTarget.notes ?? []), note];
        break;
      }
      default:
        noteTarget = undefined;
    }
  }
  if (!sawObx) {
    context.problems.message(
      '101',
      { segment: 'OBX', sequence: 1 },
      'ORU^R01 carries no OBX: there is no result',
    );
  }
  return observations;
}
