/** ADT A40/A34/A18 patient merges: MRG-1 names the retired identifier, PID-3 the survivor. */
import { describe, expect, it } from 'vitest';
import { modelMessage } from '../../lambdas/messages/index.js';
import { hospitalConfig, messageOf, modelled } from './support.js';

describe('patient merges', () => {
  it.each(['ADT^A40^ADT_A39', 'ADT^A34^ADT_A30', 'ADT^A18^ADT_A18'])(
    '%s: the prior MRN (MRG-1) in its namespace, at EVN-2',
    (type) => {
      const message = messageOf(
        type,
        'MRG|770011^^^NDC^MR~PP-1^^^NDC^PI\rEVN||20261102093000',
        '20261102093500',
      );
      expect(modelled(message).records).toEqual([
        {
          kind: 'patientMerge',
          source: expect.objectContaining({ messageType: type.split('^').slice(0, 2).join('^') }),
          prior: { namespace: 'NDC', mrn: '770011' },
          mergedAt: '2026-11-02T15:30:00.000Z',
        },
      ]);
    },
  );

  it('the hospital’s namespace aliases apply to MRG-1 as to PID-3', () => {
    const message = messageOf('ADT^A40^ADT_A39', 'MRG|770011^^^OLDLAB^MR');
    const config = hospitalConfig({ namespaceAliases: { OLDLAB: 'NDC' } });
    expect(modelled(message, config).records[0]).toMatchObject({
      prior: { namespace: 'NDC', mrn: '770011' },
    });
  });

  it.each([
    ['no MRG', '', 'MRG^1'],
    ['an empty MRG-1', 'MRG|', 'MRG^1^1^1'],
    ['two MRG segments', 'MRG|770011^^^NDC^MR\rMRG|770012^^^NDC^MR', 'MRG^2'],
  ])('refuses %s, naming the segment', (_label, body, where) => {
    const result = modelMessage(
      messageOf('ADT^A40^ADT_A39', body || 'NTE|1||no merge segment'),
      hospitalConfig(),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const [error] = result.errors;
    expect(
      [error?.segment, error?.sequence, error?.field, error?.component]
        .filter((part) => part !== undefined)
        .join('^'),
    ).toBe(where);
  });
});
