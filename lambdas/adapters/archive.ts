/**
 * The raw-message archive in S3: every message's bytes exactly as received
 * (accepted or not), for audit and replay. Keys sort by arrival:
 * `raw/YYYY/MM/DD/<receivedAt>-<sha256 prefix>.hl7`. Object metadata carries
 * facility, control id and outcome, never a patient name.
 */
import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { RawMessageToArchive } from '../workflows/ports.js';
import { requiredEnv, s3 } from './aws-clients.js';
import { summarizeAwsError } from './aws-errors.js';

export type { ArchiveOutcome, RawMessageToArchive } from '../workflows/ports.js';

export interface ArchivedRawMessage {
  key: string;
  bytes: Uint8Array;
  facility?: string;
  controlId?: string;
  outcome?: string;
  contentType?: string;
}

export interface ArchivedRawMessageSummary {
  key: string;
  size: number;
  lastModified?: Date;
}

export class ArchiveError extends Error {
  constructor(
    readonly operation: string,
    readonly awsError: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(`S3 archive ${operation} failed: ${awsError}`, options);
    this.name = 'ArchiveError';
  }
}

export const rawContentType = 'application/hl7-v2';

let bucket: string | undefined;
function archiveBucket(): string {
  bucket ??= requiredEnv('ARCHIVE_BUCKET');
  return bucket;
}

function archiveErrorFrom(operation: string, error: unknown): ArchiveError {
  const summary = summarizeAwsError(error);
  return new ArchiveError(operation, summary.name, summary.retryable, { cause: error });
}

/** `raw/2026/07/26/2026-07-26T23:44:14.000Z-<16 hex>.hl7`; the same bytes at the same time give the same key. */
export function rawMessageKey(bytes: Uint8Array, receivedAt: string): string {
  const at = new Date(Date.parse(receivedAt));
  if (Number.isNaN(at.getTime())) {
    throw new ArchiveError('put', `receivedAt is not a timestamp: ${receivedAt}`, false);
  }
  const iso = at.toISOString();
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return `raw/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso}-${digest}.hl7`;
}

/** Header-safe metadata value: S3 user metadata travels as HTTP headers (ASCII). */
function metadataValue(value: string): string {
  return /^[\u0020-\u007e]*$/.test(value) ? value : encodeURIComponent(value);
}

/** Stores the raw bytes and returns the key. */
export async function archiveRawMessage(message: RawMessageToArchive): Promise<string> {
  const key = rawMessageKey(message.bytes, message.receivedAt);
  const metadata: Record<string, string> = { outcome: message.outcome };
  if (message.facility !== undefined) metadata.facility = metadataValue(message.facility);
  if (message.controlId !== undefined) metadata.controlid = metadataValue(message.controlId);
  try {
    await s3().send(
      new PutObjectCommand({
        Bucket: archiveBucket(),
        Key: key,
        Body: message.bytes,
        ContentType: rawContentType,
        Metadata: metadata,
      }),
    );
  } catch (error: unknown) {
    throw archiveErrorFrom('put', error);
  }
  return key;
}

/** One archived message; `bucket` defaults to ARCHIVE_BUCKET (a copy of the archive elsewhere: its bucket). */
export async function getRawMessage(key: string, bucket = archiveBucket()): Promise<ArchivedRawMessage> {
  try {
    const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (object.Body === undefined) throw new ArchiveError('get', 'EmptyBody', false);
    const result: ArchivedRawMessage = { key, bytes: await object.Body.transformToByteArray() };
    const metadata = object.Metadata ?? {};
    if (metadata.facility !== undefined) result.facility = decodeURIComponent(metadata.facility);
    if (metadata.controlid !== undefined) result.controlId = decodeURIComponent(metadata.controlid);
    if (metadata.outcome !== undefined) result.outcome = metadata.outcome;
    if (object.ContentType !== undefined) result.contentType = object.ContentType;
    return result;
  } catch (error: unknown) {
    if (error instanceof ArchiveError) throw error;
    throw archiveErrorFrom('get', error);
  }
}

/** Every archived message under a prefix (e.g. `raw/2026/07/26/`), in key (= arrival) order; `bucket` as for getRawMessage. */
export async function* listRawMessages(
  prefix: string,
  bucket = archiveBucket(),
): AsyncGenerator<ArchivedRawMessageSummary> {
  let continuationToken: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3().send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ContinuationToken: continuationToken,
        }),
      );
    } catch (error: unknown) {
      throw archiveErrorFrom('list', error);
    }
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      const summary: ArchivedRawMessageSummary = { key: object.Key, size: object.Size ?? 0 };
      if (object.LastModified !== undefined) summary.lastModified = object.LastModified;
      yield summary;
    }
    continuationToken = page.NextContinuationToken;
  } while (continuationToken !== undefined);
}
