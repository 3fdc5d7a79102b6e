/**
 * Feeds as they are in the field, end to end on the local stack: v2.3
 * pharmacy orders, ADT events the rules ignore, and message types the
 * pipeline does not handle at all.
 */
import { describe, expect, it } from 'vitest';
import { getPatientProfile } from '../../lambdas/adapters/patient-store.js';
import {
  calciphylaxisDiagnosis,
  calciumResult,
  hl7Time,
  newControlId,
  newMrn,
  useHarness,
} from './harness.js';

const harness = useHarness();

const msh = (type: string, controlId: string, version = '2.5.1') =>
  `MSH|^~\\&|PHARMSYS|E2E DIALYSIS|CALCIPHYLAXIS_ALERTING|E2E DIALYSIS|${hl7Time(new Date())}||${type}|${controlId}|P|${version}|||AL|NE`;
const pid = (mrn: string) => `PID|1||${mrn}^^^E2E^MR||TESTPATIENT^E2E||19600101|F`;

describe('ADT events the rules ignore are acknowledged AA and stored', () => {
  it('ADT^A03 (discharge) with a calciphylaxis DG1: AA, the diagnosis is stored and puts the patient in the cohort', async () => {
    const mrn = newMrn();
    const controlId = newControlId();
    const discharge = [
      msh('ADT^A03^ADT_A03', controlId),
      `EVN|A03|${hl7Time(new Date())}`,
      pid(mrn),
      'PV1|1|O|HD^CHAIR09^^E2E',
      `DG1|1||237900002^Calciphylaxis^SCT||${hl7Time(new Date())}|F`,
    ].join('\r');
    const { status, ack } = await harness.post(discharge);
    expect(status).toBe(200);
    expect(ack).toMatch(new RegExp(`\\rMSA\\|AA\\|${controlId}`));

    const profile = await getPatientProfile('E2E', mrn);
    expect(profile).toMatchObject({ mrn, location: 'HD^CHAIR09^^E2E', cohort: { via: 'diagnosis' } });

    // The stored diagnosis counts: a critical calcium for this patient pages.
    expect((await harness.post(calciumResult(mrn, '7.1'))).status).toBe(200);
    await harness.waitFor(() =>
      harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    );
  });

  it('ADT^A02 (transfer) without DG1: AA, and the profile takes the new location', async () => {
    const mrn = newMrn();
    expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
    const transfer = [
      msh('ADT^A02^ADT_A02', newControlId()),
      `EVN|A02|${hl7Time(new Date())}`,
      pid(mrn),
      'PV1|1|I|WARD4^ROOM12^BED2^E2E',
    ].join('\r');
    const { status, ack } = await harness.post(transfer);
    expect(status).toBe(200);
    expect(ack).toMatch(/\rMSA\|AA\|/);
    expect(await getPatientProfile('E2E', mrn)).toMatchObject({ location: 'WARD4^ROOM12^BED2^E2E' });
  });
});

describe('an HL7 v2.3 pharmacy order (RDE^O01)', () => {
  it('is accepted and pages VKA_ACTIVE for a cohort patient, as the v2.5 RDE^O11 does', async () => {
    const mrn = newMrn();
    expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
    const order = [
      msh('RDE^O01', newControlId(), '2.3'),
      pid(mrn),
      'PV1|1|O|HD^CHAIR03^^E2E',
      `ORC|NW|W${mrn}|RXW${mrn}||IP||1^QD^^${hl7Time(new Date())}||${hl7Time(new Date())}`,
      'RXO|11289^warfarin^RXNORM|5||MG',
      `RXE|1^QD^^${hl7Time(new Date())}|11289^warfarin^RXNORM|5||MG|TAB`,
      'RXR|PO',
    ].join('\r');
    const { status, ack } = await harness.post(order);
    expect(status).toBe(200);
    expect(ack).toMatch(/\rMSA\|AA\|/);
    await harness.waitFor(() => harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'VKA_ACTIVE'));
  });
});

describe('result times without an offset, through the deployed path', () => {
  /** `date` as the example hospital's wall clock (America/Chicago), without an offset, as many lab systems send it. */
  const chicagoWallClock = (date: Date): string => {
    const parts: Record<string, string> = {};
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Chicago',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    for (const part of format.formatToParts(date)) parts[part.type] = part.value;
    return `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}${parts.second}`;
  };

  it('are read in the hospital zone from the rules file, not the server zone (TZ set elsewhere)', async () => {
    const serverZone = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      const mrn = newMrn();
      expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
      const drawn = new Date(Math.floor((Date.now() - 3_600_000) / 1000) * 1000);
      const bare = chicagoWallClock(drawn);
      const result = [
        msh('ORU^R01^ORU_R01', newControlId()),
        pid(mrn),
        'PV1|1|O|HD^CHAIR03^^E2E',
        `OBR|1|P${mrn}|F${mrn}|17861-6^Calcium^LN|||${bare}`,
        `OBX|1|NM|17861-6^Calcium [Mass/volume] in Serum or Plasma^LN||7.0|mg/dL|8.4-10.2|LL|||F|||${bare}`,
      ].join('\r');
      expect((await harness.post(result)).status).toBe(200);
      await harness.waitFor(() =>
        harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
      );
      const page = harness.notificationsFor(mrn).find((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW');
      const evidence = page?.body.evidence as { kind: string; at: string }[];
      expect(evidence.find((item) => item.kind === 'observation')?.at).toBe(drawn.toISOString());
    } finally {
      if (serverZone === undefined) delete process.env.TZ;
      else process.env.TZ = serverZone;
    }
  });
});

describe('message types the pipeline does not handle', () => {
  it.each([
    ['ORM^O01', '2.3'],
    ['SIU^S12^SIU_S12', '2.5.1'],
  ])('%s is answered AR (HTTP 400) with ERR 200 naming MSH-9', async (type, version) => {
    const controlId = newControlId();
    const { status, ack } = await harness.post([msh(type, controlId, version), pid(newMrn())].join('\r'));
    expect(status).toBe(400);
    expect(ack).toMatch(new RegExp(`\\rMSA\\|AR\\|${controlId}`));
    expect(ack).toMatch(/\rERR\|[^\r]*MSH\^1\^9\^1[^\r]*\|200\^Unsupported message type\^HL70357/);
  });
});
