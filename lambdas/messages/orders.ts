/**
 * Pharmacy messages to medication order events (clinical-rules.md,
 * "Medication orders"): one event per order group (ORC and its drug segment),
 * with the drug matched to a catalogue ingredient and the dose in mg per day.
 */
import type { MedicationOrderEvent } from '../domain/records.js';
import type { Hl7Segment } from '../hl7/index.js';
import type { ModelContext } from './context.js';
import { doseInMg, dosesPerDayFor, roundDose } from './dosing.js';
import { codedValue, first, type PlacedSegment } from './fields.js';
import { matchMedication } from './medications.js';
import { optionalTime, requiredTime, type TimeCandidate } from './time.js';

/** The segment that carries the drug in each message type, and where its fields are. */
interface DrugSegmentLayout {
  name: 'RXE' | 'RXD' | 'RXA' | 'RXO';
  codeField: number;
  amountField: number;
  unitField: number;
}

const layouts = {
  RXE: { name: 'RXE', codeField: 2, amountField: 3, unitField: 5 }, // give code, give amount (minimum), give units
  RXD: { name: 'RXD', codeField: 2, amountField: 4, unitField: 5 }, // dispense/give code, actual dispense amount and units
  RXA: { name: 'RXA', codeField: 5, amountField: 6, unitField: 7 }, // administered code, amount, units
  RXO: { name: 'RXO', codeField: 1, amountField: 2, unitField: 4 }, // requested give code, amount (minimum), units
} as const satisfies Record<string, DrugSegmentLayout>;

export type OrderMessageCode = 'RDE' | 'RDS' | 'RAS' | 'OMP';

const drugSegmentFor: Record<OrderMessageCode, DrugSegmentLayout> = {
  RDE: layouts.RXE,
  RDS: layouts.RXD,
  RAS: layouts.RXA,
  OMP: layouts.RXO,
};

const drugSegmentNames = new Set(['RXE', 'RXD', 'RXA', 'RXO']);

interface OrderGroup {
  orc: PlacedSegment;
  drugs: PlacedSegment[];
  rxe?: Hl7Segment;
  timings: Hl7Segment[];
}

function groupOrders(context: ModelContext, layout: DrugSegmentLayout): OrderGroup[] {
  const groups: OrderGroup[] = [];
  let current: OrderGroup | undefined;
  for (const placed of context.placed) {
    const { segment, sequence } = placed;
    if (segment.name === 'ORC') {
      current = { orc: placed, drugs: [], timings: [] };
      groups.push(current);
    } else if (drugSegmentNames.has(segment.name) && current === undefined) {
      context.problems.message(
        '100',
        { segment: segment.name, sequence },
        `${segment.name} is not in an order group: no ORC comes before it`,
      );
    } else if (current !== undefined) {
      if (segment.name === layout.name) current.drugs.push(placed);
      if (segment.name === 'RXE' && current.rxe === undefined) current.rxe = segment;
      if (segment.name === 'TQ1') current.timings.push(segment);
    }
  }
  return groups;
}

interface Timing {
  frequency: string;
  startRaw: string;
  endRaw: string;
}

/**
 * Each part of the timing from the first that sends it: RXE-1, then ORC-7
 * (both v2.3 quantity/timing: quantity^interval^duration^start^end, still
 * sent by many pharmacy systems and kept in v2.5 for them), then the group's
 * TQ1 (v2.5).
 */
function timingOf(group: OrderGroup): Timing {
  const rxe = group.rxe;
  const orc = group.orc.segment;
  const tq1 = group.timings.find((segment) => segment.value(3, 1).trim() !== '') ?? group.timings[0];
  const fromQuantityTiming = (component: number): string =>
    (rxe === undefined ? '' : rxe.value(1, component, 1).trim()) || orc.value(7, component, 1).trim();
  const fromTq1 = (field: number): string => (tq1 === undefined ? '' : tq1.value(field, 1).trim());
  return {
    frequency: fromQuantityTiming(2) || fromTq1(3),
    startRaw: fromQuantityTiming(4) || fromTq1(7),
    endRaw: fromQuantityTiming(5) || fromTq1(8),
  };
}

function modelOrderEvent(
  context: ModelContext,
  group: OrderGroup,
  drug: PlacedSegment,
  layout: DrugSegmentLayout,
): MedicationOrderEvent | undefined {
  const { config, problems } = context;
  const orc = group.orc.segment;
  const segment = drug.segment;
  const candidates: TimeCandidate[] = [
    { raw: first(orc, 9), at: { segment: 'ORC', sequence: group.orc.sequence, field: 9 } },
  ];
  if (layout.name === 'RXA') {
    candidates.push({ raw: first(segment, 3), at: { segment: 'RXA', sequence: drug.sequence, field: 3 } });
  }
  candidates.push({ raw: context.sentAtRaw, at: { segment: 'MSH', sequence: 1, field: 7 } });
  const eventAt = requiredTime(candidates, context.readTime, problems, 'order event time');
  if (eventAt === undefined) return undefined;

  const coded = codedValue(segment, layout.codeField);
  const primary = coded.code !== '' || coded.text !== '';
  const match =
    matchMedication(coded.code, coded.system, coded.text, config) ??
    matchMedication(coded.alternateCode, coded.alternateSystem, coded.alternateText, config);
  const timing = timingOf(group);
  const frequency = dosesPerDayFor(timing.frequency);
  const unit = segment.value(layout.unitField, 1).trim() || segment.value(layout.unitField, 2).trim();
  const doseMg = doseInMg(segment.value(layout.amountField), unit);

  const event: MedicationOrderEvent = {
    kind: 'medicationOrder',
    source: context.source,
    // OMP's RXO is the order as prescribed, the same thing RXE says in RDE.
    segment: layout.name === 'RXO' ? 'RXE' : layout.name,
    orderControl: orc.value(1).trim(),
    placerOrderNumber: first(orc, 2),
    fillerOrderNumber: first(orc, 3),
    drugCode: primary ? coded.code : coded.alternateCode,
    drugCodeSystem: primary ? coded.system : coded.alternateSystem,
    drugText: coded.text || coded.alternateText,
    dosesPerDay: frequency.dosesPerDay,
    eventAt,
  };
  const orderStatus = orc.value(5).trim();
  if (orderStatus !== '') event.orderStatus = orderStatus;
  if (match !== undefined) {
    event.medicationClass = match.medicationClass;
    event.ingredient = match.ingredient;
  }
  if (doseMg !== undefined) {
    event.doseMg = doseMg;
    event.dailyDoseMg = roundDose(doseMg * frequency.dosesPerDay);
  }
  if (timing.frequency !== '') event.frequency = timing.frequency;
  // Start and end are optional: an unreadable one is left out rather than
  // rejecting the order, so a VKA order is never lost over its end time (it
  // then stays active until a DC/CA/OD arrives, which errs towards alerting).
  const startAt = optionalTime(timing.startRaw, context.readTime);
  if (startAt !== undefined) event.startAt = startAt;
  const endAt = optionalTime(timing.endRaw, context.readTime);
  if (endAt !== undefined) event.endAt = endAt;
  return event;
}

/**
 * One event per drug segment of each order group (normally one: RAS may
 * report several administrations of one order). RDE reads RXE, RDS RXD,
 * RAS RXA and OMP RXO; a group without it rejects the message.
 */
export function modelMedicationOrders(
  context: ModelContext,
  messageCode: OrderMessageCode,
): MedicationOrderEvent[] {
  const layout = drugSegmentFor[messageCode];
  const groups = groupOrders(context, layout);
  const events: MedicationOrderEvent[] = [];
  let drugsSeen = 0;
  if (groups.length === 0 && !context.problems.any) {
    context.problems.message(
      '101',
      { segment: 'ORC', sequence: 1 },
      `${messageCode} carries no ORC: there is no order`,
    );
  }
  for (const group of groups) {
    if (group.drugs.length === 0) {
      context.problems.missing(
        { segment: layout.name, sequence: drugsSeen + 1 },
        `order group of ORC #${group.orc.sequence} has no ${layout.name}: the drug is unknown`,
      );
    }
    for (const drug of group.drugs) {
      drugsSeen += 1;
      const event = modelOrderEvent(context, group, drug, layout);
      if (event !== undefined) events.push(event);
    }
  }
  return events;
}
