/**
 * The escalation chain: who is told, level by level, when a critical alert
 * stays unacknowledged. Each level's delay counts from when the alert opened
 * (a timetable: "backup at 15 min, charge nurse at 30 min"), so a sweep that
 * runs late never pushes the later levels further back.
 *
 * Level 1 publishes to the `escalations` topic (`calciphylaxis-escalations`),
 * level n ≥ 2 to `calciphylaxis-escalation-<n>`; notifications keep
 * `topic: 'escalations'` and name the level in `escalation.level` (and in the
 * `escalationLevel` message attribute), which the publisher maps to an ARN.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert, EscalationStep } from '../domain/alerts.js';

export interface EscalationLevel extends EscalationStep {
  /** Minutes after the alert opened. */
  afterMinutes: number;
}

/** The name of the single default level, used where the hospital configured no chain. */
export const defaultEscalationLevelName = 'escalations';

/** The hospital's chain, or the one default level after `escalateAfterMinutes`. */
export function escalationChainOf(
  config: Pick<RulesConfig, 'escalateAfterMinutes' | 'escalationChain'>,
): EscalationLevel[] {
  const levels = config.escalationChain ?? [
    { name: defaultEscalationLevelName, afterMinutes: config.escalateAfterMinutes },
  ];
  return levels.map((level, index) => ({
    level: index + 1,
    name: level.name,
    afterMinutes: level.afterMinutes,
  }));
}

/** The highest level already notified; alerts stored before the chain existed count `escalatedAt` as level 1. */
export function escalationLevelReached(alert: Pick<Alert, 'escalationLevel' | 'escalatedAt'>): number {
  return alert.escalationLevel ?? (alert.escalatedAt === undefined ? 0 : 1);
}

/** SNS topic name of a level: level 1 keeps the original `<prefix>-escalations`. */
export function escalationTopicName(prefix: string, level: number): string {
  return level === 1 ? `${prefix}-escalations` : `${prefix}-escalation-${level}`;
}

/** The environment variable that maps levels to topic ARNs: JSON `{"1": arn, "2": arn}`. */
export const escalationTopicArnsVariable = 'ESCALATION_TOPIC_ARNS';

export class EscalationTopicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EscalationTopicError';
  }
}

/**
 * Reads ESCALATION_TOPIC_ARNS. Where it is unset (older deployments, the
 * local stack before it knew the chain), level 1 is ESCALATIONS_TOPIC_ARN.
 */
export function parseEscalationTopicArns(
  json: string | undefined,
  level1Arn: string | undefined,
): ReadonlyMap<number, string> {
  const arns = new Map<number, string>();
  if (level1Arn !== undefined && level1Arn !== '') arns.set(1, level1Arn);
  if (json === undefined || json.trim() === '') return arns;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new EscalationTopicError(`${escalationTopicArnsVariable} is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EscalationTopicError(
      `${escalationTopicArnsVariable} must be a JSON object {"1": "<topic arn>", ...}`,
    );
  }
  for (const [key, value] of Object.entries(parsed)) {
    const level = Number(key);
    if (!Number.isInteger(level) || level < 1 || typeof value !== 'string' || value === '') {
      throw new EscalationTopicError(
        `${escalationTopicArnsVariable}: "${key}" must map a level (1, 2, ...) to an ARN`,
      );
    }
    arns.set(level, value);
  }
  return arns;
}

/** The topic ARN of an escalation level; throws naming the level when the deployment has none for it. */
export function escalationTopicArn(arns: ReadonlyMap<number, string>, level: number): string {
  const arn = arns.get(level);
  if (arn === undefined) {
    throw new EscalationTopicError(
      `no topic for escalation level ${level} (${escalationTopicArnsVariable} has levels ${[...arns.keys()].join(', ') || 'none'})`,
    );
  }
  return arn;
}
