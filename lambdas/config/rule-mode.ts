/**
 * A rule's mode as the functions read it: zod-free, so the evaluate, sweep and ack-link bundles
 * stay lean (the schema and its checks are in rule-modes.ts, used at synth). Pure: no AWS import.
 */
import type { RuleId } from '../domain/alerts.js';

export const ruleModeNames = ['live', 'shadow', 'off'] as const;
export type RuleMode = (typeof ruleModeNames)[number];

/** The rule's mode under this configuration (`live` unless set). */
export function ruleModeOf(
  config: { modes?: Partial<Record<RuleId, { mode: RuleMode }>> },
  ruleId: RuleId,
): RuleMode {
  return config.modes?.[ruleId]?.mode ?? 'live';
}
