/** The event-source filter and partial-failure reading the local poller shares with Lambda. */
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { compileFilter, UnsupportedFilterError } from '../../bin/local/stream-filter.js';
import { firstFailedIndex } from '../../bin/local/stream-poller.js';
import { evaluationTriggerFilterPattern } from '../../lambdas/table/layout.js';

function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  itemType: string | undefined,
  sequenceNumber = '1',
  attributes: Record<string, { S: string } | { BOOL: boolean }> = {},
): DynamoDBRecord {
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: sequenceNumber,
      Keys: { pk: { S: 'PATIENT#SYNTH_HOSP#SYN1' }, sk: { S: 'HIST#2026-07-26T23:44:14.000Z#OBS#LAB#C1#1' } },
      ...(itemType === undefined ? {} : { NewImage: { itemType: { S: itemType }, ...attributes } }),
    },
  };
}

describe('the evaluate function’s event-source filter', () => {
  const accepts = compileFilter(evaluationTriggerFilterPattern);

  it.each(['observation', 'medicationOrder', 'diagnosis', 'patientMerge', 'cohortEnrolment'])(
    'passes an INSERT of a %s',
    (itemType) => {
      expect(accepts(streamRecord('INSERT', itemType))).toBe(true);
    },
  );

  it.each(['patient', 'alert', 'audit', 'notification', 'message'])('drops an INSERT of a %s', (itemType) => {
    expect(accepts(streamRecord('INSERT', itemType))).toBe(false);
  });

  it('drops a record a merge copied to the survivor (the merge evaluates the survivor once)', () => {
    expect(
      accepts(streamRecord('INSERT', 'observation', '1', { mergedFrom: { S: 'PATIENT#NDC#OLD' } })),
    ).toBe(false);
  });

  it('drops an order event that leaves the order as it was (an administration report)', () => {
    expect(
      accepts(streamRecord('INSERT', 'medicationOrder', '1', { orderStateUnchanged: { BOOL: true } })),
    ).toBe(false);
  });

  it.each([
    ['MODIFY', 'observation'],
    ['REMOVE', undefined],
  ] as const)('drops a %s', (eventName, itemType) => {
    expect(accepts(streamRecord(eventName, itemType))).toBe(false);
  });
});

describe('compileFilter', () => {
  it('passes a record matching any pattern of a list, with prefix and exists', () => {
    const accepts = compileFilter([
      { dynamodb: { Keys: { sk: { S: [{ prefix: 'MED#' }] } } } },
      { eventName: ['INSERT'], dynamodb: { NewImage: { ttl: [{ exists: false }] } } },
    ]);
    expect(accepts(streamRecord('INSERT', 'observation'))).toBe(true);
    expect(accepts(streamRecord('MODIFY', 'observation'))).toBe(false);
  });

  it('refuses operators it does not implement rather than mismatching Lambda', () => {
    expect(() => compileFilter({ eventName: [{ 'anything-but': 'REMOVE' } as never] })).toThrow(
      UnsupportedFilterError,
    );
  });
});

describe('firstFailedIndex (ReportBatchItemFailures)', () => {
  const batch = ['100', '200', '300'].map((sequence) => streamRecord('INSERT', 'observation', sequence));

  it.each([
    ['no response', undefined, undefined],
    ['no failures', { batchItemFailures: [] }, undefined],
    [
      'the lowest failed sequence number',
      { batchItemFailures: [{ itemIdentifier: '300' }, { itemIdentifier: '200' }] },
      1,
    ],
    ['an identifier not in the batch (whole batch)', { batchItemFailures: [{ itemIdentifier: '999' }] }, 0],
    ['an empty identifier (whole batch)', { batchItemFailures: [{ itemIdentifier: '' }] }, 0],
  ])('%s', (_case, response, expected) => {
    expect(firstFailedIndex(batch, response)).toBe(expected);
  });
});
