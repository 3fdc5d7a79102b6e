/**
 * CALCIUM_CRITICAL_LOW (critical): total calcium < 7.5 mg/dL. Resolves on a newer calcium ≥ 8.0 mg/dL,
 * naming the cinacalcet restart dose. A calcium of 7.5–8.0 neither fires nor resolves it. Both lines
 * are the hospital's `calcium.criticalBelowMgDl` and `calcium.criticalResolvesAtMgDl` (defaults 7.5
 * and 8.0, within the catalogue's ranges).
 */
import type { RuleContext } from './rule.js';
import {
  activeCinacalcet,
  cinacalcetDoseLadderMg,
  heldCinacalcet,
  nextLowerCinacalcetDose,
} from './support/cinacalcet.js';
import { describeResult } from './support/observations.js';
import { formatThreshold, meetsAtLeast, meetsBelow } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const criticalBelow = ({ config }: RuleContext): number => config.calcium.criticalBelowMgDl;
const restartFrom = ({ config }: RuleContext): number => config.calcium.criticalResolvesAtMgDl;
/** `8.0 mg/dL`: calcium lines as the catalogue writes them. */
const mgDl = (line: number): string => `${formatThreshold(line, 1)} mg/dL`;
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
    return `No active cinacalcet order: if cinacalcet is being given, withhold it until calcium ≥ ${mgDl(restartFrom(context))}, then restart at the next lower dose (${ladderInWords}; at 30 mg there is none: review before restarting). Recheck calcium.`;
  }
  const { dailyDoseMg } = current;
  const now = current.held ? 'held' : 'now';
  if (dailyDoseMg === undefined) {
    return `Withhold cinacalcet until calcium ≥ ${mgDl(restartFrom(context))}, then restart at the next lower dose (the order states no dose: ${ladderInWords}; at 30 mg there is none: review before restarting). Recheck calcium.`;
  }
  const restart = nextLowerCinacalcetDose(dailyDoseMg);
  return restart === undefined
    ? `Withhold cinacalcet (${now} ${dailyDoseMg} mg daily) until calcium ≥ ${mgDl(restartFrom(context))}; restart dose: none: review before restarting. Recheck calcium.`
    : `Withhold cinacalcet (${now} ${dailyDoseMg} mg daily) until calcium ≥ ${mgDl(restartFrom(context))}, then restart at ${restart} mg daily. Recheck calcium.`;
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
  fires: (entry, context) => meetsBelow(entry.observation.canonical, criticalBelow(context)),
  resolves: (entry, context) => meetsAtLeast(entry.observation.canonical, restartFrom(context)),
  finding: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [criticalBelow(context)])} is below ${mgDl(criticalBelow(context))}.`,
  recommendation: (_entry, context) => withholdAdvice(context),
  resolveReason: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [restartFrom(context)])} is at least ${mgDl(restartFrom(context))}: ${restartAdvice(context)}`,
});
