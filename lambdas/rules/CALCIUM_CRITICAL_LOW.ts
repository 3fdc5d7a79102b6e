/**
 * CALCIUM_CRITICAL_LOW (critical): total calcium < 7.5 mg/dL. Resolves on a newer calcium ≥ 8.0 mg/dL,
 * naming the cinacalcet restart dose. A calcium of 7.5–8.0 neither fires nor resolves it.
 */
import type { RuleContext } from './rule.js';
import {
  activeCinacalcet,
  cinacalcetDoseLadderMg,
  heldCinacalcet,
  nextLowerCinacalcetDose,
} from './support/cinacalcet.js';
import { describeResult } from './support/observations.js';
import { meetsAtLeast, meetsBelow } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const criticalBelowMgDl = 7.5;
const restartFromMgDl = 8.0;
const ladderInWords = `${[...cinacalcetDoseLadderMg].reverse().join('→')} mg`;

/**
 * The cinacalcet dose to step down from: the active order's, else a held order's (held is what
 * this alert advises, so by the time calcium recovers the order is often on hold).
 */
function doseToStepDownFrom(context: RuleContext): { dailyDoseMg?: number; held: boolean } | undefined {
  const active = activeCinacalcet(context.state, context.now.getTime());
  if (active !== undefined)
    return { held: false, ...(active.dailyDoseMg === undefined ? {} : { dailyDoseMg: active.dailyDoseMg }) };
  const held = heldCinacalcet(context.state);
  if (held !== undefined)
    return { held: true, ...(held.dailyDoseMg === undefined ? {} : { dailyDoseMg: held.dailyDoseMg }) };
  return undefined;
}

function withholdAdvice(context: RuleContext): string {
  const current = doseToStepDownFrom(context);
  if (current === undefined) {
    return `No active cinacalcet order: if cinacalcet is being given, withhold it until calcium ≥ 8.0 mg/dL, then restart at the next lower dose (${ladderInWords}; at 30 mg there is none: review before restarting). Recheck calcium.`;
  }
  const { dailyDoseMg } = current;
  const now = current.held ? 'held' : 'now';
  if (dailyDoseMg === undefined) {
    return `Withhold cinacalcet until calcium ≥ 8.0 mg/dL, then restart at the next lower dose (the order states no dose: ${ladderInWords}; at 30 mg there is none: review before restarting). Recheck calcium.`;
  }
  const restart = nextLowerCinacalcetDose(dailyDoseMg);
  return restart === undefined
    ? `Withhold cinacalcet (${now} ${dailyDoseMg} mg daily) until calcium ≥ 8.0 mg/dL; restart dose: none: review before restarting. Recheck calcium.`
    : `Withhold cinacalcet (${now} ${dailyDoseMg} mg daily) until calcium ≥ 8.0 mg/dL, then restart at ${restart} mg daily. Recheck calcium.`;
}

function restartAdvice(context: RuleContext): string {
  const current = doseToStepDownFrom(context);
  if (current === undefined) return 'no active cinacalcet order, so there is no restart dose to name.';
  const { dailyDoseMg } = current;
  const was = current.held ? 'held at' : 'on';
  if (dailyDoseMg === undefined) {
    return `restart cinacalcet at the next lower dose (the order states no dose: ${ladderInWords}).`;
  }
  const restart = nextLowerCinacalcetDose(dailyDoseMg);
  return restart === undefined
    ? `cinacalcet was ${was} ${dailyDoseMg} mg daily; restart dose: none: review before restarting.`
    : `restart cinacalcet at ${restart} mg daily (the next lower dose; ${was} ${dailyDoseMg} mg daily).`;
}

export const CALCIUM_CRITICAL_LOW = resultRule({
  id: 'CALCIUM_CRITICAL_LOW',
  version: 1,
  severity: 'critical',
  seed: [
    'If calcium falls below 7.5 mg/dL: withhold cinacalcet until calcium reaches 8 mg/dL, then restart at next lowest dose',
  ],
  analyte: 'calcium',
  fires: (entry) => meetsBelow(entry.observation.canonical, criticalBelowMgDl),
  resolves: (entry) => meetsAtLeast(entry.observation.canonical, restartFromMgDl),
  finding: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [criticalBelowMgDl])} is below 7.5 mg/dL.`,
  recommendation: (_entry, context) => withholdAdvice(context),
  resolveReason: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [restartFromMgDl])} is at least 8.0 mg/dL: ${restartAdvice(context)}`,
});
