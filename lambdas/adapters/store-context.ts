/**
 * What every store operation shares: the table name and retention settings
 * (read once from the environment), paging, and reading a cancelled
 * transaction's per-item reasons.
 */
import { BatchWriteCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from '../table/items.js';
import { dynamoDocumentClient, positiveIntegerEnv, requiredEnv } from './aws-clients.js';
import { StoreUnavailableError, storeErrorFrom } from './store-errors.js';

/** DynamoDB's limit on actions in one TransactWriteItems. */
export const maxTransactionItems = 100;

/** DynamoDB's limit on puts in one BatchWriteItem. */
const batchWriteLimit = 25;

export interface StoreSettings {
  tableName: string;
  /** How long a (facility, control id) pair is remembered for duplicate detection. */
  duplicateTtlDays: number;
}

let settings: StoreSettings | undefined;

export function storeSettings(): StoreSettings {
  settings ??= {
    tableName: requiredEnv('TABLE_NAME'),
    duplicateTtlDays: positiveIntegerEnv('DUPLICATE_TTL_DAYS', 30),
  };
  return settings;
}

/** Runs a Query to its last page (DynamoDB pages at 1 MB). */
export async function queryAll(
  operation: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    try {
      const page = await dynamoDocumentClient().send(
        new QueryCommand({ ...input, TableName: storeSettings().tableName, ExclusiveStartKey: startKey }),
      );
      items.push(...((page.Items ?? []) as Item[]));
      startKey = page.LastEvaluatedKey;
    } catch (error: unknown) {
      throw storeErrorFrom(operation, error);
    }
  } while (startKey !== undefined);
  return items;
}

export interface CancellationReason {
  code: string;
  /** The item as it was, when the request asked for it (ReturnValuesOnConditionCheckFailure). */
  item?: Record<string, { S?: string; N?: string }>;
}

/** The per-action reasons of a TransactionCanceledException, in request order; undefined for other errors. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ((error as { name?: unknown }).name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: unknown }).CancellationReasons;
  if (!Array.isArray(reasons)) return undefined;
  return reasons.map((reason: unknown) => {
    const { Code, Item } = (reason ?? {}) as { Code?: unknown; Item?: unknown };
    const parsed: CancellationReason = { code: typeof Code === 'string' ? Code : 'None' };
    if (typeof Item === 'object' && Item !== null) {
      parsed.item = Item as Record<string, { S?: string; N?: string }>;
    }
    return parsed;
  });
}

/**
 * Idempotent puts (deterministic keys) in BatchWriteItem chunks of 25, retrying what DynamoDB leaves
 * unprocessed (throttling) with backoff.
 */
export async function putInBatches(operation: string, items: readonly Item[]): Promise<void> {
  const tableName = storeSettings().tableName;
  for (let start = 0; start < items.length; start += batchWriteLimit) {
    let pending = items.slice(start, start + batchWriteLimit).map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        if (attempt > 6) throw new StoreUnavailableError(operation, 'UnprocessedItems');
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
      try {
        const result = await dynamoDocumentClient().send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
        );
        pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      } catch (error: unknown) {
        throw storeErrorFrom(operation, error);
      }
    }
  }
}
