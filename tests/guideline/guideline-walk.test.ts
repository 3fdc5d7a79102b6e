/**
 * The guideline walk: every actionable statement of the seed guideline maps to
 * one or more rule ids or to a documented reason why it raises no alert, and
 * every rule id is backed by a statement.
 *
 * What counts as an actionable statement. The clinical body runs from the
 * title line ("Calciphylaxis Assessment and Treatment") to the "References"
 * line; before it is page boilerplate (the question, review status,
 * personalisation), after it references and the disclaimer. In the body, a
 * statement is a bullet (`•`) or a prose line that cites its sources (ends in
 * reference numbers such as `1, 2`): that is how the guideline marks each
 * instruction, threshold or risk factor. Every other body line must look like
 * a heading (at most 8 words, no full stop), so that an uncited prose
 * instruction added to the seed cannot slip past the walk.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleIds } from '../../lambdas/domain/alerts.js';
import { guidelineMap, operationalRuleIds } from './guideline-map.js';

const seed = readFileSync(
  new URL('../fixtures/guideline/calciphylaxis-guideline.txt', import.meta.url),
  'utf8',
);

const bodyStart = 'Calciphylaxis Assessment and Treatment';
const bodyEnd = 'References';
const citation = /\s\d{1,2}(?:,\s*\d{1,2})*$/;

interface Statement {
  line: number;
  text: string;
}

function walk(text: string): { statements: Statement[]; headings: Statement[]; other: Statement[] } {
  const lines = text.split(/\r?\n/).map((raw, index) => ({ line: index + 1, text: raw.trim() }));
  const start = lines.findIndex((entry) => entry.text === bodyStart);
  const end = lines.findIndex((entry) => entry.text === bodyEnd);
  const body = lines.slice(start + 1, end).filter((entry) => entry.text !== '');
  const statements: Statement[] = [];
  const headings: Statement[] = [];
  const other: Statement[] = [];
  for (const entry of body) {
    if (entry.text.startsWith('•') || citation.test(entry.text)) {
      statements.push({ line: entry.line, text: entry.text.replace(/^•\s*/, '').replace(citation, '') });
    } else if (entry.text.split(/\s+/).length <= 8 && !entry.text.endsWith('.')) {
      headings.push(entry);
    } else {
      other.push(entry);
    }
  }
  return { statements, headings, other };
}

const { statements, headings, other } = walk(seed);

function mappingsOf(statement: Statement) {
  return guidelineMap.filter((mapping) => statement.text.includes(mapping.fragment));
}

describe('guideline walk: calciphylaxis-guideline.txt', () => {
  it('finds the clinical body and its statements', () => {
    // 1 summary paragraph and 43 bullets; a parser that finds nothing would pass everything below.
    expect(statements.length).toBe(44);
    expect(headings.map((heading) => heading.text)).toContain('Hyperparathyroidism-Specific Treatment');
    expect(statements.some((statement) => statement.text.includes('References'))).toBe(false);
  });

  it('every body line is a statement or a heading (no uncited prose instruction)', () => {
    expect(other).toEqual([]);
  });

  it.each(statements.map((statement) => [statement.line, statement.text.slice(0, 70), statement] as const))(
    'line %i "%s…" is mapped exactly once',
    (_line, _text, statement) => {
      expect(mappingsOf(statement).map((mapping) => mapping.fragment)).toHaveLength(1);
    },
  );

  it('every mapping matches exactly one statement (no stale or ambiguous fragments)', () => {
    const unmatched = guidelineMap.filter(
      (mapping) => statements.filter((statement) => statement.text.includes(mapping.fragment)).length !== 1,
    );
    expect(unmatched.map((mapping) => mapping.fragment)).toEqual([]);
  });

  it('every mapping names known rule ids or gives a reason', () => {
    const known = new Set<string>(ruleIds);
    for (const mapping of guidelineMap) {
      if ('ruleIds' in mapping) {
        expect(mapping.ruleIds.length, mapping.fragment).toBeGreaterThan(0);
        expect(
          mapping.ruleIds.filter((id) => !known.has(id)),
          mapping.fragment,
        ).toEqual([]);
      } else {
        expect(mapping.reason.trim().length, mapping.fragment).toBeGreaterThan(10);
      }
    }
  });

  it('every rule id is backed by a statement, except the operational RESULT_UNREADABLE', () => {
    const mapped = new Set(guidelineMap.flatMap((mapping) => ('ruleIds' in mapping ? mapping.ruleIds : [])));
    const unbacked = ruleIds.filter((id) => !mapped.has(id) && !operationalRuleIds.includes(id));
    expect(unbacked).toEqual([]);
    expect(operationalRuleIds.filter((id) => mapped.has(id))).toEqual([]);
  });
});
