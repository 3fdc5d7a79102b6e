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
    // Worse after acknowledgement: calcium 0.5 mg/dL lower, PTH a further 20% higher.
    expect(config.worsenedMargins).toEqual({ calciumDropMgDl: 0.5, pthRisePercent: 20 });
  });

  it('accepts the worsened margins at their bounds (calcium 0.1-2.0 mg/dL, PTH 5-100 %)', () => {
    for (const worsenedMargins of [
      { calciumDropMgDl: 0.1, pthRisePercent: 5 },
      { calciumDropMgDl: 2.0, pthRisePercent: 100 },
    ]) {
      expect(parseRulesConfig({ timeZone: 'UTC', worsenedMargins }).worsenedMargins).toEqual(worsenedMargins);
    }
  });

  it('fills the closed-loop paging defaults: 24-hour links, no link base, no chain, a 30-minute target', () => {
    const config = parseRulesConfig({ timeZone: 'America/Chicago' });
    expect(config.ackLinkExpiryHours).toBe(24);
    expect(config.ackLinkBaseUrl).toBeUndefined();
    expect(config.escalationChain).toBeUndefined();
    expect(config.timelinessTargetMinutes).toBe(30);
  });

  it('accepts an escalation chain with increasing delays and an https (or local http) link base', () => {
    const config = parseRulesConfig({
      timeZone: 'UTC',
      escalationChain: [
        { name: 'backup nephrologist', afterMinutes: 15 },
        { name: 'unit charge nurse', afterMinutes: 30 },
      ],
      ackLinkBaseUrl: 'https://ack.example.org',
      ackLinkExpiryHours: 12,
      timelinessTargetMinutes: 60,
    });
    expect(config.escalationChain?.map((level) => level.name)).toEqual([
      'backup nephrologist',
      'unit charge nurse',
    ]);
    expect(
      parseRulesConfig({ timeZone: 'UTC', ackLinkBaseUrl: 'http://127.0.0.1:4080' }).ackLinkBaseUrl,
    ).toBe('http://127.0.0.1:4080');
  });

  it.each([
    [{ timeZone: 'America/Chicago', crpRising: { ratio: 0.5 } }, 'crpRising.ratio'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ timeZone: 'UTC', pagePhi: 'everything' }, 'pagePhi'],
    [{ timeZone: 'UTC', escalateAfterMinutes: -5 }, 'escalateAfterMinutes'],
    [{ timeZone: 'UTC', localLabCodes: { 'CA-DIAL': 'dialysate' } }, 'localLabCodes.CA-DIAL'],
    [{ timeZone: 'UTC', escalateAfterMinute: 15 }, 'escalateAfterMinute'],
    [
      {
        timeZone: 'UTC',
        escalationChain: [
          { name: 'backup', afterMinutes: 30 },
          { name: 'charge nurse', afterMinutes: 30 },
        ],
      },
      'escalationChain: afterMinutes must increase',
    ],
    [{ timeZone: 'UTC', escalationChain: [] }, 'escalationChain'],
    [
      {
        timeZone: 'UTC',
        escalationChain: Array.from({ length: 6 }, (_, n) => ({ name: `l${n}`, afterMinutes: 10 * (n + 1) })),
      },
      'escalationChain',
    ],
    [{ timeZone: 'UTC', escalationChain: [{ name: ' ', afterMinutes: 15 }] }, 'escalationChain.0.name'],
    [
      { timeZone: 'UTC', escalationChain: [{ name: 'backup', afterMinutes: 15, topic: 'x' }] },
      'escalationChain.0',
    ],
    [{ timeZone: 'UTC', ackLinkBaseUrl: 'http://ack.example.org' }, 'ackLinkBaseUrl: must be https'],
    [{ timeZone: 'UTC', ackLinkBaseUrl: 'https://ack.example.org/?a=1' }, 'ackLinkBaseUrl: no query'],
    [{ timeZone: 'UTC', ackLinkBaseUrl: 'not a url' }, 'ackLinkBaseUrl'],
    [{ timeZone: 'UTC', ackLinkExpiryHours: 0 }, 'ackLinkExpiryHours'],
    [{ timeZone: 'UTC', ackLinkExpiryHours: 24 * 7 + 1 }, 'ackLinkExpiryHours'],
    [{ timeZone: 'UTC', timelinessTargetMinutes: 0 }, 'timelinessTargetMinutes'],
    [{ timeZone: 'UTC', worsenedMargins: { calciumDropMgDl: 0.09 } }, 'worsenedMargins.calciumDropMgDl'],
    [{ timeZone: 'UTC', worsenedMargins: { calciumDropMgDl: 2.01 } }, 'worsenedMargins.calciumDropMgDl'],
    [{ timeZone: 'UTC', worsenedMargins: { pthRisePercent: 4.9 } }, 'worsenedMargins.pthRisePercent'],
    [{ timeZone: 'UTC', worsenedMargins: { pthRisePercent: 101 } }, 'worsenedMargins.pthRisePercent'],
    [{ timeZone: 'UTC', worsenedMargins: { calciumDrop: 0.5 } }, 'worsenedMargins'],
  ])('rejects %j naming the key %s', (input, key) => {
    expect(() => parseRulesConfig(input, 'config/hospitals/test.json')).toThrow(ConfigError);
    expect(() => parseRulesConfig(input, 'config/hospitals/test.json')).toThrow(
      new RegExp(`config/hospitals/test\\.json[\\s\\S]*${key.replace(/[.]/g, '\\.')}`),
    );
  });
});
