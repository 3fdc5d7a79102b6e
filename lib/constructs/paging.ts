/**
 * The clinical topics (clinical-rules.md "Severities and where they go"):
 * `pages` (critical, the on-call nephrologist), `notices` (urgent and
 * advisory, the care team) and the escalation chain (critical alerts nobody
 * acknowledged in time): level 1 is `escalations`, further levels
 * `escalation-<n>`. KMS-encrypted, TLS-only publishing, subscribers from the
 * hospital file with optional filters on the `event` / `severity` message
 * attributes the publisher sets.
 */

import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { type EscalationLevel, escalationTopicName } from '../../lambdas/alerts/escalation.js';
import type { Topic } from '../../lambdas/domain/alerts.js';
import type { HospitalConfig, Subscription } from '../config/hospital-config.js';

export const clinicalTopics = ['pages', 'notices', 'escalations'] as const satisfies readonly Topic[];

export interface PagingProps {
  key: kms.IKey;
  prefix: string;
  hospitalName: string;
  subscribers: HospitalConfig['subscriptions'];
  /** The resolved escalation chain (escalationChainOf): one topic per level. */
  escalationChain: readonly EscalationLevel[];
}

const topicPurpose: Record<Topic, string> = {
  pages: 'critical calciphylaxis alerts',
  notices: 'urgent and advisory calciphylaxis notices',
  escalations: 'unacknowledged critical alerts',
};

export class Paging extends Construct {
  readonly topics: Record<Topic, sns.Topic>;
  /** One per escalation level, in order: [0] is level 1 (= topics.escalations). */
  readonly escalationTopics: sns.Topic[];

  constructor(scope: Construct, id: string, props: PagingProps) {
    super(scope, id);
    const topic = (constructId: string, topicName: string, purpose: string, subscribers: Subscription[]) => {
      const created = new sns.Topic(this, constructId, {
        topicName,
        displayName: `${props.hospitalName}: ${purpose}`.slice(0, 100),
        masterKey: props.key,
        enforceSSL: true,
      });
      for (const subscriber of subscribers) {
        created.addSubscription(subscriptionFor(subscriber));
      }
      return created;
    };
    const clinical = (name: Topic) =>
      topic(capitalize(name), `${props.prefix}-${name}`, topicPurpose[name], props.subscribers[name]);
    this.topics = {
      pages: clinical('pages'),
      notices: clinical('notices'),
      escalations: clinical('escalations'),
    };

    this.escalationTopics = [this.topics.escalations];
    for (const level of props.escalationChain.slice(1)) {
      const subscribers = props.subscribers.furtherEscalations?.[level.level - 2];
      if (subscribers === undefined) {
        // The hospital file check makes this unreachable; failing here beats a level that reaches nobody.
        throw new Error(`escalation level ${level.level} (${level.name}) has no subscribers`);
      }
      this.escalationTopics.push(
        topic(
          `Escalation${level.level}`,
          escalationTopicName(props.prefix, level.level),
          `level ${level.level} escalation (${level.name})`,
          subscribers,
        ),
      );
    }
  }

  /** Every clinical topic by a readable name (`escalation-2`, ...), for alarms. */
  allTopics(): Record<string, sns.Topic> {
    return {
      ...this.topics,
      ...Object.fromEntries(
        this.escalationTopics.slice(1).map((created, index) => [`escalation-${index + 2}`, created]),
      ),
    };
  }

  /** ESCALATION_TOPIC_ARNS: `{"1": arn, "2": arn, ...}`, for the publisher to map a level to its topic. */
  escalationTopicArnsJson(): string {
    return Stack.of(this).toJsonString(
      Object.fromEntries(
        this.escalationTopics.map((created, index) => [String(index + 1), created.topicArn]),
      ),
    );
  }

  /** The ARNs of the named topics; `escalations` means every level of the chain. */
  topicArns(names: readonly Topic[]): string[] {
    return names
      .flatMap((name) => (name === 'escalations' ? this.escalationTopics : [this.topics[name]]))
      .map((created) => created.topicArn);
  }

  /** Publish to the named topics only; `escalations` means every level of the chain. */
  publishStatement(names: readonly Topic[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: `Publish${names.map(capitalize).join('')}`,
      actions: ['sns:Publish'],
      resources: this.topicArns(names),
    });
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** SMS, e-mail or HTTPS subscriber; the filter policy only when the file narrows what it receives. */
function subscriptionFor(subscriber: Subscription): sns.ITopicSubscription {
  const filterPolicy: Record<string, sns.SubscriptionFilter> = {};
  if (subscriber.events) {
    filterPolicy.event = sns.SubscriptionFilter.stringFilter({ allowlist: subscriber.events });
  }
  if (subscriber.severities) {
    filterPolicy.severity = sns.SubscriptionFilter.stringFilter({ allowlist: subscriber.severities });
  }
  const options = Object.keys(filterPolicy).length > 0 ? { filterPolicy } : {};
  switch (subscriber.protocol) {
    case 'sms':
      return new subscriptions.SmsSubscription(subscriber.endpoint, options);
    case 'email':
      return new subscriptions.EmailSubscription(subscriber.endpoint, options);
    case 'https':
      return new subscriptions.UrlSubscription(subscriber.endpoint, {
        ...options,
        protocol: sns.SubscriptionProtocol.HTTPS,
      });
  }
}
