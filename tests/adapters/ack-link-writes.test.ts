/**
 * The ack-link function's IAM policy (lib/constructs/store.ts
 * alertAcknowledgementStatements) allows reads and writes only in ALERTID#
 * and PATIENT# partitions, writes only inside a transaction, and only the
 * attribute names in `alertItemAttributes`. A denied request would fail
 * every tap in production, and no simulator checks it offline: so a real
 * acknowledgement through an ack link runs against DynamoDB Local here, every
 * request the function's code sends is recorded, and each must fit the policy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mintAckToken } from '../../lambdas/ack-links/token.js';
import { dynamoDocumentClient } from '../../lambdas/adapters/aws-clients.js';
import { applyAlertChanges, getAlert } from '../../lambdas/adapters/store.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import { answerAckLink } from '../../lambdas/workflows/ack-link.js';
import type { AdminPorts } from '../../lambdas/workflows/admin.js';
import { alertItemAttributes } from '../../lib/constructs/store.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { openAlert, syntheticPatient } from '../support/synthetic-records.js';

const config = parseRulesConfig({ timeZone: 'America/Chicago' });
const clock = () => new Date('2026-07-27T00:20:00.000Z');
let adminPorts: AdminPorts;

interface SentRequest {
  command: string;
  input: Record<string, unknown>;
}
let recording: SentRequest[] | undefined;

beforeAll(async () => {
  await useLocalServices();
  ({ adminPorts } = await import('../../lambdas/handlers/ports.js'));
  dynamoDocumentClient().middlewareStack.add(
    (next, context) => async (args) => {
      recording?.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordAckLinkRequests' },
  );
}, localServicesTimeoutMs);

/** An item's or update's partition key value and top-level attribute names, as IAM sees them. */
interface Write {
  operation: 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';
  partition: string;
  attributes: string[];
}

const expressionKeywords = new Set(
  'SET REMOVE ADD DELETE AND OR NOT IN BETWEEN attribute_exists attribute_not_exists attribute_type begins_with contains size if_not_exists list_append'.split(
    ' ',
  ),
);

/** Names used bare in an expression (not `#name` placeholders or `:value`s). */
function bareNames(expression: unknown): string[] {
  if (typeof expression !== 'string') return [];
  return [...expression.matchAll(/(?<![#:\w])[A-Za-z_]\w*/g)]
    .map((match) => match[0])
    .filter((word) => !expressionKeywords.has(word));
}

/** DynamoDB JSON ({S: "..."}) or plain: the string value. */
const stringOf = (value: unknown): string =>
  typeof value === 'string' ? value : String((value as { S?: string } | undefined)?.S);

function writesOf(transactItems: Record<string, Record<string, unknown>>[]): Write[] {
  return transactItems.map((entry) => {
    const [kind, request] = Object.entries(entry)[0] as [string, Record<string, unknown>];
    const names = Object.values((request.ExpressionAttributeNames as Record<string, string>) ?? {});
    const fromExpressions = [request.UpdateExpression, request.ConditionExpression].flatMap(bareNames);
    if (kind === 'Put') {
      const item = request.Item as Record<string, unknown>;
      return {
        operation: 'PutItem',
        partition: stringOf(item.pk),
        attributes: [...Object.keys(item), ...names, ...fromExpressions],
      };
    }
    const key = request.Key as Record<string, unknown>;
    return {
      operation: kind === 'Update' ? 'UpdateItem' : kind === 'Delete' ? 'DeleteItem' : 'ConditionCheckItem',
      partition: stringOf(key.pk),
      attributes: [...Object.keys(key), ...names, ...fromExpressions],
    };
  });
}

describe('an acknowledgement through an ack link fits the ack-link function policy', () => {
  it('sends only GetItem and transactions of Put/Update, in ALERTID# and PATIENT# partitions, with allowed attributes only', async () => {
    const alert = openAlert(syntheticPatient(), { openedAt: '2026-07-27T00:10:00.000Z' });
    await applyAlertChanges({ changes: [{ kind: 'create', alert }], audit: [] });
    const key = new Uint8Array(32).fill(9);
    const token = mintAckToken(
      { alertId: alert.alertId, recipient: 0, expiresAt: new Date('2026-07-28T00:00:00.000Z') },
      key,
    );

    recording = [];
    const response = await answerAckLink(
      { token, method: 'POST', typedName: 'Dr Synthetic' },
      adminPorts,
      { config: { ...config, pagePhi: 'full' }, key: async () => key },
      clock,
    );
    const sent = recording;
    recording = undefined;

    expect(response.statusCode).toBe(200);
    expect((await getAlert(alert.alertId))?.state).toBe('acknowledged');
    // The policy allows GetItem, and Put/Update only inside TransactWriteItems (dynamodb:EnclosingOperation).
    expect([...new Set(sent.map((request) => request.command))].sort()).toEqual([
      'GetItemCommand',
      'TransactWriteItemsCommand',
    ]);
    const partitionAllowed = /^(ALERTID#.+|PATIENT#.+#.+)$/;
    for (const request of sent.filter((r) => r.command === 'GetItemCommand')) {
      const pk = stringOf((request.input.Key as Record<string, unknown>).pk);
      expect(pk).toMatch(partitionAllowed);
    }
    const writes = sent
      .filter((request) => request.command === 'TransactWriteItemsCommand')
      .flatMap((request) =>
        writesOf(request.input.TransactItems as Record<string, Record<string, unknown>>[]),
      );
    // Slot, episode, audit and outbox entry; then the outbox entry sent and the sent mark.
    expect(writes.length).toBeGreaterThanOrEqual(6);
    const allowed = new Set<string>(alertItemAttributes);
    for (const write of writes) {
      expect(['PutItem', 'UpdateItem']).toContain(write.operation);
      expect(write.partition).toMatch(partitionAllowed);
      expect(write.attributes.filter((name) => !allowed.has(name))).toEqual([]);
    }
  });
});
