/**
 * SNS publishing against the emulator: what the on-call phone (SMS), the
 * mailbox (email) and filtered subscriptions receive.
 */
import { randomUUID } from 'node:crypto';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PublishError, publishNotification, snsSubject } from '../../lambdas/adapters/publisher.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';

let pagesTopicArn: string;
let sqs: SQSClient;

beforeAll(async () => {
  const services = await useLocalServices();
  pagesTopicArn = services.environment.PAGES_TOPIC_ARN ?? '';
  // The emulator's queue URLs name a host that does not resolve here: always use the endpoint.
  sqs = new SQSClient({ endpoint: services.awsEndpoint, useQueueUrlAsEndpoint: false });
}, localServicesTimeoutMs);

async function subscribedQueue(topicArn: string): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `pages-${randomUUID().slice(0, 8)}` }),
  );
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await new SNSClient({}).send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: attributes.Attributes?.QueueArn }),
  );
  return QueueUrl ?? '';
}

interface SnsEnvelope {
  MessageId: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

const minimalAttributes = {
  severity: 'critical',
  ruleId: 'CALCIUM_CRITICAL_LOW',
  facility: 'DIALYSIS_EAST',
  event: 'opened',
};

describe('publishNotification', () => {
  it('delivers the subject, the per-protocol message map and String attributes (empty or absent ones left out) to a subscribed queue', async () => {
    const queueUrl = await subscribedQueue(pagesTopicArn);
    const message = {
      default: 'CRITICAL CALCIUM_CRITICAL_LOW SYNTH_HOSP/SYN123: calcium 7.2 mg/dL',
      sms: 'CRIT Ca 7.2 SYN123',
      email: 'Calcium 7.2 mg/dL at 2026-07-26T23:44Z is below 7.5 mg/dL. Review cinacalcet today.',
    };

    const messageId = await publishNotification({
      topicArn: pagesTopicArn,
      rendered: {
        subject: 'Critical: calcium 7.2 mg/dL',
        message,
        attributes: {
          severity: 'critical',
          ruleId: 'CALCIUM_CRITICAL_LOW',
          event: 'opened',
          facility: '',
          escalationLevel: undefined,
        },
      },
    });

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2 }));
    const envelope = JSON.parse(received.Messages?.[0]?.Body ?? '{}') as SnsEnvelope;
    expect(envelope.MessageId).toBe(messageId);
    expect(envelope.Subject).toBe('Critical: calcium 7.2 mg/dL');
    // The emulator delivers the whole JSON map (real SNS would deliver only `default` to SQS).
    const body = JSON.parse(envelope.Message) as typeof message;
    expect(body).toEqual(message);
    expect(envelope.MessageAttributes).toEqual({
      severity: { Type: 'String', Value: 'critical' },
      ruleId: { Type: 'String', Value: 'CALCIUM_CRITICAL_LOW' },
      event: { Type: 'String', Value: 'opened' },
    });
  });

  it('reports a missing topic as not retryable', async () => {
    const missingTopic = pagesTopicArn.replace(/[^:]+$/, 'no-such-topic');

    const failure = publishNotification({
      topicArn: missingTopic,
      rendered: {
        subject: 's',
        message: { default: 'd', sms: 's', email: 'e' },
        attributes: minimalAttributes,
      },
    });

    await expect(failure).rejects.toBeInstanceOf(PublishError);
    await expect(failure).rejects.toMatchObject({ retryable: false, topicArn: missingTopic });
  });
});

describe('snsSubject', () => {
  it.each([
    ['Critical: calcium 7.2 mg/dL', 'Critical: calcium 7.2 mg/dL'],
    ['line one\nline two', 'line one line two'],
    ['Calcium 7,2 – low', 'Calcium 7,2 ? low'],
    ['   ', 'Notification'],
  ])('makes %j acceptable to SNS as %j', (subject, expected) => {
    expect(snsSubject(subject)).toBe(expected);
  });

  it('cuts a subject to 99 characters (SNS allows fewer than 100)', () => {
    expect(snsSubject('x'.repeat(150))).toHaveLength(99);
  });
});
