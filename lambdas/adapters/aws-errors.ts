/**
 * Reading AWS SDK v3 errors without depending on their classes: whether a
 * retry can help (throttling, a 5xx, the network) or not (a bad request, a
 * missing resource, a denied permission). Notifiers and the store report this
 * so the caller can answer AE (retry later) rather than AR, and so a retry
 * step owns backoff.
 */

export interface AwsErrorSummary {
  /** The SDK's error name (`ThrottlingException`) or the socket error code (`ECONNREFUSED`). */
  name: string;
  retryable: boolean;
  httpStatus?: number;
}

const retryableNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'Throttled',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'KMSThrottlingException',
  'InternalServerError',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'TransactionInProgressException',
]);

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function readString(value: object, key: string): string | undefined {
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

export function summarizeAwsError(error: unknown): AwsErrorSummary {
  if (typeof error !== 'object' || error === null) {
    return { name: 'UnknownError', retryable: false };
  }
  const code = readString(error, 'code');
  const name = readString(error, 'name') ?? 'Error';
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  const httpStatus = typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
  const fault = readString(error, '$fault');
  const sdkRetryable = (error as { $retryable?: unknown }).$retryable !== undefined;

  if (code !== undefined && networkCodes.has(code)) {
    return { name: code, retryable: true };
  }
  const retryable =
    retryableNames.has(name) ||
    sdkRetryable ||
    fault === 'server' ||
    (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429));
  return httpStatus === undefined ? { name, retryable } : { name, retryable, httpStatus };
}
