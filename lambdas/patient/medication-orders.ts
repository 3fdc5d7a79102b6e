/**
 * Medication order state (clinical-rules.md, "Medication orders"): ORC-1 `NW`/`XO`/`RL`/`SC` keep an
 * order active, `DC`/`CA`/`OD` end it, `HD` holds it (held is not active); an order whose RXE-1 end
 * time has passed is ended. Order identity is ORC-2, else ORC-3. Events apply in receipt order.
 *
 * The state is durable: it is folded forward one message at a time (`applyMedicationEvents`) and
 * stored, so an order placed years ago stays known however short the history window read per
 * evaluation. It stays small: long-ended orders and old dose changes are dropped, and what the rules
 * need from them (when a class was last active) is kept as one time per class.
 */
import type { MedicationClass, MedicationOrderEvent, StoredRecord } from '../domain/records.js';
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

const dayMs = 86_400_000;

/**
 * An order ended longer ago than this (before the latest event folded) is dropped: the rules read
 * active and held orders, recent stops (a resolution names them) and `lastActiveAt`, never an order
 * that ended more than a history window ago.
 */
export const retainEndedOrderDays = 400;

/**
 * Dose changes kept: the rules read the latest change and changes within the last 28 days; two dozen
 * changes in 28 days does not happen with a titration every 2–4 weeks.
 */
export const retainedDoseChanges = 24;

/** A patient's medication orders as stored between messages. */
export interface MedicationHistory {
  /** Orders by order id (ORC-2, else ORC-3), without long-ended ones. */
  orders: PatientMedicationOrder[];
  /** Cinacalcet starts and daily-dose changes, oldest first (the latest `retainedDoseChanges`). */
  cinacalcetDoses: CinacalcetDoseChange[];
  /**
   * Per class, the latest time an order of the class was known to be active (an end time still to
   * come counts until then). Survives the orders being dropped: "was thiosulfate ever active since
   * cohort entry" must hold for a course that ended years ago.
   */
  lastActiveAt: Partial<Record<MedicationClass, string>>;
}

export const noMedicationHistory: MedicationHistory = { orders: [], cinacalcetDoses: [], lastActiveAt: {} };

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

/** Whether an event changes order state (others, such as `RE` on an administration, do not). */
export function changesOrderState(event: MedicationOrderEvent): boolean {
  return statusByOrderControl[event.orderControl.trim().toUpperCase()] !== undefined;
}

/** Folds order events (already in receipt order) into a stored history; the input is not changed. */
export function applyMedicationEvents(
  history: MedicationHistory,
  events: readonly StoredRecord[],
): MedicationHistory {
  const orders = new Map<string, PatientMedicationOrder>();
  const orderIdByNumber = new Map<string, string>();
  for (const stored of history.orders) {
    const order = { ...stored };
    orders.set(order.orderId, order);
    if (order.placerOrderNumber !== undefined)
      orderIdByNumber.set(`P:${order.placerOrderNumber}`, order.orderId);
    if (order.fillerOrderNumber !== undefined)
      orderIdByNumber.set(`F:${order.fillerOrderNumber}`, order.orderId);
  }
  const cinacalcetDoses = [...history.cinacalcetDoses];
  const lastActiveAt = { ...history.lastActiveAt };
  let latestEventMs = Number.NEGATIVE_INFINITY;

  const noteActive = (order: PatientMedicationOrder, atMs: number): void =>
    noteActiveAt(lastActiveAt, order, atMs);

  const cinacalcetInForce = (atMs: number): PatientMedicationOrder | undefined => {
    let current: PatientMedicationOrder | undefined;
    for (const order of orders.values()) {
      if (!isCinacalcet(order) || !isActiveAt(order, atMs)) continue;
      if (current === undefined || instantMs(order.doseSetAt) >= instantMs(current.doseSetAt)) {
        current = order;
      }
    }
    return current;
  };

  for (const stored of events) {
    const event = stored.record;
    if (event.kind !== 'medicationOrder') continue;
    const status = statusByOrderControl[event.orderControl.trim().toUpperCase()];
    if (status === undefined) continue;
    const eventAtMs = instantMs(event.eventAt, Number.NaN);
    const eventTimeMs = Number.isNaN(eventAtMs) ? instantMs(stored.receivedAt) : eventAtMs;
    latestEventMs = Math.max(latestEventMs, eventTimeMs);
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
    if (existing !== undefined && isActiveAt(existing, eventTimeMs)) noteActive(existing, eventTimeMs);
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
      order.doseSetAt = new Date(eventTimeMs).toISOString();
    }
    if (isActiveAt(order, eventTimeMs)) noteActive(order, eventTimeMs);
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

  const oldestKeptEndMs = latestEventMs - retainEndedOrderDays * dayMs;
  const kept: PatientMedicationOrder[] = [];
  for (const order of orders.values()) {
    const endedMs = endedAtMs(order);
    if (endedMs === undefined || endedMs >= oldestKeptEndMs) {
      kept.push(order);
    } else if (order.status === 'active') {
      // Dropped after running to its end time: it was active until then.
      noteActive(order, endedMs);
    }
  }
  return { orders: kept, cinacalcetDoses: cinacalcetDoses.slice(-retainedDoseChanges), lastActiveAt };
}

/** When a stored order ended: at its stopping event, or at its end time once passed; undefined while it stands. */
function endedAtMs(order: PatientMedicationOrder): number | undefined {
  if (order.status === 'ended') return instantMs(order.endedAt ?? order.lastEventAt);
  if (order.status === 'active' && order.endAt !== undefined) return instantMs(order.endAt, Infinity);
  return undefined;
}

function noteActiveAt(
  lastActiveAt: Partial<Record<MedicationClass, string>>,
  order: PatientMedicationOrder,
  atMs: number,
): void {
  if (order.medicationClass === undefined || !Number.isFinite(atMs)) return;
  const known = lastActiveAt[order.medicationClass];
  if (known === undefined || instantMs(known) < atMs) {
    lastActiveAt[order.medicationClass] = new Date(atMs).toISOString();
  }
}

export interface MedicationOrdersNow {
  orders: ReadonlyMap<string, PatientMedicationOrder>;
  cinacalcetDoses: readonly CinacalcetDoseChange[];
  /** Per class, the latest time up to now an order of it was active (now, for one active now). */
  lastActiveAt: Readonly<Partial<Record<MedicationClass, string>>>;
}

/** The orders as they stand at a time: an active order whose end time has passed is ended. */
export function medicationOrdersAt(history: MedicationHistory, nowMs: number): MedicationOrdersNow {
  const orders = new Map<string, PatientMedicationOrder>();
  const lastActiveAt = { ...history.lastActiveAt };
  for (const stored of history.orders) {
    const order = { ...stored };
    if (isActiveAt(order, nowMs)) {
      noteActiveAt(lastActiveAt, order, nowMs);
    } else if (order.status === 'active' && order.endAt !== undefined) {
      order.status = 'ended';
      order.endedAt = order.endAt;
      noteActiveAt(lastActiveAt, order, instantMs(order.endAt));
    }
    orders.set(order.orderId, order);
  }
  return { orders, cinacalcetDoses: history.cinacalcetDoses, lastActiveAt };
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
