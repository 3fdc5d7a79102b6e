/**
 * The thresholds a hospital may move (lambdas/config/clinical-thresholds.ts): defaults are the
 * catalogue's numbers, every range is accepted at both ends, and a value outside it stops synth
 * with the key and the allowed range.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  rangeInWords,
  type ThresholdKey,
  thresholdRanges,
} from '../../lambdas/config/clinical-thresholds.js';
import { ConfigError, parseRulesConfig, type RulesConfig } from '../../lambdas/config/rules-config.js';
import { loadHospitalConfig } from '../../lib/config/hospital-config.js';

const keys = Object.keys(thresholdRanges) as ThresholdKey[];

/** The value at a dotted key (`calcium.criticalBelowMgDl`). */
function valueAt(config: RulesConfig, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], config);
}

/** A rules input with `key` set to `value`, e.g. `{ calcium: { criticalBelowMgDl: 7.8 } }`. */
function settingOf(key: string, value: number): Record<string, unknown> {
  const [group, leaf] = key.split('.');
  return leaf === undefined ? { [key]: value } : { [group as string]: { [leaf]: value } };
}

/** Every threshold at one end of its range (lines stay in order: each group's lower ends are in order too). */
function everyAt(end: 'min' | 'max'): Record<string, unknown> {
  const input: Record<string, Record<string, number> | number> = {};
  for (const key of keys) {
    const [group, leaf] = key.split('.');
    const value = thresholdRanges[key][end];
    if (leaf === undefined) input[key] = value;
    else input[group as string] = { ...(input[group as string] as Record<string, number>), [leaf]: value };
  }
  return input;
}

describe('configurable thresholds', () => {
  it('default to the catalogue: calcium 7.5 / 8.0 / 8.4 mg/dL, PTH 100 / 150–300 / 500 pg/mL, Hb 12 / 13, bicarbonate 22', () => {
    const config = parseRulesConfig({ timeZone: 'America/Chicago' });
    expect(config.calcium).toEqual({
      criticalBelowMgDl: 7.5,
      criticalResolvesAtMgDl: 8.0,
      lowBelowMgDl: 8.4,
    });
    expect(config.pth).toEqual({
      lowBelowPgMl: 100,
      targetLowerPgMl: 150,
      targetUpperPgMl: 300,
      severeAbovePgMl: 500,
    });
    expect(config.hemoglobin).toEqual({ womenTargetAboveGDl: 12, menTargetAboveGDl: 13 });
    expect(config.bicarbonateTargetAtLeastMmolL).toBe(22);
    for (const key of keys) expect(valueAt(config, key), key).toBe(thresholdRanges[key].default);
  });

  it('are each listed in the catalogue (docs/clinical-rules.md) with their default and range', () => {
    const catalogue = readFileSync(new URL('../../docs/clinical-rules.md', import.meta.url), 'utf8');
    for (const key of keys) {
      const cells = catalogue
        .split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .find((row) => row[1] === `\`rules.${key}\``);
      expect(cells, key).toBeDefined();
      expect(cells?.[3], key).toBe(rangeInWords(thresholdRanges[key]));
    }
  });

  it('keeps every default inside its own range', () => {
    for (const key of keys) {
      const { default: value, min, max } = thresholdRanges[key];
      expect(value >= min && value <= max, key).toBe(true);
    }
  });

  it.each(['min', 'max'] as const)('accepts every threshold at the %s of its range', (end) => {
    const config = parseRulesConfig({ timeZone: 'UTC', ...everyAt(end) });
    for (const key of keys) expect(valueAt(config, key), key).toBe(thresholdRanges[key][end]);
  });

  it.each(
    keys.flatMap((key) => {
      const { min, max, unit } = thresholdRanges[key];
      const step = unit === 'days' || unit === 'hours' ? 1 : 0.01;
      return [
        [key, Number((min - step).toFixed(2))],
        [key, Number((max + step).toFixed(2))],
      ] as const;
    }),
  )('rejects %s = %s naming the key and the allowed range', (key, value) => {
    const message = `${key}: ${value} is outside the allowed range ${rangeInWords(thresholdRanges[key])}`;
    expect(() => parseRulesConfig({ timeZone: 'UTC', ...settingOf(key, value) }, 'x.json')).toThrow(message);
  });

  it('names the calcium critical line with its range: 7.0–8.0 mg/dL', () => {
    expect(() =>
      parseRulesConfig({ timeZone: 'UTC', calcium: { criticalBelowMgDl: 8.5 } }, 'x.json'),
    ).toThrow('calcium.criticalBelowMgDl: 8.5 is outside the allowed range 7.0–8.0 mg/dL');
  });

  it.each([
    [
      { calcium: { criticalBelowMgDl: 7.8, criticalResolvesAtMgDl: 7.6 } },
      'calcium.criticalResolvesAtMgDl: 7.6 must be above criticalBelowMgDl (7.8)',
    ],
    [
      { calcium: { criticalBelowMgDl: 8.0, criticalResolvesAtMgDl: 8.0 } },
      'calcium.criticalResolvesAtMgDl: 8 must be above criticalBelowMgDl (8)',
    ],
    [
      { pth: { targetUpperPgMl: 200, targetLowerPgMl: 200 } },
      'pth.targetUpperPgMl: 200 must be above targetLowerPgMl (200)',
    ],
    [
      { pth: { severeAbovePgMl: 400, targetUpperPgMl: 400 } },
      'pth.severeAbovePgMl: 400 must be above targetUpperPgMl (400)',
    ],
    [
      { calciumMonitoring: { intensiveIntervalDays: 14, stableIntervalDays: 14 } },
      'calciumMonitoring.stableIntervalDays: 14 must be above intensiveIntervalDays (14)',
    ],
  ])('rejects lines out of order: %j', (settings, message) => {
    expect(() => parseRulesConfig({ timeZone: 'UTC', ...settings }, 'x.json')).toThrow(ConfigError);
    expect(() => parseRulesConfig({ timeZone: 'UTC', ...settings }, 'x.json')).toThrow(message);
  });
});

describe('synth with a threshold outside its range', () => {
  const folder = mkdtempSync(join(tmpdir(), 'calciphylaxis-thresholds-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const example = JSON.parse(
    readFileSync(new URL('../../config/hospitals/example.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

  it('stops with the file, the key and the allowed range', () => {
    const rules = { ...(example.rules as Record<string, unknown>), calcium: { criticalBelowMgDl: 6.5 } };
    writeFileSync(join(folder, 'example.json'), JSON.stringify({ ...example, rules }));
    expect(() => loadHospitalConfig('example', folder)).toThrow(
      /example\.json: rules\.calcium\.criticalBelowMgDl: 6\.5 is outside the allowed range 7\.0–8\.0 mg\/dL/,
    );
  });

  it('accepts a line moved within its range, carried into the runtime rules', () => {
    const rules = { ...(example.rules as Record<string, unknown>), calcium: { criticalBelowMgDl: 7.8 } };
    writeFileSync(join(folder, 'example.json'), JSON.stringify({ ...example, rules }));
    expect(loadHospitalConfig('example', folder).rules.calcium.criticalBelowMgDl).toBe(7.8);
  });
});
