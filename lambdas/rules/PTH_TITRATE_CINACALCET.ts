/**
 * PTH_TITRATE_CINACALCET (advisory): 300 < PTH ≤ 500 pg/mL (the hospital's `pth` bands) on active
 * cinacalcet at a stated dose below 180 mg, last dose change at least 14 days ago (local default). Resolves on a newer
 * PTH ≤ 300, or a cinacalcet dose change that arrived after the alert opened.
 */
import type { CinacalcetDoseChange } from '../patient/patient-state.js';
import type { RuleContext } from './rule.js';
import {
  activeCinacalcet,
  describeDoseChange,
  doseChangeEvidence,
  nextHigherCinacalcetDose,
} from './support/cinacalcet.js';
import { describeResult } from './support/observations.js';
import { isAboveTargetBand, targetBandInWords } from './support/pth.js';
import { formatThreshold, meetsAtMost } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';
import { daysElapsed, formatClinicalTime, instantMs, msPerDay } from './support/time.js';

/** The dose in force, its next step and since when, when titration is due. */
function titrationDue(
  context: RuleContext,
): { dailyDoseMg: number; nextMg: number; since: string } | undefined {
  const { state, now, config } = context;
  const order = activeCinacalcet(state, now.getTime());
  if (order?.dailyDoseMg === undefined) return undefined;
  const nextMg = nextHigherCinacalcetDose(order.dailyDoseMg);
  if (nextMg === undefined) return undefined;
  // The last start or change; an order whose start is not in the loaded history counts from its start.
  const since = state.cinacalcetDoses.at(-1)?.at ?? order.startedAt;
  if (now.getTime() - instantMs(since) < config.pthTitrateMinDaysSinceChange * msPerDay) return undefined;
  return { dailyDoseMg: order.dailyDoseMg, nextMg, since };
}

const changedSince = (
  openedAt: string,
  changes: readonly CinacalcetDoseChange[],
): CinacalcetDoseChange | undefined =>
  changes.findLast(
    (change) => instantMs(change.receivedAt) > instantMs(openedAt) || change.atMs > instantMs(openedAt),
  );

export const PTH_TITRATE_CINACALCET = resultRule({
  id: 'PTH_TITRATE_CINACALCET',
  version: 1,
  severity: 'advisory',
  seed: [
    'Initiate cinacalcet 30mg daily, titrating every 2-4 weeks through sequential doses (30,60,90,120, 180mg daily) to target PTH 150-300 pg/mL',
    'Monitor serum calcium within 1 week after initiation or dose adjustment',
  ],
  analyte: 'pth',
  fires: ({ observation }, context) =>
    isAboveTargetBand(observation.canonical, context.config.pth) && titrationDue(context) !== undefined,
  resolves: ({ observation }, { config }) => meetsAtMost(observation.canonical, config.pth.targetUpperPgMl),
  resolvesOtherwise: ({ state, config }, open) => {
    const change = changedSince(open.openedAt, state.cinacalcetDoses);
    if (change === undefined) return undefined;
    return {
      reason: `Cinacalcet ${describeDoseChange(change)} at ${formatClinicalTime(change.at, config.timeZone)}.`,
      evidence: [doseChangeEvidence(change)],
    };
  },
  finding: (entry, context) => {
    const due = titrationDue(context);
    const days =
      due === undefined
        ? ''
        : ` on cinacalcet ${due.dailyDoseMg} mg daily, unchanged for ${daysElapsed(instantMs(due.since), context.now.getTime())} days`;
    const { pth, timeZone } = context.config;
    return `${describeResult(entry, timeZone, [pth.targetUpperPgMl])} is above the ${targetBandInWords(pth)} target${days}.`;
  },
  recommendation: (_entry, context) => {
    const due = titrationDue(context);
    return due === undefined
      ? 'Increase cinacalcet to the next dose; check calcium within 1 week.'
      : `Increase cinacalcet from ${due.dailyDoseMg} mg to ${due.nextMg} mg daily (the next dose); check calcium within 1 week.`;
  },
  resolveReason: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [config.pth.targetUpperPgMl])} is ${formatThreshold(config.pth.targetUpperPgMl)} pg/mL or below.`,
});
