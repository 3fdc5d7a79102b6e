/**
 * The three clinical topics (clinical-rules.md "Severities and where they
 * go"): `pages` (critical, the on-call nephrologist), `notices` (urgent and
 * advisory, the care team) and `escalations` (critical alerts nobody
 * acknowledged in time). KMS-encrypted, TLS-only publishing, subscribers from
 * the hospital file with optional filters on the `event` / `severity`
 * message attributes the publisher sets.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Topic } from '../../lambdas/domain/alerts.js';
import type { HospitalConfig, Subscription } from '../config/hospital-config.js';

export const clinicalTopics = ['pages', 'notices', 'escalations'] as const satisfies readonly Topic[];

export interface PagingProps {
  key: kms.IKey;
  prefix: string;
  hospitalName: string;
  subscribers: HospitalConfig['subscriptions'];
}

const topicPurpose: Record<Topic, string> = {
  pages: 'critical calciphylaxis alerts',
  notices: 'urgent and advisory calciphylaxis notices',
  escalations: 'unacknowledged critical alerts',
};

export class Paging extends Construct {
  readonly topics: Record<Topic, sns.Topic>;

  constructor(scope: Construct, id: string, props: PagingProps) {
    super(scope, id);
    const topic = (name: Topic) => {
      const created = new sns.Topic(this, capitalize(name), {
        topicName: `${props.prefix}-${name}`,
        displayName: `${props.hospitalName}: ${topicPurpose[name]}`.slice(0, 100),
        masterKey: props.key,
        enforceSSL: true,
      });
      for (const subscriber of props.subscribers[name]) {
        created.addSubscription(subscriptionFor(subscriber));
      }
      return created;
    };
    this.topics = { pages: topic('pages'), notices: topic('notices'), escalations: topic('escalations') };
  }

  /** Publish to the named topics only. */
  publishStatement(names: readonly Topic[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: `Publish${names.map(capitalize).join('')}`,
      actions: ['sns:Publish'],
      resources: names.map((name) => this.topics[name].topicArn),
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
