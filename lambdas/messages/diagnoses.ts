/**
 * ADT diagnoses: one record per DG1, both coding triplets and the texts kept,
 * because cohort entry for E83.59 depends on the word "calciphylaxis" in any
 * of them (clinical-rules.md, "Who the rules apply to").
 */
import type { Diagnosis } from '../domain/records.js';
import type { ModelContext } from './context.js';
import { codedValue, first } from './fields.js';
import { requiredTime } from './time.js';

export function modelDiagnoses(context: ModelContext): Diagnosis[] {
  const diagnoses: Diagnosis[] = [];
  for (const { segment: dg1, sequence } of context.placed) {
    if (dg1.name !== 'DG1') continue;
    const diagnosedAt = requiredTime(
      [
        { raw: first(dg1, 5), at: { segment: 'DG1', sequence, field: 5 } },
        { raw: context.sentAtRaw, at: { segment: 'MSH', sequence: 1, field: 7 } },
      ],
      context.readTime,
      context.problems,
      'diagnosis time',
    );
    if (diagnosedAt === undefined) continue;
    const coded = codedValue(dg1, 3);
    const diagnosis: Diagnosis = {
      kind: 'diagnosis',
      source: context.source,
      code: coded.code,
      codeSystem: coded.system,
      text: coded.text,
      diagnosedAt,
      setId: dg1.value(1).trim(),
    };
    if (coded.alternateCode !== '') diagnosis.alternateCode = coded.alternateCode;
    if (coded.alternateSystem !== '') diagnosis.alternateCodeSystem = coded.alternateSystem;
    if (coded.alternateText !== '') diagnosis.alternateText = coded.alternateText;
    const description = dg1.value(4).trim();
    if (description !== '') diagnosis.description = description;
    diagnoses.push(diagnosis);
  }
  return diagnoses;
}
