/**
 * The common shape of the rules that judge the newest result of one analyte against a threshold:
 * fire while the newest readable value proves the finding; resolve an open alert when a newer value
 * proves it is over, or when every result it rested on was retracted or corrected away.
 */
import type { Alert, Evidence, RuleId, RuleOutcome, Severity } from '../../domain/alerts.js';
import type { Analyte } from '../../domain/records.js';
import { defineRule, type Rule, type RuleContext } from '../rule.js';
import {
  alertBasisWithdrawn,
  describeResult,
  isNewerThanAlertBasis,
  newestUsable,
  observationEvidence,
  type ReadableEntry,
} from './observations.js';
import { fire, noChange, openAlertFor, resolve } from './outcomes.js';

export interface ResultRuleSpec {
  id: RuleId;
  /** The rule's logic version (rule.ts, `Rule.version`). */
  version: number;
  severity: Severity;
  seed: readonly string[];
  analyte: Analyte;
  /** Whether the newest readable result proves the finding. */
  fires(entry: ReadableEntry, context: RuleContext): boolean;
  /** Whether a result newer than the alert's proves the finding is over. */
  resolves(entry: ReadableEntry, context: RuleContext): boolean;
  /** One sentence with the value, unit and time. */
  finding(entry: ReadableEntry, context: RuleContext): string;
  recommendation(entry: ReadableEntry, context: RuleContext): string;
  resolveReason(entry: ReadableEntry, context: RuleContext): string;
  /** Other results the finding rests on (the earlier CRP of a rise). */
  moreEvidence?(entry: ReadableEntry, context: RuleContext): Evidence[];
  /** Another rule's alert stands for this finding now: neither fire nor resolve. */
  standsAside?(context: RuleContext): boolean;
  /** An end that is not a newer result (a cinacalcet order becoming active). */
  resolvesOtherwise?(context: RuleContext, open: Alert): { reason: string; evidence: Evidence[] } | undefined;
}

export function resultRule(spec: ResultRuleSpec): Rule {
  return defineRule({
    id: spec.id,
    version: spec.version,
    severity: spec.severity,
    trigger: 'event',
    seed: spec.seed,
    evaluate(context): RuleOutcome[] {
      const { state } = context;
      if (spec.standsAside?.(context)) return [noChange(spec.id)];
      const newest = newestUsable(state, spec.analyte, spec.severity);
      if (newest !== undefined && spec.fires(newest, context)) {
        return [
          fire({
            ruleId: spec.id,
            severity: spec.severity,
            alertScope: '',
            finding: spec.finding(newest, context),
            recommendation: spec.recommendation(newest, context),
            evidence: [observationEvidence(newest), ...(spec.moreEvidence?.(newest, context) ?? [])],
          }),
        ];
      }
      const open = openAlertFor(state, spec.id);
      if (open === undefined) return [noChange(spec.id)];
      const otherEnd = spec.resolvesOtherwise?.(context, open);
      if (otherEnd !== undefined) return [resolve(spec.id, otherEnd.reason, otherEnd.evidence)];
      // Preliminary results may raise a critical alert, but only final or corrected ones end it.
      const settled = newestUsable(state, spec.analyte, 'urgent');
      const settledResolves = settled !== undefined && spec.resolves(settled, context);
      const withdrawn = alertBasisWithdrawn(open, state);
      if (withdrawn !== undefined) {
        const how = withdrawn === 'retracted' ? 'retracted' : 'replaced by a corrected or final version';
        let latest = '.';
        if (settled !== undefined) {
          latest = settledResolves
            ? `; ${spec.resolveReason(settled, context)}`
            : `; latest: ${describeResult(settled, context.config.timeZone)}.`;
        }
        const evidence = settled === undefined ? [] : [observationEvidence(settled)];
        return [resolve(spec.id, `The result it rested on was ${how}${latest}`, evidence)];
      }
      if (settledResolves && isNewerThanAlertBasis(settled, open, state)) {
        return [resolve(spec.id, spec.resolveReason(settled, context), [observationEvidence(settled)])];
      }
      return [noChange(spec.id)];
    },
  });
}
