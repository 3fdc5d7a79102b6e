/**
 * The admin workflow: a cohort removal needs a reason and records the
 * patient's active alerts it will resolve; an acknowledgement keeps the
 * caller's identity as `acknowledgedBy` and a name only beside it.
 */
import { describe, expect, it } from 'vitest';
import type { CohortMembershipChange, StoredEnrolment } from '../../lambdas/adapters/store.js';
import { acknowledgeAlert, applyOutcomes } from '../../lambdas/alerts/lifecycle.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import {
  type AdminPorts,
  changeCohortMembership,
  RemovalReasonMissingError,
} from '../../lambdas/workflows/admin.js';
import { at, calciumEvidence, config, fire, patient } from '../alerts/factories.js';

const identity = 'arn:aws:iam::123456789012:user/dr-renal';
const t0 = at('2027-03-01T12:00:00Z');

function openCriticalAlert(): Alert {
  const result = applyOutcomes({
    patient,
    activeAlerts: [],
    outcomes: [fire('CALCIUM_CRITICAL_LOW', { evidence: [calciumEvidence('r1', 7.1)] })],
    now: t0,
    config,
  });
  const alert = result.changes[0]?.alert;
  if (alert === undefined) throw new Error('no alert');
  return alert;
}

function recordingPorts(active: Alert[]) {
  const writes: CohortMembershipChange[] = [];
  const reads: string[] = [];
  const ports: Pick<AdminPorts, 'setCohortMembership' | 'activeAlertsOf'> = {
    async activeAlertsOf(namespace, mrn) {
      reads.push(`${namespace}/${mrn}`);
      return active;
    },
    async setCohortMembership(_namespace, _mrn, change): Promise<StoredEnrolment> {
      writes.push(change);
      return { recordId: `STATE#ENROL#${change.at}`, enrolment: { kind: 'cohortEnrolment', ...change } };
    },
  };
  return { ports, writes, reads };
}

describe('changeCohortMembership', () => {
  it('refuses a removal without a reason, or with a blank one, and writes nothing', async () => {
    const { ports, writes } = recordingPorts([openCriticalAlert()]);
    for (const reason of [undefined, '  ']) {
      await expect(
        changeCohortMembership(
          patient.namespace,
          patient.mrn,
          {
            action: 'remove',
            by: identity,
            at: t0.toISOString(),
            ...(reason === undefined ? {} : { reason }),
          },
          ports,
        ),
      ).rejects.toBeInstanceOf(RemovalReasonMissingError);
    }
    expect(writes).toEqual([]);
  });

  it("records a removal with the identity, the name beside it, the reason and the patient's active alerts", async () => {
    const alert = openCriticalAlert();
    const { ports, writes, reads } = recordingPorts([alert]);
    const stored = await changeCohortMembership(
      patient.namespace,
      patient.mrn,
      { action: 'remove', by: identity, byName: 'Dr Renal', at: t0.toISOString(), reason: 'transferred' },
      ports,
    );
    expect(reads).toEqual([`${patient.namespace}/${patient.mrn}`]);
    expect(writes).toEqual([
      {
        action: 'remove',
        by: identity,
        byName: 'Dr Renal',
        at: t0.toISOString(),
        reason: 'transferred',
        resolvesAlerts: [
          { alertId: alert.alertId, ruleId: 'CALCIUM_CRITICAL_LOW', severity: 'critical', state: 'open' },
        ],
      },
    ]);
    expect(stored.enrolment.resolvesAlerts).toHaveLength(1);
  });

  it('enrols without a reason and without reading alerts', async () => {
    const { ports, writes, reads } = recordingPorts([]);
    await changeCohortMembership(
      patient.namespace,
      patient.mrn,
      { action: 'enrol', by: identity, at: t0.toISOString() },
      ports,
    );
    expect(reads).toEqual([]);
    expect(writes[0]).toEqual({ action: 'enrol', by: identity, at: t0.toISOString() });
  });
});

describe('acknowledgeAlert with a name', () => {
  it('keeps the identity as acknowledgedBy and audit by, the name beside it', () => {
    const result = acknowledgeAlert({
      alert: openCriticalAlert(),
      by: identity,
      byName: 'Dr Renal',
      now: t0,
    });
    expect(result.changes[0]?.alert).toMatchObject({
      acknowledgedBy: identity,
      acknowledgedByName: 'Dr Renal',
    });
    expect(result.audit).toEqual([
      expect.objectContaining({
        by: identity,
        byName: 'Dr Renal',
        reason: `acknowledged by Dr Renal (${identity})`,
      }),
    ]);
  });
});
