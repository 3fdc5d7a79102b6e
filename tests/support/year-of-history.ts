/**
 * A year of a synthetic dialysis patient's history as HL7 v2 messages, for
 * the console's browser tests and its bench: about 250 results (calcium twice
 * a week, some sent in mmol/L; phosphate weekly; hemoglobin, bicarbonate and
 * CRP every two weeks; PTH monthly) and about 20 order events (cinacalcet
 * started and titrated 30 → 60 → 90 → 60 mg, a warfarin course and a new
 * one, a thiosulfate course, a calcium-based binder, calcitriol held and
 * released). The calcium drifts from 8.6 to 7.4 while cinacalcet goes up to
 * 90 mg. The calciphylaxis diagnosis comes last, so the patient enters the
 * cohort on the whole year (one evaluation of everything) and ends with open
 * critical alerts (calcium below 7.5, warfarin active). Deterministic for a
 * given start time. Never a real person.
 */

export interface YearOfHistory {
  /** In time order: results and orders, then the diagnosis. */
  messages: string[];
  results: number;
  orderEvents: number;
  /** When the last calcium was observed (ISO). */
  lastCalciumAt: string;
}

const dayMs = 86_400_000;

/** `YYYYMMDDHHMMSS+0000`. */
const hl7Time = (ms: number) => `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;

/** A small deterministic generator (mulberry32): the same year every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Patient {
  mrn: string;
  /** PID-3.4, the MRN's namespace. */
  namespace: string;
  facility: string;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function yearOfHistory(patient: Patient, end: Date = new Date()): YearOfHistory {
  const next = random(20_261_104);
  // Whole seconds: HL7 times carry no milliseconds.
  const start = Math.floor((end.getTime() - 362 * dayMs) / 1000) * 1000;
  let control = 0;
  const header = (type: string, at: number) =>
    `MSH|^~\\&|DIALYSIS_EHR|${patient.facility}|CALCIPHYLAXIS_ALERTING|${patient.facility}|${hl7Time(at)}||${type}|Y${patient.mrn.slice(-8)}${String(++control).padStart(4, '0')}|P|2.5.1|||AL|NE`;
  const pid = `PID|1||${patient.mrn}^^^${patient.namespace}^MR||TESTPATIENT^YEAR^^^^^L||19580312|F`;
  const pv1 = `PV1|1|O|HD^CHAIR03^^${patient.namespace}`;

  type Timed = { at: number; text: string };
  const messages: Timed[] = [];
  let results = 0;
  let orderEvents = 0;
  let lastCalciumAt = 0;

  // Results: draws on dialysis days (Monday and Thursday), 07:00.
  const obx = (index: number, loinc: string, text: string, value: string, unit: string, at: number) =>
    `OBX|${index}|NM|${loinc}^${text}^LN||${value}|${unit}^${unit}^UCUM||N|||F|||${hl7Time(at)}`;
  for (let day = 0; day < 362; day += day % 7 === 0 ? 3 : 4) {
    const at = start + day * dayMs + 7 * 3_600_000;
    const month = day / 30;
    // 8.6 → 7.4 over months 6 to 11 as cinacalcet goes up (with noise); a dip below 7.5 at the end.
    const drift = month < 6 ? 9.0 - month * 0.07 : 8.6 - (month - 6) * 0.22;
    const calcium = day >= 358 ? 7.3 : round(drift + (next() - 0.5) * 0.5, 1);
    const inMmol = day % 4 === 0;
    const rows = [
      inMmol
        ? obx(1, '17861-6', 'Calcium', (calcium / 4.008).toFixed(2), 'mmol/L', at)
        : obx(1, '17861-6', 'Calcium', calcium.toFixed(1), 'mg/dL', at),
    ];
    lastCalciumAt = at;
    if (day % 7 === 0) {
      rows.push(
        obx(rows.length + 1, '2777-1', 'Phosphate', round(5 + (next() - 0.5) * 2, 1).toFixed(1), 'mg/dL', at),
      );
    }
    if (day % 14 === 0) {
      rows.push(
        obx(rows.length + 1, '718-7', 'Hemoglobin', round(11.2 + next() * 1.8, 1).toFixed(1), 'g/dL', at),
      );
      rows.push(
        obx(rows.length + 1, '1963-8', 'Bicarbonate', String(Math.round(20 + next() * 5)), 'mmol/L', at),
      );
      rows.push(
        obx(
          rows.length + 1,
          '1988-5',
          'CRP',
          round(3 + next() * 12 + (month > 9 ? 10 : 0), 1).toFixed(1),
          'mg/L',
          at,
        ),
      );
    }
    if (day % 28 === 0) {
      const pth = Math.round(month < 4 ? 640 - month * 80 : 300 - (month - 4) * 12 + next() * 60);
      rows.push(obx(rows.length + 1, '2731-8', 'PTH', String(pth), 'pg/mL', at));
    }
    results += rows.length;
    const filler = `YF${patient.mrn.slice(-6)}${day}`;
    messages.push({
      at,
      text: [
        header('ORU^R01^ORU_R01', at + 4 * 3_600_000),
        pid,
        pv1,
        `OBR|1|P${filler}|${filler}|24362-6^Renal function panel^LN|||${hl7Time(at)}|||||||||||||||${hl7Time(at + 4 * 3_600_000)}|||F`,
        ...rows,
      ].join('\r'),
    });
  }

  // Orders: ORC-1, order number, day, drug text, dose in mg (RXE-3), frequency; RXE-1 end for a course.
  const orders: [control: string, order: string, day: number, drug: string, doseMg: number, end?: number][] =
    [
      ['NW', 'W1', 2, 'warfarin 5 MG Oral Tablet', 5],
      ['NW', 'B1', 5, 'Calcium Acetate 667 MG Oral Capsule', 1334],
      ['DC', 'W1', 30, 'warfarin 5 MG Oral Tablet', 5],
      ['NW', 'T1', 35, 'Sodium Thiosulfate 25 G in 100 ML Injection', 25_000, 155],
      ['NW', 'C1', 40, 'Cinacalcet 30 MG Oral Tablet', 30],
      ['NW', 'D1', 45, 'Calcitriol 0.25 MCG Oral Capsule', 0.25],
      ['DC', 'B1', 60, 'Calcium Acetate 667 MG Oral Capsule', 1334],
      ['XO', 'C1', 75, 'Cinacalcet 60 MG Oral Tablet', 60],
      ['HD', 'D1', 120, 'Calcitriol 0.25 MCG Oral Capsule', 0.25],
      ['XO', 'C1', 180, 'Cinacalcet 90 MG Oral Tablet', 90],
      ['RL', 'D1', 200, 'Calcitriol 0.25 MCG Oral Capsule', 0.25],
      ['NW', 'B2', 220, 'Calcium Carbonate 500 MG Oral Tablet', 1000],
      ['DC', 'B2', 260, 'Calcium Carbonate 500 MG Oral Tablet', 1000],
      ['DC', 'D1', 300, 'Calcitriol 0.25 MCG Oral Capsule', 0.25],
      ['XO', 'C1', 330, 'Cinacalcet 60 MG Oral Tablet', 60],
      ['NW', 'W2', 340, 'warfarin 2.5 MG Oral Tablet', 2.5],
      ['NW', 'S1', 10, 'Sevelamer Carbonate 800 MG Oral Tablet', 800],
      ['XO', 'S1', 150, 'Sevelamer Carbonate 800 MG Oral Tablet', 1600],
      ['NW', 'A1', 90, 'Aspirin 81 MG Oral Tablet', 81],
      ['DC', 'A1', 200, 'Aspirin 81 MG Oral Tablet', 81],
    ];
  for (const [orderControl, orderId, day, drug, doseMg, endDay] of orders) {
    const at = start + day * dayMs + 9 * 3_600_000;
    const dose = doseMg >= 1000 ? `${doseMg / 1000}` : String(doseMg);
    const unit = doseMg >= 1000 ? 'g^gram^UCUM' : doseMg < 1 ? 'ug^microgram^UCUM' : 'mg^milligram^UCUM';
    const amount = doseMg < 1 ? String(doseMg) : dose;
    const timing =
      endDay === undefined ? `^^^${hl7Time(at)}` : `^^^${hl7Time(at)}^${hl7Time(start + endDay * dayMs)}`;
    orderEvents += 1;
    messages.push({
      at,
      text: [
        header('RDE^O11^RDE_O11', at),
        pid,
        pv1,
        `ORC|${orderControl}|${orderId}${patient.mrn}|RX${orderId}${patient.mrn}||||||${hl7Time(at)}`,
        `RXE|${timing}|^${drug}|${amount}||${unit}`,
        'TQ1|1||QD^every day^HL70335',
      ].join('\r'),
    });
  }

  messages.sort((left, right) => left.at - right.at);
  const diagnosedAt = end.getTime() - 60_000;
  messages.push({
    at: diagnosedAt,
    text: [
      header('ADT^A08^ADT_A01', diagnosedAt),
      `EVN|A08|${hl7Time(diagnosedAt)}`,
      pid,
      pv1,
      `DG1|1||237900002^Calciphylaxis^SCT||${hl7Time(diagnosedAt)}|F`,
    ].join('\r'),
  });
  return {
    messages: messages.map((message) => message.text),
    results,
    orderEvents,
    lastCalciumAt: new Date(lastCalciumAt).toISOString(),
  };
}
