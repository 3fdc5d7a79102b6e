/**
 * Medication order state (clinical-rules.md, "Medication orders"): ORC-1 `NW`/`XO`/`RL`/`SC` keep an
 * order active, `DC`/`CA`/`OD` end it, `HD` holds it (held is not active); an order whose RXE-1 end
 * time has passed is ended. Order identity is ORC-2, else ORC-3. Events apply in receipt order.
 */
import type { MedicationOrderEvent, StoredRecord } from '../domain/records.js';
import type { CinacalcetDoseChange, PatientMedicationOrder } from './patient-state.js';
import { instantMs } from './time.js';

type OrderStatus = PatientMedicationOrder['status'];

const statusByOrderControl: Readonly<Record<string, OrderStatus>> = {
  NW: 'active',
  XO: 'active',
  RL: 'active',
  SC: 'active',
  DC: 'ended',
  CA: 'ended',
  OD: 'ended',
  HD: 'held',
};

/**
 * Whether an order or order event is for cinacalcet (the drug the dose ladder is about), by the
 * ingredient the medication matcher found (RxNorm code, else name): one matcher decides, not two.
 */
export function isCinacalcet(order: Pick<MedicationOrderEvent, 'ingredient'>): boolean {
  return order.ingredient?.trim().toLowerCase() === 'cinacalcet';
}

/** Whether an order is active at a time: status active and its end time, if any, not yet passed. */
export function isActiveAt(order: PatientMedicationOrder, atMs: number): boolean {
  return order.status === 'active' && (order.endAt === undefined || instantMs(order.endAt, Infinity) > atMs);
}

export interface BuiltMedicationOrders {
  orders: ReadonlyMap<string, PatientMedicationOrder>;
  cinacalcetDoses: CinacalcetDoseChange[];
}

/** Stored order events must already be in receipt order. */
export function buildMedicationOrders(events: readonly StoredRecord[], nowMs: number): BuiltMedicationOrders {
  const orders = new Map<string, PatientMedicationOrder>();
  const orderIdByNumber = new Map<string, string>();
  // When each order last became active or changed dose: the latest such is the cinacalcet dose in force.
  const doseSetAtMs = new Map<string, number>();
  const cinacalcetDoses: CinacalcetDoseChange[] = [];

  const cinacalcetInForce = (atMs: number): PatientMedicationOrder | undefined => {
    let current: PatientMedicationOrder | undefined;
    for (const order of orders.values()) {
      if (!isCinacalcet(order) || !isActiveAt(order, atMs)) continue;
      if (
        current === undefined ||
        (doseSetAtMs.get(order.orderId) ?? 0) >= (doseSetAtMs.get(current.orderId) ?? 0)
      ) {
        current = order;
      }
    }
    return current;
  };

  for (const stored of events) {
    const event = stored.record;
    if (event.kind !== 'medicationOrder') continue;
    const status = statusByOrderControl[event.orderControl.trim().toUpperCase()];
    // Other controls (RE on an administration report, ...) say nothing about whether the order stands.
    if (status === undefined) continue;
    const eventAtMs = instantMs(event.eventAt, Number.NaN);
    const eventTimeMs = Number.isNaN(eventAtMs) ? instantMs(stored.receivedAt) : eventAtMs;
    const placerKey = event.placerOrderNumber.trim() === '' ? undefined : `P:${event.placerOrderNumber}`;
    const fillerKey = event.fillerOrderNumber.trim() === '' ? undefined : `F:${event.fillerOrderNumber}`;
    const knownId =
      (placerKey === undefined ? undefined : orderIdByNumber.get(placerKey)) ??
      (fillerKey === undefined ? undefined : orderIdByNumber.get(fillerKey));
    const existing = knownId === undefined ? undefined : orders.get(knownId);
    const orderId =
      existing?.orderId ?? (event.placerOrderNumber || event.fillerOrderNumber || stored.recordId);
    // A release or stop often carries no drug details: the order it applies to says what it is.
    const tracksCinacalcet = isCinacalcet(event) || (existing !== undefined && isCinacalcet(existing));
    // A snapshot: the order object itself is updated in place below.
    const inForceBefore = tracksCinacalcet ? cinacalcetInForce(eventTimeMs) : undefined;
    const before = inForceBefore && { dailyDoseMg: inForceBefore.dailyDoseMg };

    const order: PatientMedicationOrder = existing ?? {
      orderId,
      drugText: event.drugText,
      status,
      startedAt: event.startAt ?? event.eventAt,
      lastEventAt: event.eventAt,
      recordId: stored.recordId,
      lastOrderControl: event.orderControl,
    };
    const wasActive = existing !== undefined && existing.status === 'active';
    const previousDose = order.dailyDoseMg;
    if (existing !== undefined && existing.status === 'ended' && status === 'active') {
      // The same order number ordered again after it ended: a new course.
      order.startedAt = event.startAt ?? event.eventAt;
    }
    order.status = status;
    order.lastEventAt = event.eventAt;
    order.recordId = stored.recordId;
    order.lastOrderControl = event.orderControl;
    if (status === 'active') delete order.endedAt;
    else if (status === 'ended') order.endedAt = event.eventAt;
    if (event.medicationClass !== undefined) order.medicationClass = event.medicationClass;
    if (event.ingredient !== undefined) order.ingredient = event.ingredient;
    if (event.drugText !== '') order.drugText = event.drugText;
    if (event.dailyDoseMg !== undefined) order.dailyDoseMg = event.dailyDoseMg;
    if (event.endAt !== undefined) order.endAt = event.endAt;
    if (event.placerOrderNumber !== '') order.placerOrderNumber = event.placerOrderNumber;
    if (event.fillerOrderNumber !== '') order.fillerOrderNumber = event.fillerOrderNumber;
    if (status === 'active' && (!wasActive || order.dailyDoseMg !== previousDose)) {
      doseSetAtMs.set(orderId, eventTimeMs);
    }
    orders.set(orderId, order);
    if (placerKey !== undefined) orderIdByNumber.set(placerKey, orderId);
    if (fillerKey !== undefined) orderIdByNumber.set(fillerKey, orderId);

    if (tracksCinacalcet) {
      const after = cinacalcetInForce(eventTimeMs);
      const change = doseChange(before, after);
      if (change !== undefined && after !== undefined) {
        const at = event.orderControl === 'NW' && event.startAt !== undefined ? event.startAt : event.eventAt;
        cinacalcetDoses.push({
          kind: change,
          at,
          atMs: instantMs(at, eventTimeMs),
          receivedAt: stored.receivedAt,
          ...(after.dailyDoseMg === undefined ? {} : { dailyDoseMg: after.dailyDoseMg }),
          ...(before?.dailyDoseMg === undefined ? {} : { previousDailyDoseMg: before.dailyDoseMg }),
          orderId: after.orderId,
          recordId: stored.recordId,
        });
      }
    }
  }

  for (const order of orders.values()) {
    if (order.status !== 'ended' && order.endAt !== undefined && instantMs(order.endAt, Infinity) <= nowMs) {
      order.status = 'ended';
      order.endedAt = order.endAt;
    }
  }
  return { orders, cinacalcetDoses };
}

/**
 * A start is cinacalcet becoming active when none was (including a restart after a hold); a change
 * is a different daily dose in force (a new order or an `XO`). Unknown doses are not a change.
 */
function doseChange(
  before: { dailyDoseMg: number | undefined } | undefined,
  after: PatientMedicationOrder | undefined,
): CinacalcetDoseChange['kind'] | undefined {
  if (after === undefined) return undefined;
  if (before === undefined) return 'start';
  if (
    before.dailyDoseMg !== undefined &&
    after.dailyDoseMg !== undefined &&
    before.dailyDoseMg !== after.dailyDoseMg
  ) {
    return 'change';
  }
  return undefined;
}
