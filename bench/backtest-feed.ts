/**
 * A synthetic dialysis unit's lab and pharmacy feed over a period (seeded, so it can be drawn
 * again): every patient's monthly panel, and for the calciphylaxis cohort (a quarter of them unless
 * told otherwise) the
 * sample story's course (samples/story: warfarin, cinacalcet, the diagnosis, a PTH above 500, a
 * critical calcium and its recovery, thiosulfate), told again with weekly calciums that wander
 * through the critical, low and normal bands
 * (about weekly: every 6 days). The backtest bench and tests replay it; the
 * agreement test also posts it to the live local pipeline. No I/O; synthetic patients only.
 *
 * Every data time is `anchorMs` plus whole hours: the rules' thresholds (whole days and hours after
 * a result, an order or cohort entry) then fall on the anchor's quarter-hour phase, which a caller
 * can keep away from the wall-clock minutes in which the feed is posted.
 */
import { hl7Time, seededRandom } from './load-mix.js';

export interface FeedOptions {
  patients: number;
  days: number;
  anchorMs: number;
  seed: number;
  /** Starts every MRN and control id: two feeds with other tags never share a patient or a message. */
  tag: string;
  /** Every how many patients one is in the calciphylaxis cohort (default 4: a quarter of them). */
  cohortEvery?: number;
  /**
   * Cohort patients (by index) whose calcium a second lab also reports, under its local code `CA2`,
   * which the default configuration does not map: values, one each week from two days after their
   * cohort entry, each between two of the main lab's (normal) results.
   */
  secondLab?: { patients: readonly number[]; values: readonly number[] };
}

export interface FeedMessage {
  /** Data time (MSH-7, the observation or order time). */
  atMs: number;
  mrn: string;
  body: string;
  kind: 'panel' | 'calcium' | 'secondLabCalcium' | 'order' | 'diagnosis' | 'resend';
  /** For a second-lab calcium: its value (mg/dL). */
  value?: number;
}

export const feedFacility = 'WESTSIDE DIALYSIS';
export const feedNamespace = 'WDC';
export const secondLabCalciumCode = 'CA2';
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

const header = (type: string, controlId: string, at: string) =>
  `MSH|^~\\&|DIALYSIS_LAB|${feedFacility}|CALCIPHYLAXIS_ALERTING|${feedFacility}|${at}||${type}|${controlId}|P|2.5.1|||AL|NE`;
const pid = (mrn: string, sex: 'F' | 'M') =>
  `PID|1||${mrn}^^^${feedNamespace}^MR||TESTPATIENT^BACKTEST^^^^^L||19600101|${sex}`;
const pv1 = (chair: number) => `PV1|1|O|HD^CHAIR${String(chair).padStart(2, '0')}^^WDC`;

interface Result {
  code: string;
  name: string;
  value: number;
  unit: string;
  range: string;
}

const calcium = (value: number): Result => ({
  code: '17861-6^Calcium [Mass/volume] in Serum or Plasma^LN',
  name: 'Calcium',
  value,
  unit: 'mg/dL^mg/dL^UCUM',
  range: '8.4-10.2',
});

function oru(
  patient: FeedPatient,
  controlId: string,
  at: string,
  results: readonly Result[],
  panel = '24362-6^Renal function panel^LN',
): string {
  const filler = `F${controlId}`;
  return [
    header('ORU^R01^ORU_R01', controlId, at),
    pid(patient.mrn, patient.sex),
    pv1(patient.chair),
    `ORC|RE|P${controlId}|${filler}||CM`,
    `OBR|1|P${controlId}|${filler}|${panel}|||${at}|||||||||||||||${at}|||F`,
    ...results.map(
      (result, index) =>
        `OBX|${index + 1}|NM|${result.code}||${result.value}|${result.unit}|${result.range}||||F|||${at}`,
    ),
  ].join('\r');
}

function order(
  patient: FeedPatient,
  controlId: string,
  at: string,
  control: 'NW' | 'XO' | 'DC',
  orderId: string,
  drug: string,
  doseMg: number,
  startAt: string,
): string {
  return [
    header('RDE^O11^RDE_O11', controlId, at),
    pid(patient.mrn, patient.sex),
    pv1(patient.chair),
    `ORC|${control}|${orderId}|RX${orderId}||||||${at}`,
    `RXE|^^^${startAt}|${drug}|${doseMg}||mg^milligram^UCUM`,
    'TQ1|1||QD^every day^HL70335',
  ].join('\r');
}

function diagnosis(patient: FeedPatient, controlId: string, at: string): string {
  return [
    header('ADT^A08^ADT_A01', controlId, at),
    `EVN|A08|${at}`,
    pid(patient.mrn, patient.sex),
    pv1(patient.chair),
    `DG1|1||237900002^Calciphylaxis^SCT||${at}|F`,
  ].join('\r');
}

interface FeedPatient {
  index: number;
  mrn: string;
  sex: 'F' | 'M';
  chair: number;
  cohort: boolean;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The feed in data-time order (patients interleaved, as a unit's feed arrives). */
export function generateFeed(options: FeedOptions): FeedMessage[] {
  const random = seededRandom(options.seed);
  const messages: FeedMessage[] = [];
  let sequence = 0;
  const controlId = () => `${options.tag}${(sequence++).toString(36).toUpperCase().padStart(5, '0')}`;
  const timeOf = (day: number, hour: number) => options.anchorMs + Math.round(day * 24 + hour) * hourMs;
  const add = (message: Omit<FeedMessage, 'body'> & { body: (at: string) => string }) => {
    if (message.atMs >= options.anchorMs + options.days * dayMs) return;
    messages.push({ ...message, body: message.body(hl7Time(new Date(message.atMs))) });
  };
  const secondLab = new Set(options.secondLab?.patients ?? []);

  for (let index = 0; index < options.patients; index++) {
    const patient: FeedPatient = {
      index,
      mrn: `${options.tag}${String(index).padStart(4, '0')}`,
      sex: index % 2 === 0 ? 'F' : 'M',
      chair: 1 + (index % 24),
      cohort: index % (options.cohortEvery ?? 4) === 0,
    };
    const hour = 6 + (index % 10);
    // The monthly panel, for every patient of the unit.
    for (let day = index % 28; day < options.days; day += 28) {
      // Patients with a second lab have normal calciums here, so what differs under a mapping of it is theirs alone.
      const calciumValue = round1(secondLab.has(index) ? 9 + random() : 8.2 + random() * 1.8);
      const results = [
        calcium(calciumValue),
        {
          code: '2731-8^PTH^LN',
          name: 'PTH',
          value: Math.round(60 + random() * 640),
          unit: 'pg/mL',
          range: '15-65',
        },
        {
          code: '2777-1^Phosphate^LN',
          name: 'Phosphate',
          value: round1(3 + random() * 4),
          unit: 'mg/dL',
          range: '2.5-4.5',
        },
        {
          code: '718-7^Hemoglobin^LN',
          name: 'Hemoglobin',
          value: round1(9.5 + random() * 4.5),
          unit: 'g/dL',
          range: '12-16',
        },
        {
          code: '1963-8^Bicarbonate^LN',
          name: 'Bicarbonate',
          value: Math.round(18 + random() * 9),
          unit: 'mmol/L',
          range: '22-29',
        },
      ];
      add({
        atMs: timeOf(day, hour),
        mrn: patient.mrn,
        kind: 'panel',
        body: (at) => oru(patient, controlId(), at, results),
      });
    }
    // Where this patient's story starts (cohort patients: orders, then the diagnosis a day later).
    const start = index % 14;
    if (secondLab.has(index)) {
      const values = options.secondLab?.values ?? [];
      // Weekly from the day after the first calcium, between the main lab's (normal) results.
      for (let week = 0; start + 3 + week * 7 < options.days && week < values.length; week++) {
        const value = values[week] as number;
        add({
          atMs: timeOf(start + 3 + week * 7, hour + 2),
          mrn: patient.mrn,
          kind: 'secondLabCalcium',
          value,
          body: (at) =>
            oru(
              patient,
              controlId(),
              at,
              [{ ...calcium(value), code: `${secondLabCalciumCode}^Calcium (lab 2)^L` }],
              'CA2^Calcium^L',
            ),
        });
      }
    }
    if (!patient.cohort) continue;
    // The story, moved to this patient's start: orders, the diagnosis, then weekly calciums.
    const onWarfarin = index % 3 === 0;
    if (onWarfarin) {
      add({
        atMs: timeOf(start, 8),
        mrn: patient.mrn,
        kind: 'order',
        body: (at) => order(patient, controlId(), at, 'NW', `W${index}`, '11289^warfarin^RXNORM', 5, at),
      });
      add({
        atMs: timeOf(start + 16, 9),
        mrn: patient.mrn,
        kind: 'order',
        body: (at) => order(patient, controlId(), at, 'DC', `W${index}`, '11289^warfarin^RXNORM', 5, at),
      });
    }
    if (index % 8 === 0) {
      add({
        atMs: timeOf(start, 9),
        mrn: patient.mrn,
        kind: 'order',
        body: (at) =>
          order(patient, controlId(), at, 'NW', `C${index}`, '^Cinacalcet 30 MG Oral Tablet', 30, at),
      });
      add({
        atMs: timeOf(start + 35, 9),
        mrn: patient.mrn,
        kind: 'order',
        body: (at) =>
          order(patient, controlId(), at, 'XO', `C${index}`, '^Cinacalcet 60 MG Oral Tablet', 60, at),
      });
    }
    add({
      atMs: timeOf(start + 1, 10),
      mrn: patient.mrn,
      kind: 'diagnosis',
      body: (at) => diagnosis(patient, controlId(), at),
    });
    if (index % 12 !== 0) {
      add({
        atMs: timeOf(start + 3, 14),
        mrn: patient.mrn,
        kind: 'order',
        body: (at) =>
          order(
            patient,
            controlId(),
            at,
            'NW',
            `T${index}`,
            '^Sodium Thiosulfate 25 G in 100 ML Injection',
            25_000,
            at,
          ),
      });
    }
    // Weekly calcium; patients with a second lab stay normal at the main lab, so what differs is theirs alone.
    let level = 8.8;
    for (let day = start + 2; day < options.days; day += 6) {
      level = secondLab.has(index)
        ? round1(9 + random())
        : round1(Math.min(10, Math.max(6.8, level + (random() - 0.55) * 1.2)));
      const at = timeOf(day, hour + 1);
      const body = oru(patient, controlId(), hl7Time(new Date(at)), [calcium(level)], '17861-6^Calcium^LN');
      add({ atMs: at, mrn: patient.mrn, kind: 'calcium', value: level, body: () => body });
      // Now and then the lab sends the same bytes again (a duplicate: nothing pages twice).
      if (random() < 0.05) add({ atMs: at + hourMs, mrn: patient.mrn, kind: 'resend', body: () => body });
    }
  }
  // Stable: messages of one time keep the order they were made in.
  return messages.sort((left, right) => left.atMs - right.atMs);
}
