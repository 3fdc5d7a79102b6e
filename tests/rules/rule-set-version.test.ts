/**
 * The rule-set version on every alert and page: `rules-<hash of each rule's id:version>+cfg-<hash
 * of the effective configuration>`. The backtest and the live functions compute it the same way.
 */
import { describe, expect, it } from 'vitest';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import { rules } from '../../lambdas/rules/registry.js';
import { ruleSetVersion, rulesCodeVersion } from '../../lambdas/rules/rule-set-version.js';

const config = parseRulesConfig({ timeZone: 'America/Chicago' });
const parts = (version: string) => {
  const match = /^(rules-[0-9a-f]{10})\+(cfg-[0-9a-f]{12})$/.exec(version);
  if (match === null) throw new Error(`not a rule-set version: ${version}`);
  return { code: match[1], config: match[2] };
};

describe('ruleSetVersion', () => {
  it('is the code version of the rules plus a hash of the configuration', () => {
    expect(parts(ruleSetVersion(config)).code).toBe(rulesCodeVersion());
  });

  it('is the same for the same configuration, whatever the order of its keys', () => {
    const reordered = parseRulesConfig(
      Object.fromEntries(Object.entries({ timeZone: 'America/Chicago' }).reverse()),
    );
    const shuffled = Object.fromEntries(Object.entries(config).reverse()) as typeof config;
    expect(ruleSetVersion(reordered)).toBe(ruleSetVersion(config));
    expect(ruleSetVersion(shuffled)).toBe(ruleSetVersion(config));
  });

  it('changes its configuration part, and only that, when a setting changes', () => {
    const raised = parseRulesConfig({ timeZone: 'America/Chicago', repeatMinutes: 45 });
    expect(parts(ruleSetVersion(raised)).code).toBe(parts(ruleSetVersion(config)).code);
    expect(parts(ruleSetVersion(raised)).config).not.toBe(parts(ruleSetVersion(config)).config);
  });

  it("changes its code part when any rule's version is bumped", () => {
    const bumped = rules.map((rule) =>
      rule.id === 'CALCIUM_CRITICAL_LOW' ? { id: rule.id, version: rule.version + 1 } : rule,
    );
    expect(rulesCodeVersion(bumped)).not.toBe(rulesCodeVersion(rules));
    expect(rulesCodeVersion([...rules].reverse())).toBe(rulesCodeVersion(rules));
  });
});
