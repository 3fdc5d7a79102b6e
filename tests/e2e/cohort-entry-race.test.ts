/**
 * Results of patients outside the cohort are marked at ingest and start no
 * evaluation. A critical result that arrives at the same moment as the
 * diagnosis bringing the patient into the cohort must still page, once: if
 * its transaction commits first it is marked, and the cohort entry's
 * evaluation reads it with the history; if after, it is evaluated itself.
 */
import { describe, expect, it } from 'vitest';
import { calciphylaxisDiagnosis, calciumResult, newMrn, useHarness } from './harness.js';

const harness = useHarness();

const criticalPages = (mrn: string) =>
  harness
    .notificationsFor(mrn)
    .filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === 'opened');

describe('a critical calcium (CALCIUM_CRITICAL_LOW, 7.1 mg/dL) sent with the cohort-entering diagnosis', () => {
  it('pages once for each patient, whichever transaction commits first', async () => {
    const mrns = Array.from({ length: 8 }, () => newMrn());
    const answers = await Promise.all(
      mrns.flatMap((mrn) => [
        harness.post(calciumResult(mrn, '7.1')),
        harness.post(calciphylaxisDiagnosis(mrn)),
      ]),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    await harness.waitFor(() => mrns.every((mrn) => criticalPages(mrn).length > 0));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(mrns.map((mrn) => criticalPages(mrn).length)).toEqual(mrns.map(() => 1));
  }, 60_000);
});
