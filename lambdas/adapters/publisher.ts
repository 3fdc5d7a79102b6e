/**
 * Publishing a rendered notification to an SNS topic: one message per
 * protocol (`MessageStructure: 'json'`: SMS gets the short text, email the
 * long one, everything else `default`), with String message attributes that
 * subscriptions filter on. Errors say whether a retry can help; the caller's
 * retry step owns backoff.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import type { RenderedNotification } from '../alerts/render.js';
import { sns } from './aws-clients.js';
import { summarizeAwsError } from './aws-errors.js';

export interface PublishRequest {
  topicArn: string;
  rendered: RenderedNotification;
}

export class PublishError extends Error {
  constructor(
    readonly topicArn: string,
    readonly awsError: string,
    /** True for throttling, a 5xx or the network: the same publish may succeed later. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(`SNS publish to ${topicArn} failed: ${awsError}`, options);
    this.name = 'PublishError';
  }
}

/** SNS limits for Subject: under 100 characters, printable ASCII, no line breaks. */
export const maxSubjectLength = 99;

/**
 * A subject SNS accepts: control characters and line breaks become spaces,
 * other non-ASCII characters `?`, cut to 99 characters. A page must never
 * fail because of its subject line.
 */
export function snsSubject(subject: string): string {
  let ascii = '';
  for (const character of subject) {
    const code = character.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) {
      if (!ascii.endsWith(' ')) ascii += ' ';
    } else {
      ascii += code > 0x7e ? '?' : character;
    }
  }
  const trimmed = ascii.trim();
  return (trimmed === '' ? 'Notification' : trimmed).slice(0, maxSubjectLength);
}

/** Publishes and returns SNS's MessageId. */
export async function publishNotification({ topicArn, rendered }: PublishRequest): Promise<string> {
  const messageAttributes = Object.fromEntries(
    Object.entries(rendered.attributes)
      // SNS rejects empty attribute values; an absent attribute filters the same way.
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
      .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
  try {
    const result = await sns().send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: snsSubject(rendered.subject),
        MessageStructure: 'json',
        Message: JSON.stringify(rendered.message),
        MessageAttributes: messageAttributes,
      }),
    );
    if (result.MessageId === undefined) {
      throw new PublishError(topicArn, 'NoMessageId', true);
    }
    return result.MessageId;
  } catch (error: unknown) {
    if (error instanceof PublishError) throw error;
    const summary = summarizeAwsError(error);
    throw new PublishError(topicArn, summary.name, summary.retryable, { cause: error });
  }
}
