/**
 * Every rule's version, pinned with a fingerprint of the code that decides what it fires and resolves
 * on. A rule's version goes out on every alert and page (inside the rule-set version), so a change of
 * its logic must come with a new version.
 *
 * When this test fails after you changed a rule file (lambdas/rules/<RULE_ID>.ts): if what the rule
 * fires or resolves on, or what it says, changed, bump `version` in that file; then update its line
 * here (the failure prints the new fingerprint). When the shared code changed (lambdas/rules/rule.ts
 * and lambdas/rules/support/), bump every rule whose behaviour it changes, then update `shared`.
 * A change of comments or formatting only needs the fingerprint updated.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleIds } from '../../lambdas/domain/alerts.js';
import { rulesById } from '../../lambdas/rules/registry.js';

const rulesFolder = new URL('../../lambdas/rules/', import.meta.url);

const pinned: Record<(typeof ruleIds)[number], { version: number; fingerprint: string }> = {
  CALCIUM_CRITICAL_LOW: { version: 1, fingerprint: 'cadb93cedde96866' },
  CALCIUM_LOW: { version: 1, fingerprint: '62bca3062dfd2db4' },
  VKA_ACTIVE: { version: 1, fingerprint: 'd483868de0b4f61b' },
  PTH_SEVERE: { version: 1, fingerprint: '1a064adcf92cccd5' },
  PTH_START_CINACALCET: { version: 1, fingerprint: '1e2b3b734e45b391' },
  PTH_TITRATE_CINACALCET: { version: 1, fingerprint: 'dbe9bf6e568727a4' },
  PTH_LOW: { version: 1, fingerprint: '1178684ebb67485e' },
  CALCIUM_CHECK_AFTER_CINACALCET: { version: 1, fingerprint: '28032cad186429b7' },
  CALCIUM_MONITORING_OVERDUE: { version: 1, fingerprint: '33263cffbc8ff567' },
  HEMOGLOBIN_LOW: { version: 1, fingerprint: '00ec89f2f2e0bc2b' },
  BICARBONATE_LOW: { version: 1, fingerprint: '4884c7e61e06cc2f' },
  QUARTERLY_LABS_OVERDUE: { version: 1, fingerprint: '1a7e7765988b8015' },
  CRP_RISING: { version: 1, fingerprint: '12a379536381cde0' },
  CALCIUM_BINDER_ACTIVE: { version: 1, fingerprint: '4fe62813cc961de1' },
  ACTIVE_VITAMIN_D: { version: 1, fingerprint: '8d92ac454d737db7' },
  THIOSULFATE_NOT_STARTED: { version: 1, fingerprint: '92fa35d6f8f21263' },
  THIOSULFATE_COURSE_REVIEW: { version: 1, fingerprint: '0dd44b2676471e91' },
  DIALYSATE_CALCIUM_HIGH: { version: 1, fingerprint: 'ef0fffdb6ef483d7' },
  RESULT_UNREADABLE: { version: 1, fingerprint: '5c8934072501fd55' },
};

/** The code every rule builds on. */
const shared = 'ed33ed5a95059169';

const fingerprint = (text: string): string =>
  createHash('sha256').update(text.replaceAll('\r\n', '\n')).digest('hex').slice(0, 16);
const read = (path: string): string => readFileSync(new URL(path, rulesFolder), 'utf8');

describe('rule versions', () => {
  it.each([...ruleIds])('%s: the version in its file is the pinned one', (id) => {
    expect(rulesById.get(id)?.version).toBe(pinned[id].version);
  });

  it.each([...ruleIds])(
    '%s: its file is the one pinned with that version (changed the logic? bump the version)',
    (id) => {
      expect(fingerprint(read(`${id}.ts`)), `lambdas/rules/${id}.ts changed`).toBe(pinned[id].fingerprint);
    },
  );

  it('the shared rule code is the one pinned (changed it? bump the rules it changes)', () => {
    const support = readdirSync(new URL('support/', rulesFolder))
      .sort()
      .map((file) => `${file}\n${read(`support/${file}`)}`);
    expect(fingerprint([`rule.ts\n${read('rule.ts')}`, ...support].join('\n'))).toBe(shared);
  });
});
