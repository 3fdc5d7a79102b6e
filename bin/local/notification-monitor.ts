/**
 * Reads back what the pipeline published: an SQS queue subscribed to the
 * pages, notices and escalations topics, long-polled. `npm start` prints one
 * line per notification from it; the end-to-end tests assert on it.
 */
import { randomUUID } from 'node:crypto';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export interface ReceivedNotification {
  /** The topic's name (last part of its ARN). */
  topic: string;
  /** SNS's id of the publish: the same id twice is one publish delivered twice (SQS is at least once). */
  snsMessageId?: string;
  subject?: string;
  /** The default (JSON) body, parsed. */
  body: Record<string, unknown>;
  sms?: string;
  attributes: Record<string, string>;
  receivedAt: Date;
}

export interface NotificationMonitor {
  stop(): Promise<void>;
}

interface SnsEnvelope {
  MessageId?: string;
  TopicArn?: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** The emulator delivers the whole `MessageStructure: 'json'` map; real SNS delivers `default` to SQS. */
function unwrap(message: string): { body: Record<string, unknown>; sms?: string } {
  const parsed = JSON.parse(message) as Record<string, unknown>;
  if (typeof parsed.default === 'string') {
    return {
      body: JSON.parse(parsed.default) as Record<string, unknown>,
      ...(typeof parsed.sms === 'string' ? { sms: parsed.sms } : {}),
    };
  }
  return { body: parsed };
}

export async function startNotificationMonitor(options: {
  awsEndpoint: string;
  topicArns: readonly string[];
  onNotification: (notification: ReceivedNotification) => void;
  queueName?: string;
}): Promise<NotificationMonitor> {
  // The emulator's queue URLs name a host that does not resolve here: always use the endpoint.
  const sqs = new SQSClient({ endpoint: options.awsEndpoint, useQueueUrlAsEndpoint: false });
  const sns = new SNSClient({ endpoint: options.awsEndpoint });
  const queueName = options.queueName ?? `calciphylaxis-monitor-${randomUUID().slice(0, 8)}`;
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  if (queueUrl === undefined) throw new Error(`could not create the monitor queue ${queueName}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  for (const topicArn of options.topicArns) {
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );
  }

  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
        );
        for (const message of Messages) {
          const envelope = JSON.parse(message.Body ?? '{}') as SnsEnvelope;
          const attributes = Object.fromEntries(
            Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value]),
          );
          options.onNotification({
            topic: (envelope.TopicArn ?? '').split(':').pop() ?? '',
            ...(envelope.MessageId === undefined ? {} : { snsMessageId: envelope.MessageId }),
            ...(envelope.Subject === undefined ? {} : { subject: envelope.Subject }),
            ...unwrap(envelope.Message),
            attributes,
            receivedAt: new Date(),
          });
        }
        if (Messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: Messages.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
              })),
            }),
          );
        }
      } catch (error: unknown) {
        if (!running) break;
        process.stderr.write(
          `notification monitor: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
    },
  };
}
