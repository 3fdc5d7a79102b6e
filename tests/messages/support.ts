/** Test support: fixtures and inline messages go through the real HL7 reader before the model sees them. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  parseRulesConfig,
  type RulesConfig,
  type RulesConfigInput,
} from '../../lambdas/config/rules-config.js';
import type { Diagnosis, MedicationOrderEvent, Observation } from '../../lambdas/domain/records.js';
import { type Hl7Message, readHl7 } from '../../lambdas/hl7/index.js';
import { type ModelledMessage, modelMessage } from '../../lambdas/messages/index.js';

export const fixtureDir = new URL('../fixtures/messages/', import.meta.url);

export function hospitalConfig(overrides: Partial<RulesConfigInput> = {}): RulesConfig {
  return parseRulesConfig({
    timeZone: 'America/Chicago',
    localLabCodes: { DIALCA: 'dialysateCalcium' },
    localDrugCodes: { 'PH-7731': 'cinacalcet' },
    ...overrides,
  });
}

/** Reads HL7 text (segments separated by CR or newlines) into one validated message. */
export function hl7(text: string): Hl7Message {
  const result = readHl7(text.trim().replace(/\r?\n/g, '\r'));
  expect(result.messages).toHaveLength(1);
  const [read] = result.messages;
  if (read === undefined || !read.ok)
    throw new Error(`reader rejected the test message: ${JSON.stringify(read)}`);
  return read.message;
}

export function fixture(name: string): Hl7Message {
  return hl7(readFileSync(new URL(name, fixtureDir), 'utf8'));
}

export function modelled(message: Hl7Message, config: RulesConfig = hospitalConfig()): ModelledMessage {
  const result = modelMessage(message, config);
  if (!result.ok) throw new Error(`model rejected the message: ${JSON.stringify(result.errors)}`);
  return result.modelled;
}

export function observations(m: ModelledMessage): Observation[] {
  return m.records.filter((r): r is Observation => r.kind === 'observation');
}

export function orders(m: ModelledMessage): MedicationOrderEvent[] {
  return m.records.filter((r): r is MedicationOrderEvent => r.kind === 'medicationOrder');
}

export function diagnoses(m: ModelledMessage): Diagnosis[] {
  return m.records.filter((r): r is Diagnosis => r.kind === 'diagnosis');
}

const msh = (
  type: string,
  controlId: string,
  sentAt = '20260310091500-0500',
  facility = 'NORTHSIDE DIALYSIS',
) =>
  `MSH|^~\\&|SENDER|${facility}|DIALYSIS_INGEST|NORTHSIDE DIALYSIS|${sentAt}||${type}|${controlId}|P|2.5.1|||AL|NE`;

/** A small ORU^R01 built from parts, for the cases fixtures do not cover. */
export function oruMessage(parts: {
  pid?: string;
  pv1?: string;
  facility?: string;
  body?: string;
  sentAt?: string;
}): Hl7Message {
  return hl7(
    [
      msh('ORU^R01^ORU_R01', 'T1', parts.sentAt, parts.facility),
      parts.pid ?? 'PID|1||990099^^^NDC^MR||TEST^PATIENT||19600101|F',
      parts.pv1 ?? 'PV1|1|O|HD^CHAIR01^^NDC',
      parts.body ??
        'OBR|1|P1|F1|24362-6^Renal panel^LN|||20260310071500-0500\rOBX|1|NM|17861-6^Calcium^LN||9.1|mg/dL|||||F',
    ].join('\r'),
  );
}

/** A pharmacy or ADT message from its segments after PID. */
export function messageOf(type: string, body: string, sentAt?: string): Hl7Message {
  return hl7(
    [
      msh(type, 'T2', sentAt),
      'PID|1||990099^^^NDC^MR||TEST^PATIENT||19600101|M',
      'PV1|1|O|HD^CHAIR01^^NDC',
      body,
    ].join('\r'),
  );
}
