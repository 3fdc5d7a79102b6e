/**
 * Thresholds a hospital moved within their safe ranges (lambdas/config/clinical-thresholds.ts): each
 * rule fires and resolves on the hospital's line, with the boundary where the catalogue puts it for
 * the default ("below", "at or above", ...), and its sentences state the line in force. The defaults
 * are covered by each rule's own tests, unchanged.
 */
import { describe, expect, it } from 'vitest';
import { parseRulesConfig, type RulesConfigInput } from '../../lambdas/config/rules-config.js';
import { BICARBONATE_LOW } from '../../lambdas/rules/BICARBONATE_LOW.js';
import { CALCIUM_CRITICAL_LOW } from '../../lambdas/rules/CALCIUM_CRITICAL_LOW.js';
import { CALCIUM_LOW } from '../../lambdas/rules/CALCIUM_LOW.js';
import { CALCIUM_MONITORING_OVERDUE } from '../../lambdas/rules/CALCIUM_MONITORING_OVERDUE.js';
import { HEMOGLOBIN_LOW } from '../../lambdas/rules/HEMOGLOBIN_LOW.js';
import { PTH_LOW } from '../../lambdas/rules/PTH_LOW.js';
import { PTH_SEVERE } from '../../lambdas/rules/PTH_SEVERE.js';
import { PTH_START_CINACALCET } from '../../lambdas/rules/PTH_START_CINACALCET.js';
import { QUARTERLY_LABS_OVERDUE } from '../../lambdas/rules/QUARTERLY_LABS_OVERDUE.js';
import {
  bicarbonate,
  calcium,
  day,
  finding,
  hemoglobin,
  kindOf,
  openAlert,
  pth,
  resolution,
  run,
} from './factories.js';

const hospital = (settings: Omit<RulesConfigInput, 'timeZone'>) =>
  parseRulesConfig({ timeZone: 'America/Chicago', ...settings });

describe('CALCIUM_CRITICAL_LOW with the critical line raised to 7.8 mg/dL', () => {
  const config = hospital({ calcium: { criticalBelowMgDl: 7.8 } });

  it.each([
    [7.79, 'fire'],
    [7.8, 'noChange'],
    [7.5, 'fire'],
    [7.81, 'noChange'],
  ] as const)('calcium %s mg/dL: %s (boundary 7.8: below fires, 7.8 exactly does not)', (value, expected) => {
    expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records: [calcium(value)], config }))).toBe(expected);
  });

  it('states the line in force in the finding', () => {
    expect(finding(run(CALCIUM_CRITICAL_LOW, { records: [calcium(7.6)], config })).finding).toMatch(
      /is below 7\.8 mg\/dL\.$/,
    );
  });

  it('CALCIUM_LOW takes the band from 7.8 up: 7.8 opens it, 7.79 is critical and it stands aside', () => {
    expect(kindOf(run(CALCIUM_LOW, { records: [calcium(7.8)], config }))).toBe('fire');
    expect(kindOf(run(CALCIUM_LOW, { records: [calcium(7.79)], config }))).toBe('noChange');
  });
});

describe('CALCIUM_CRITICAL_LOW resolving at 8.2 mg/dL instead of 8.0', () => {
  const config = hospital({ calcium: { criticalResolvesAtMgDl: 8.2 } });
  it.each([
    [8.19, 'noChange'],
    [8.2, 'resolve'],
  ] as const)('a newer calcium %s mg/dL: %s (boundary 8.2, at or above resolves)', (value, expected) => {
    const low = calcium(7.1, { at: day(0) });
    const open = [openAlert('CALCIUM_CRITICAL_LOW', [low])];
    const records = [low, calcium(value, { at: day(1) })];
    const outcomes = run(CALCIUM_CRITICAL_LOW, { records, openAlerts: open, config });
    expect(kindOf(outcomes)).toBe(expected);
    if (expected === 'resolve') expect(resolution(outcomes).reason).toContain('is at least 8.2 mg/dL');
  });
});

describe('CALCIUM_LOW with the low band ending at 8.6 mg/dL', () => {
  const config = hospital({ calcium: { lowBelowMgDl: 8.6 } });

  it.each([
    [8.59, 'fire'],
    [8.6, 'noChange'],
  ] as const)('calcium %s mg/dL: %s (boundary 8.6)', (value, expected) => {
    expect(kindOf(run(CALCIUM_LOW, { records: [calcium(value)], config }))).toBe(expected);
  });

  it('CALCIUM_MONITORING_OVERDUE counts a calcium of 8.5 as low: weekly checks, naming 8.6', () => {
    const records = [calcium(8.5, { at: day(20) })];
    const outcomes = run(CALCIUM_MONITORING_OVERDUE, {
      records,
      trigger: { kind: 'sweep' },
      now: day(28),
      config,
    });
    expect(finding(outcomes).finding).toContain('calcium below 8.6 mg/dL in the last 28 days');
  });
});

describe('PTH bands moved: low below 80, target 150–350, severe above 600 pg/mL', () => {
  const config = hospital({ pth: { lowBelowPgMl: 80, targetUpperPgMl: 350, severeAbovePgMl: 600 } });

  it.each([
    [PTH_SEVERE, 600, 'noChange'],
    [PTH_SEVERE, 600.1, 'fire'],
    [PTH_START_CINACALCET, 350, 'noChange'],
    [PTH_START_CINACALCET, 351, 'fire'],
    [PTH_START_CINACALCET, 600, 'fire'],
    [PTH_START_CINACALCET, 601, 'noChange'],
    [PTH_LOW, 79, 'fire'],
    [PTH_LOW, 80, 'noChange'],
  ] as const)('%s, PTH %s pg/mL: %s', (rule, value, expected) => {
    expect(kindOf(run(rule, { records: [pth(value)], config }))).toBe(expected);
  });

  it('PTH_START_CINACALCET states the band in force', () => {
    const fired = finding(run(PTH_START_CINACALCET, { records: [pth(400)], config }));
    expect(fired.finding).toContain('is above the 150–350 pg/mL target');
    expect(fired.recommendation).toContain('to PTH 150–350 pg/mL');
  });
});

describe('HEMOGLOBIN_LOW and BICARBONATE_LOW on lowered targets', () => {
  it('HEMOGLOBIN_LOW with the women’s target at 10 g/dL: 10 fires, 10.1 does not (at or below fires)', () => {
    const config = hospital({ hemoglobin: { womenTargetAboveGDl: 10 } });
    expect(kindOf(run(HEMOGLOBIN_LOW, { records: [hemoglobin(10)], sex: 'F', config }))).toBe('fire');
    expect(kindOf(run(HEMOGLOBIN_LOW, { records: [hemoglobin(10.1)], sex: 'F', config }))).toBe('noChange');
    // The men's target is the catalogue's 13 still.
    expect(kindOf(run(HEMOGLOBIN_LOW, { records: [hemoglobin(12.5)], sex: 'M', config }))).toBe('fire');
  });

  it('BICARBONATE_LOW with the target at 20 mmol/L: 19.9 fires, 20 does not', () => {
    const config = hospital({ bicarbonateTargetAtLeastMmolL: 20 });
    expect(kindOf(run(BICARBONATE_LOW, { records: [bicarbonate(19.9)], config }))).toBe('fire');
    expect(kindOf(run(BICARBONATE_LOW, { records: [bicarbonate(20)], config }))).toBe('noChange');
  });
});

describe('QUARTERLY_LABS_OVERDUE on a 120-day interval', () => {
  it.each([
    [120, 'noChange'],
    [121, 'fire'],
  ] as const)('labs on day 0, sweep on day %s: %s (> 120 days)', (sweepDay, expected) => {
    const config = hospital({ quarterlyLabsDays: 120 });
    const records = [hemoglobin(12.5, { at: day(0) }), bicarbonate(23, { at: day(0) })];
    const outcomes = run(QUARTERLY_LABS_OVERDUE, {
      records,
      trigger: { kind: 'sweep' },
      now: day(sweepDay),
      config,
    });
    expect(kindOf(outcomes)).toBe(expected);
  });
});
