/**
 * Rule modes in the hospital configuration: live by default, shadow or off per rule id, and a
 * critical rule taken off paging only with a recorded override (else synth fails naming the key).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleModeOf } from '../../lambdas/config/rule-mode.js';
import { ConfigError, parseRulesConfig } from '../../lambdas/config/rules-config.js';
import { criticalRuleIds } from '../../lambdas/domain/alerts.js';
import { rules } from '../../lambdas/rules/registry.js';
import { type HospitalConfigInput, parseHospitalConfig } from '../../lib/config/hospital-config.js';

const override = {
  reason: 'Unit protocol pages low calcium from the lab directly',
  approvedBy: 'Dr A. Synthetic, medical director',
};

describe('rule modes', () => {
  it('are live unless set', () => {
    const config = parseRulesConfig({ timeZone: 'UTC' });
    expect(config.modes).toEqual({});
    expect(ruleModeOf(config, 'CALCIUM_CRITICAL_LOW')).toBe('live');
  });

  it('set a non-critical rule to shadow or off without more ado', () => {
    const config = parseRulesConfig({
      timeZone: 'UTC',
      modes: { CALCIUM_LOW: { mode: 'shadow' }, PTH_LOW: { mode: 'off' } },
    });
    expect(ruleModeOf(config, 'CALCIUM_LOW')).toBe('shadow');
    expect(ruleModeOf(config, 'PTH_LOW')).toBe('off');
    expect(ruleModeOf(config, 'PTH_SEVERE')).toBe('live');
  });

  it('know which rules are critical as the rule files do', () => {
    expect([...criticalRuleIds].sort()).toEqual(
      rules
        .filter((rule) => rule.severity === 'critical')
        .map((rule) => rule.id)
        .sort(),
    );
  });

  it.each(
    [...criticalRuleIds].flatMap((ruleId) =>
      (['shadow', 'off'] as const).map((mode) => [ruleId, mode] as const),
    ),
  )('refuse %s set to %s without criticalOverride, naming the key', (ruleId, mode) => {
    const input = { timeZone: 'UTC', modes: { [ruleId]: { mode } } };
    expect(() => parseRulesConfig(input, 'x.json')).toThrow(ConfigError);
    expect(() => parseRulesConfig(input, 'x.json')).toThrow(
      `modes.${ruleId}.criticalOverride: ${ruleId} is a critical rule: mode ${mode} needs criticalOverride { reason, approvedBy }`,
    );
  });

  it('accept a critical rule in shadow with criticalOverride { reason, approvedBy }', () => {
    const config = parseRulesConfig({
      timeZone: 'UTC',
      modes: { CALCIUM_CRITICAL_LOW: { mode: 'shadow', criticalOverride: override } },
    });
    expect(ruleModeOf(config, 'CALCIUM_CRITICAL_LOW')).toBe('shadow');
    expect(config.modes.CALCIUM_CRITICAL_LOW?.criticalOverride).toEqual(override);
  });

  it.each([
    [
      { CALCIUM_CRITICAL_LOW: { mode: 'off', criticalOverride: { reason: 'because', approvedBy: 'Dr A' } } },
      'modes.CALCIUM_CRITICAL_LOW.criticalOverride.reason',
    ],
    [
      { VKA_ACTIVE: { mode: 'off', criticalOverride: { reason: override.reason } } },
      'modes.VKA_ACTIVE.criticalOverride.approvedBy',
    ],
    [
      { CALCIUM_LOW: { mode: 'shadow', criticalOverride: override } },
      'modes.CALCIUM_LOW.criticalOverride: only for a critical rule',
    ],
    [
      { VKA_ACTIVE: { mode: 'live', criticalOverride: override } },
      'modes.VKA_ACTIVE.criticalOverride: only for a critical rule',
    ],
    [{ CALCIUM_LOW: { mode: 'quiet' } }, 'modes.CALCIUM_LOW.mode'],
    [{ CALCIUM_LOWER: { mode: 'off' } }, 'modes'],
  ])('refuse %j naming %s', (modes, key) => {
    expect(() => parseRulesConfig({ timeZone: 'UTC', modes }, 'x.json')).toThrow(key);
  });
});

describe('synth with a critical rule taken off paging', () => {
  const example = JSON.parse(
    readFileSync(new URL('../../config/hospitals/example.json', import.meta.url), 'utf8'),
  ) as HospitalConfigInput;
  const withModes = (modes: unknown) => ({ ...example, rules: { ...example.rules, modes } });

  it('fails naming the file and the key when the override is missing', () => {
    expect(() =>
      parseHospitalConfig(withModes({ VKA_ACTIVE: { mode: 'shadow' } }), 'config/hospitals/example.json'),
    ).toThrow(
      'config/hospitals/example.json: rules.modes.VKA_ACTIVE.criticalOverride: VKA_ACTIVE is a critical rule: mode shadow needs criticalOverride { reason, approvedBy }',
    );
  });

  it('passes with the override, which the runtime configuration carries', () => {
    const config = parseHospitalConfig(
      withModes({ VKA_ACTIVE: { mode: 'shadow', criticalOverride: override } }),
      'config/hospitals/example.json',
    );
    expect(config.rules.modes.VKA_ACTIVE).toEqual({ mode: 'shadow', criticalOverride: override });
  });
});
