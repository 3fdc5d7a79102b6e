import { describe, expect, it } from 'vitest';
import { ConfigError, parseRulesConfig } from '../../lambdas/config/rules-config.js';

describe('rules configuration', () => {
  it('fills every local default from clinical-rules.md', () => {
    const config = parseRulesConfig({ timeZone: 'America/Chicago' });
    expect(config.pagePhi).toBe('minimal');
    expect(config.escalateAfterMinutes).toBe(15);
    expect(config.repeatMinutes).toBe(30);
    expect(config.crpRising).toEqual({ minimumMgL: 10, ratio: 1.5, lookbackDays: 30 });
    expect(config.calciumMonitoring.intensiveIntervalDays).toBe(7);
    expect(config.calciumMonitoring.stableIntervalDays).toBe(31);
    expect(config.thiosulfateNotStartedHours).toBe(48);
    expect(config.thiosulfateCourseReviewDays).toBe(183);
    expect(config.quarterlyLabsDays).toBe(92);
    expect(config.dialysateCalciumMaxMEqL).toBe(2.0);
    expect(config.cohortCodes.map((code) => code.code)).toEqual(['E83.59', '237900002']);
  });

  it.each([
    [{ timeZone: 'America/Chicago', crpRising: { ratio: 0.5 } }, 'crpRising.ratio'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ timeZone: 'UTC', pagePhi: 'everything' }, 'pagePhi'],
    [{ timeZone: 'UTC', escalateAfterMinutes: -5 }, 'escalateAfterMinutes'],
    [{ timeZone: 'UTC', localLabCodes: { 'CA-DIAL': 'dialysate' } }, 'localLabCodes.CA-DIAL'],
    [{ timeZone: 'UTC', escalateAfterMinute: 15 }, 'escalateAfterMinute'],
  ])('rejects %j naming the key %s', (input, key) => {
    expect(() => parseRulesConfig(input, 'config/hospitals/test.json')).toThrow(ConfigError);
    expect(() => parseRulesConfig(input, 'config/hospitals/test.json')).toThrow(
      new RegExp(`config/hospitals/test\\.json[\\s\\S]*${key.replace(/[.]/g, '\\.')}`),
    );
  });
});
