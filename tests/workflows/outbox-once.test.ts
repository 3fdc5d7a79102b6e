/**
 * No page twice: the path that paged one result twice under load. The
 * evaluation commits its outbox entry and starts publishing; SNS is slow
 * (under load, or a timeout); meanwhile the sweep reads the same patient,
 * finds the entry still unsent and publishes it too. Over the real store
 * (DynamoDB Local) and topics (the SNS emulator); the only fault injected is
 * a publish that waits, which a real emulator cannot be asked to do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as store from '../../lambdas/adapters/store.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { PatientRef } from '../../lambdas/domain/records.js';
import { type EvaluationPorts, evaluateItem, evaluateUnit } from '../../lambdas/workflows/evaluate.js';
import { outboxPolicy } from '../../lambdas/workflows/notify.js';
import { StoreError, type WorkflowSettings } from '../../lambdas/workflows/ports.js';
import { runSweep, type SweepPorts } from '../../lambdas/workflows/sweep.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { enrolledPatientWithCalcium } from '../support/stored-patients.js';
import { calciumObservation, messageIdentity, uniqueControlId } from '../support/synthetic-records.js';

const settings: WorkflowSettings = {
  config: parseRulesConfig({ timeZone: 'America/Chicago' }),
  historyDays: 400,
};

let realPorts: EvaluationPorts;

beforeAll(async () => {
  await useLocalServices();
  ({ evaluationPorts: realPorts } = await import('../../lambdas/handlers/ports.js'));
}, localServicesTimeoutMs);

/** A cohort patient whose critical calcium (7.1 mg/dL) is stored, not yet evaluated. */
async function storedCriticalCalcium(at: Date) {
  const { patient, items } = await enrolledPatientWithCalcium('SYNTH_OUTBOX', 7.1, at);
  const [item] = items;
  if (item === undefined) throw new Error('no record stored');
  return { patient, item };
}

/** Only this patient, as the sweep would see it (other suites share the table). */
function sweepPortsFor(patient: PatientRef, ports: EvaluationPorts): SweepPorts {
  return {
    ...ports,
    async listCohortPatients() {
      return (await store.listCohortPatients()).filter((profile) => profile.mrn === patient.mrn);
    },
    async listActiveAlerts() {
      return { alerts: [] };
    },
  };
}

describe('an outbox entry is published once, whoever finds it', () => {
  it('does not page twice when the sweep finds the entry while the evaluation is still publishing it', async () => {
    const at = new Date();
    const { patient, item } = await storedCriticalCalcium(at);
    const published: string[] = [];
    let releaseFirstPublish: () => void = () => undefined;
    const firstPublishHeld = new Promise<void>((resolve) => {
      releaseFirstPublish = resolve;
    });
    let evaluationPublishing: () => void = () => undefined;
    const evaluationReachedPublish = new Promise<void>((resolve) => {
      evaluationPublishing = resolve;
    });
    let publishes = 0;
    const slowFirstPublish: EvaluationPorts = {
      ...realPorts,
      async publish(topic, rendered) {
        publishes += 1;
        if (publishes === 1) {
          // SNS answers slowly: the evaluation sits between its commit and its publish.
          evaluationPublishing();
          await firstPublishHeld;
        }
        const messageId = await realPorts.publish(topic, rendered);
        published.push(`${rendered.attributes.ruleId} ${rendered.attributes.event}`);
        return messageId;
      },
    };

    const evaluation = evaluateItem(item, slowFirstPublish, settings, () => at);
    await evaluationReachedPublish;
    const sweep = await runSweep(sweepPortsFor(patient, slowFirstPublish), settings, () => at);
    releaseFirstPublish();
    await evaluation;

    expect(sweep.failures).toEqual([]);
    expect(published).toEqual(['CALCIUM_CRITICAL_LOW opened']);
    const history = await store.loadPatient(patient.namespace, patient.mrn, { historyDays: 400, now: at });
    expect(history.pendingNotifications).toEqual([]);
  });
});

describe('an outbox entry that keeps failing is parked', () => {
  it('parks the page after its last attempt, counts it, and evaluates the patient’s next result', async () => {
    const at = new Date();
    const { patient, item } = await storedCriticalCalcium(at);
    const published: string[] = [];
    const snsRefusesTheOpening: EvaluationPorts = {
      ...realPorts,
      async publish(topic, rendered) {
        if (rendered.attributes.event === 'opened') throw new Error('injected: SNS refuses this page');
        const messageId = await realPorts.publish(topic, rendered);
        published.push(`${rendered.attributes.ruleId} ${rendered.attributes.event}`);
        return messageId;
      },
    };

    // The stream retries the record; each attempt tries the committed page again, the last parks it.
    for (let attempt = 1; attempt < outboxPolicy.maxPublishAttempts; attempt++) {
      await expect(evaluateItem(item, snsRefusesTheOpening, settings, () => at)).rejects.toThrow('injected');
    }
    const last = await evaluateItem(item, snsRefusesTheOpening, settings, () => at);
    expect(last).toMatchObject({ parked: 1, published: 0 });
    expect(
      (await store.loadPatient(patient.namespace, patient.mrn, { historyDays: 400, now: at }))
        .pendingNotifications,
    ).toEqual([]);

    // The patient is not blocked: a normal calcium resolves the alert and that notice goes out.
    const later = new Date(at.getTime() + 60_000);
    const controlId = uniqueControlId();
    const accepted = await store.acceptMessage({
      ...messageIdentity(),
      facility: patient.facility,
      controlId,
      receivedAt: later.toISOString(),
      archiveKey: `raw/outbox-test/${controlId}.hl7`,
      patient,
      records: [calciumObservation({ calciumMgDl: 9.1, controlId, observedAt: later.toISOString() })],
    });
    if (accepted.outcome !== 'stored') throw new Error('calcium not stored');
    const [stored] = accepted.storedRecords;
    if (stored === undefined) throw new Error('no record stored');
    const next = await evaluateItem({ ...item, stored }, snsRefusesTheOpening, settings, () => later);
    expect(next).toMatchObject({ parked: 0, published: 1 });
    expect(published).toEqual(['CALCIUM_CRITICAL_LOW resolved']);
  });
});

/**
 * The real ports, with the published notificationIds recorded and the sent mark's first
 * attempts failing as `failure` says (undefined: written).
 */
function sentMarkFaults(failure: (completion: number) => Error | undefined) {
  const ids: string[] = [];
  const counts = { completions: 0 };
  const ports: EvaluationPorts = {
    ...realPorts,
    async publish(topic, rendered) {
      ids.push(String(rendered.attributes.notificationId));
      return realPorts.publish(topic, rendered);
    },
    async completeNotification(pending, messageId, sentAt) {
      counts.completions += 1;
      const error = failure(counts.completions);
      if (error !== undefined) throw error;
      return realPorts.completeNotification(pending, messageId, sentAt);
    },
  };
  return { ports, ids, counts };
}

/** A stored critical calcium, as one evaluation unit. */
async function criticalCalciumUnit(at: Date) {
  const { item } = await storedCriticalCalcium(at);
  return { kind: 'records' as const, patient: item.patient, stored: [item.stored] };
}

describe('a re-published page carries the same notificationId', () => {
  it('publishes again with the same notificationId when the sent mark was lost, for the same stream record', async () => {
    const at = new Date();
    const unit = await criticalCalciumUnit(at);
    // The function stops after SNS took the page and before it is marked sent.
    const { ports: markLostOnce, ids } = sentMarkFaults((completion) =>
      completion === 1 ? new Error('injected: stopped before the sent mark') : undefined,
    );
    const retryOfTheSameRecord = { claimant: 'evaluate:event-1', clock: () => at };

    await expect(evaluateUnit(unit, markLostOnce, settings, retryOfTheSameRecord)).rejects.toThrow(
      'injected',
    );
    // Another publisher (the sweep) leaves the entry alone while the first one's claim holds.
    const other = await evaluateUnit(unit, markLostOnce, settings, { claimant: 'sweep:x', clock: () => at });
    expect(other.published).toBe(0);
    const retried = await evaluateUnit(unit, markLostOnce, settings, retryOfTheSameRecord);

    expect(retried.published).toBe(1);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^CALCIUM_CRITICAL_LOW-[0-9a-z]+:opened$/);
    expect(ids[1]).toBe(ids[0]);
  });
});

describe('a sent mark the store could not take for a moment', () => {
  it('is written again at once, so a page is not published twice when DynamoDB is briefly slow', async () => {
    // Under a morning batch the store times out now and then (a retryable StoreError); the page
    // SNS already took must not go out again with the stream's retry of the record.
    const at = new Date();
    const unit = await criticalCalciumUnit(at);
    const {
      ports: markSlowTwice,
      ids,
      counts,
    } = sentMarkFaults((completion) =>
      completion <= 2 ? new StoreError('injected: DynamoDB timed out', true) : undefined,
    );
    const publisher = { claimant: 'evaluate:event-2', clock: () => at };

    const first = await evaluateUnit(unit, markSlowTwice, settings, publisher);
    const retried = await evaluateUnit(unit, markSlowTwice, settings, publisher);

    expect(first.published).toBe(1);
    expect(retried.published).toBe(0);
    expect(ids).toHaveLength(1);
    expect(counts.completions).toBe(3);
  });

  it('still fails the evaluation when the store keeps refusing, leaving the entry to a retry', async () => {
    const at = new Date();
    const unit = await criticalCalciumUnit(at);
    const { ports: markRefused, counts } = sentMarkFaults(() => new StoreError('injected: refused', false));
    await expect(
      evaluateUnit(unit, markRefused, settings, { claimant: 'evaluate:event-3', clock: () => at }),
    ).rejects.toThrow('injected: refused');
    // Not retryable: written once, not again.
    expect(counts.completions).toBe(1);
  });
});
