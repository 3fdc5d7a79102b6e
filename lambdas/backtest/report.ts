/**
 * What a backtest says: per configuration and rule, the alerts opened and the pages sent, and where
 * two configurations differ (an alert opened under one and not under the other: which patient,
 * which rule, when). One JSON shape for scripts and CI; the terminal and CSV views are made from
 * it. Everything is sorted, so the same input gives the same output byte for byte. Pure.
 */
import type { RuleId } from '../domain/alerts.js';
import { rules } from '../rules/registry.js';
import { type CsvCell, csvTable } from '../timeliness/csv.js';
import type { OpenedAlert, RuleTally } from './replay.js';

export type ConfigLabel = 'A' | 'B';

export interface ConfigResult {
  name: string;
  ruleSetVersion: string;
  rules: Record<RuleId, RuleTally>;
}

export interface Difference {
  facility: string;
  mrn: string;
  ruleId: RuleId;
  at: string;
  only: ConfigLabel;
}

/** The `--json` output: exactly these keys. */
export interface BacktestReport {
  from: string;
  to: string;
  messages: number;
  configs: ConfigResult[];
  differences: Difference[];
}

export interface ReplayedConfig {
  name: string;
  ruleSetVersion: string;
  tallies: Record<RuleId, RuleTally>;
  opened: readonly OpenedAlert[];
}

const compareText = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

/** Which alert opening, among equals: the namespace and scope keep two patients or scopes apart. */
const openingKey = (alert: OpenedAlert): string =>
  [alert.facility, alert.namespace, alert.mrn, alert.ruleId, alert.alertScope, alert.at].join('\u001f');

/** Openings under `mine` that `theirs` lacks, counted (two identical openings need two to match). */
function onlyIn(mine: readonly OpenedAlert[], theirs: readonly OpenedAlert[]): OpenedAlert[] {
  const remaining = new Map<string, number>();
  for (const alert of theirs) remaining.set(openingKey(alert), (remaining.get(openingKey(alert)) ?? 0) + 1);
  return mine.filter((alert) => {
    const left = remaining.get(openingKey(alert)) ?? 0;
    if (left === 0) return true;
    remaining.set(openingKey(alert), left - 1);
    return false;
  });
}

export function buildReport(
  period: { from: string; to: string },
  messages: number,
  replayed: readonly ReplayedConfig[],
): BacktestReport {
  const configs = replayed.map(
    (config): ConfigResult => ({
      name: config.name,
      ruleSetVersion: config.ruleSetVersion,
      rules: Object.fromEntries(
        rules.map((rule) => [rule.id, { ...config.tallies[rule.id] }]),
      ) as ConfigResult['rules'],
    }),
  );
  const [a, b] = replayed;
  const differences: Difference[] = [];
  if (a !== undefined && b !== undefined) {
    const label = (only: ConfigLabel) => (alert: OpenedAlert) =>
      differences.push({
        facility: alert.facility,
        mrn: alert.mrn,
        ruleId: alert.ruleId,
        at: alert.at,
        only,
      });
    onlyIn(a.opened, b.opened).forEach(label('A'));
    onlyIn(b.opened, a.opened).forEach(label('B'));
    differences.sort(
      (left, right) =>
        compareText(left.at, right.at) ||
        compareText(left.facility, right.facility) ||
        compareText(left.mrn, right.mrn) ||
        compareText(left.ruleId, right.ruleId) ||
        compareText(left.only, right.only),
    );
  }
  return { from: period.from, to: period.to, messages, configs, differences };
}

/** `--csv`: one line per difference. */
export function differencesCsv(report: BacktestReport): string {
  const rows = report.differences.map((difference): CsvCell[] => [
    difference.facility,
    difference.mrn,
    difference.ruleId,
    difference.at,
    difference.only,
  ]);
  return csvTable(['facility', 'mrn', 'ruleId', 'at', 'only'], rows);
}
