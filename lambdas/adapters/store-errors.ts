/** Errors the DynamoDB store throws; callers branch on the class, never on a message. */
import { ConcurrentAlertChangeError, StoreError } from '../workflows/ports.js';
import { summarizeAwsError } from './aws-errors.js';

export { ConcurrentAlertChangeError, StoreError };

/** DynamoDB could not be reached or refused for now (network, throttling, a 5xx). */
export class StoreUnavailableError extends StoreError {
  constructor(
    readonly operation: string,
    readonly awsError: string,
    options?: { cause?: unknown },
  ) {
    super(`DynamoDB unavailable during ${operation}: ${awsError}`, true, options);
    this.name = 'StoreUnavailableError';
  }
}

/** DynamoDB rejected the request itself (validation, missing table, access denied): retrying will not help. */
export class StoreRequestRejectedError extends StoreError {
  constructor(
    readonly operation: string,
    readonly awsError: string,
    options?: { cause?: unknown },
  ) {
    super(`DynamoDB rejected ${operation}: ${awsError}`, false, options);
    this.name = 'StoreRequestRejectedError';
  }
}

/** A request the store refuses before calling DynamoDB (a programming error in the caller). */
export class InvalidStoreRequestError extends StoreError {
  constructor(message: string) {
    super(message, false);
    this.name = 'InvalidStoreRequestError';
  }
}

/** A paging cursor that this store did not issue. */
export class InvalidCursorError extends StoreError {
  constructor() {
    super('Invalid paging cursor', false);
    this.name = 'InvalidCursorError';
  }
}

/** Per-item reasons of a cancelled transaction that a later retry can get past. */
const retryableCancellationCodes = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

function cancelledForNow(error: unknown): boolean {
  if ((error as { name?: unknown } | null)?.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: unknown }).CancellationReasons;
  return (
    Array.isArray(reasons) &&
    reasons.some((reason: unknown) =>
      retryableCancellationCodes.has(String((reason as { Code?: unknown })?.Code)),
    )
  );
}

/** Wraps an SDK error as unavailable (retryable) or rejected. */
export function storeErrorFrom(operation: string, error: unknown): StoreError {
  if (error instanceof StoreError) {
    return error;
  }
  const summary = summarizeAwsError(error);
  return summary.retryable || cancelledForNow(error)
    ? new StoreUnavailableError(operation, summary.name, { cause: error })
    : new StoreRequestRejectedError(operation, summary.name, { cause: error });
}
