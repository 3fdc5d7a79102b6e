/**
 * One hospital's deployment configuration (`config/hospitals/<id>.json`):
 * where the stack goes, who gets paged, how long data is kept and the rules
 * settings. Validated at synth time, so a bad file stops `cdk synth` with the
 * file and the key in the message. The rules part reuses the runtime's own
 * schema; only its time zone comes from the top level.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  ConfigError,
  maxEscalationLevels,
  parseRulesConfig,
  type RulesConfig,
  rulesConfigSchema,
} from '../../lambdas/config/rules-config.js';
import type { NotificationEvent, Severity } from '../../lambdas/domain/alerts.js';
import { describeIssues } from '../../lambdas/domain/validation-issues.js';
import { maxMessageBytesLimit } from '../../lambdas/hl7/index.js';
import { parseCidr } from '../../lambdas/mllp/cidr.js';

/** Where the checked-in hospital files live. */
export const hospitalsDirectory = fileURLToPath(new URL('../../config/hospitals/', import.meta.url));

export const notificationEvents = [
  'opened',
  'escalated',
  'repeated',
  'acknowledged',
  'resolved',
  'superseded',
] as const satisfies readonly NotificationEvent[];

export const severities = ['critical', 'urgent', 'advisory'] as const satisfies readonly Severity[];

const hospitalId = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/,
    'lower-case letters, digits and inner hyphens, 1-32 characters',
  );

/** Optional SNS filter policy: deliver only these events / severities to this subscriber. */
const deliveryFilter = {
  events: z
    .array(z.enum(notificationEvents))
    .min(1)
    .optional()
    .describe('Deliver only these events (SNS filter on the `event` message attribute).'),
  severities: z
    .array(z.enum(severities))
    .min(1)
    .optional()
    .describe('Deliver only these severities (SNS filter on the `severity` message attribute).'),
};

const subscription = z.discriminatedUnion('protocol', [
  z
    .object({
      protocol: z.literal('sms'),
      endpoint: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number such as +15555550100'),
      ...deliveryFilter,
    })
    .strict(),
  z.object({ protocol: z.literal('email'), endpoint: z.email(), ...deliveryFilter }).strict(),
  z
    .object({
      protocol: z.literal('https'),
      endpoint: z.url({ protocol: /^https$/, hostname: z.regexes.domain }),
      ...deliveryFilter,
    })
    .strict(),
]);

const subscriberList = z.array(subscription).min(1, 'at least one subscriber, or nobody would be told');

const iamRoleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    'an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
  );

const mtls = z
  .object({
    truststoreBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
    truststoreKey: z
      .string()
      .min(1)
      .describe('Object key of the PEM bundle of the CAs that sign sender certificates.'),
    domainName: z.string().regex(z.regexes.domain, 'a DNS name such as hl7.hospital.example.org'),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN'),
  })
  .strict();

/** The MLLP door in AWS (lib/constructs/mllp-listener.ts): Fargate tasks behind a TLS Network Load Balancer. */
const mllp = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Run the MLLP listener (false keeps the settings but removes it).'),
    port: z.number().int().min(1).max(65_535).default(2575).describe('TLS port of the load balancer.'),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN')
      .describe('ACM certificate the load balancer presents to senders.'),
    allowedCidrs: z
      .array(
        z
          .string()
          .refine((cidr) => parseCidr(cidr) !== undefined, 'an IPv4 or IPv6 CIDR such as 10.20.0.0/16'),
      )
      .min(1, 'at least one sender range (the hospital network over VPN or Direct Connect)')
      .describe('Sender address ranges allowed to connect; nothing else reaches the port.'),
    vpc: z
      .object({
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id such as vpc-0123456789abcdef0'),
        availabilityZones: z
          .array(z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d[a-z]$/, 'an availability zone'))
          .min(2),
        privateSubnetIds: z
          .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id such as subnet-0123456789abcdef0'))
          .min(2),
      })
      .strict()
      .describe(
        'The VPC the hospital network reaches (VPN or Direct Connect): private subnets, one per availability zone, with a route to AWS APIs (NAT or VPC endpoints).',
      ),
    tasks: z.number().int().min(2).max(20).default(2).describe('Listener tasks, spread across the zones.'),
    silenceMinutes: z
      .number()
      .int()
      .min(5)
      .max(1440)
      .default(30)
      .describe('Alarm when no sender has been connected for this long.'),
  })
  .strict();

const acmCertificateArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN');

/** A Secrets Manager secret's ARN: secrets stay there and are resolved at deploy time, never written here. */
const secretArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/,
    'a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
  );

/** Cognito's identity provider names: 1-32 characters, no spaces or underscores at the ends. */
const identityProviderName = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]{0,30}[A-Za-z0-9]$/, '2-32 letters, digits, dots, hyphens or underscores')
  .refine((name) => !['COGNITO', 'Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple'].includes(name), {
    error: 'a name Cognito reserves',
  });

/** The hospital's own identity provider, federated into the console's user pool. */
const identityProvider = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('saml'),
      name: identityProviderName.describe(
        'Shown on the sign-in page; also the identity_provider to go straight to.',
      ),
      metadataUrl: z
        .url({ protocol: /^https$/ })
        .describe("URL of the IdP's SAML metadata (Cognito reads it at deploy time)."),
    })
    .strict(),
  z
    .object({
      type: z.literal('oidc'),
      name: identityProviderName.describe(
        'Shown on the sign-in page; also the identity_provider to go straight to.',
      ),
      issuerUrl: z
        .url({ protocol: /^https$/ })
        .describe('The OpenID Connect issuer (its discovery document is read).'),
      clientId: z.string().min(1).max(256).describe('The client id the IdP issued for the console.'),
      clientSecretArn: secretArn.describe(
        'The client secret, as a Secrets Manager secret (plain text): resolved by CloudFormation at deploy, never in this file or the template.',
      ),
      scopes: z
        .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'an OAuth scope'))
        .min(1)
        .default(['openid', 'email', 'profile'])
        .describe('Scopes asked of the IdP (openid is required).'),
    })
    .strict(),
]);

/** The nephrology console in AWS (lib/constructs/console-*.ts): CloudFront, a Cognito user pool, the console API. */
const consoleSettings = z
  .object({
    signInDomainPrefix: z
      .string()
      .regex(
        /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
        'lower-case letters, digits and inner hyphens, 1-63 characters',
      )
      .refine((prefix) => !/aws|amazon|cognito/.test(prefix), {
        error: 'Cognito refuses prefixes containing aws, amazon or cognito',
      })
      .optional()
      .describe(
        'Prefix of the hosted sign-in domain (<prefix>.auth.<region>.amazoncognito.com), unique in the region across AWS; default calciphylaxis-<hospitalId>-<account>.',
      ),
    customDomain: z
      .object({
        domainName: z.string().regex(z.regexes.domain, 'a DNS name such as console.hospital.example.org'),
        certificateArn: acmCertificateArn
          .refine((arn) => arn.split(':')[3] === 'us-east-1', {
            error: 'CloudFront takes certificates from us-east-1 only',
          })
          .describe('ACM certificate for domainName, in us-east-1.'),
      })
      .strict()
      .optional()
      .describe(
        'Serve the console at this name (TLS 1.2 or newer, TLSv1.2_2021); otherwise at the CloudFront domain.',
      ),
    webAclArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/,
        'a WAF web ACL ARN of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)',
      )
      .optional()
      .describe(
        "The hospital's CloudFront web ACL to put in front of the console (WAF for CloudFront lives in us-east-1).",
      ),
    allowedCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as US'))
      .min(1)
      .optional()
      .describe(
        'Serve the console only to these countries (CloudFront geo restriction); everywhere otherwise.',
      ),
    identityProvider: identityProvider
      .optional()
      .describe("Federate the hospital's SAML or OIDC identity provider into the user pool."),
    localUsers: z
      .boolean()
      .default(true)
      .describe(
        'Allow user-pool users (created by an administrator, MFA required); false leaves the hospital identity provider as the only way in.',
      ),
    signInHours: z
      .number()
      .int()
      .min(1)
      .max(24)
      .default(12)
      .describe(
        'How long a console sign-in lasts before the user signs in again (the refresh token); ID tokens last 1 hour.',
      ),
  })
  .strict()
  .superRefine((settings, context) => {
    if (!settings.localUsers && settings.identityProvider === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['localUsers'],
        message: 'false needs an identityProvider, or nobody could sign in',
      });
    }
  });

/**
 * The throughput caps (README "Capacity and cost"). The stage throttle turns a
 * runaway sender away with 429 before it costs anything; the reserved
 * concurrency keeps a burst from starving the account. A burst bigger than
 * the ingest concurrency would find no free function, and API Gateway answers
 * a throttled Lambda with a bare HTTP 500 (no ACK), so the burst may not exceed it.
 */
const capacity = z
  .object({
    ingestRequestsPerSecond: z
      .number()
      .int()
      .min(10)
      .max(10_000)
      .default(100)
      .describe(
        'API stage steady rate (requests/s, all routes); above it callers get 429. Keep it above the peak sending rate of the lab feed.',
      ),
    ingestBurstRequests: z
      .number()
      .int()
      .min(20)
      .max(5_000)
      .default(50)
      .describe('API stage burst (requests at once); at most capacity.ingestConcurrency.'),
    ingestConcurrency: z
      .number()
      .int()
      .min(1)
      .max(900)
      .default(50)
      .describe(
        'Reserved concurrency of the ingest function: rate × p99 duration (about 0.2 s) and at least the burst.',
      ),
    evaluateConcurrency: z
      .number()
      .int()
      .min(1)
      .max(900)
      .default(10)
      .describe(
        'Reserved concurrency of the evaluate function: at least the stream shards × the event source parallelization factor, or the stream falls behind.',
      ),
    ackLinkRequestsPerIpPer5Minutes: z
      .number()
      .int()
      .min(10)
      .max(10_000)
      .default(100)
      .describe(
        'Tap-to-acknowledge links (/a/{token}): requests one IP address may make in 5 minutes before the web ACL blocks it (WAF rate-based rule; 10 is the WAF minimum). A ward behind one NAT address taps a few links an hour.',
      ),
  })
  .strict();

export const hospitalConfigSchema = z
  .object({
    $schema: z.string().optional(),
    hospitalId: hospitalId.describe('Must equal the file name without `.json`.'),
    displayName: z.string().min(1),
    account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d$/, 'an AWS region such as us-east-1'),
    timeZone: rulesConfigSchema.shape.timeZone.describe(
      'IANA zone for HL7 timestamps sent without an offset.',
    ),
    rules: rulesConfigSchema
      .omit({ timeZone: true })
      .prefault({})
      .describe('Rules settings (lambdas/config/rules-config.ts) without timeZone.'),
    subscriptions: z
      .object({
        pages: subscriberList,
        notices: subscriberList,
        escalations: subscriberList.describe('Escalation level 1 (topic calciphylaxis-escalations).'),
        furtherEscalations: z
          .array(subscriberList)
          .max(maxEscalationLevels - 1)
          .optional()
          .describe(
            'Subscribers of escalation levels 2, 3, ... in order (topics calciphylaxis-escalation-2, ...): one list per level of rules.escalationChain after the first.',
          ),
      })
      .strict()
      .describe(
        'Subscribers per topic: pages (critical), notices (urgent, advisory), escalations (level 1 and further).',
      ),
    alarmEmail: z.email().describe('Receives the operational alarms (feed silence, errors, dead letters).'),
    dataRetentionDays: z
      .number()
      .int()
      .min(1)
      .describe('Days raw messages and their access logs are kept in the archive.'),
    feedSilenceMinutes: z
      .number()
      .int()
      .min(5)
      .max(1440)
      .default(60)
      .describe('Alarm when no message is accepted for this long.'),
    senders: z
      .object({
        iamRoleArns: z.array(iamRoleArn).min(1).describe('Roles allowed to POST /hl7 (SigV4).'),
        mtls: mtls.optional().describe('Custom domain with mutual TLS in front of the API.'),
      })
      .strict(),
    sweepEveryMinutes: z.number().int().min(1).max(60).default(5),
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .max(maxMessageBytesLimit)
      .default(maxMessageBytesLimit)
      .describe(
        'Largest HL7 body accepted, in bytes; larger ones are answered AR. At most 4 MiB: the body reaches Lambda base64-encoded and Lambda refuses events over 6 MB.',
      ),
    mllp: mllp
      .optional()
      .describe('HL7 over MLLP from the hospital network (ECS Fargate behind a TLS Network Load Balancer).'),
    console: consoleSettings
      .prefault({})
      .describe(
        'The nephrology console: CloudFront, sign-in through a Cognito user pool (MFA for local users, or the hospital identity provider), and the console API.',
      ),
    capacity: capacity
      .prefault({})
      .describe('Throughput caps: API stage throttle and reserved concurrency (README "Capacity and cost").'),
  })
  .strict();

export type HospitalConfig = z.output<typeof hospitalConfigSchema>;
export type HospitalConfigInput = z.input<typeof hospitalConfigSchema>;
export type Subscription = z.output<typeof subscription>;

/** Validates a parsed hospital file; `origin` (the file) starts every issue line. */
export function parseHospitalConfig(input: unknown, origin: string): HospitalConfig {
  const result = hospitalConfigSchema.safeParse(input);
  if (!result.success) {
    throw configError(origin, describeIssues(result.error));
  }
  checkEscalationSubscribers(result.data, origin);
  checkBurstFitsConcurrency(result.data, origin);
  checkMllpSubnets(result.data, origin);
  return result.data;
}

/** Every escalation level needs people to reach, and every list of people a level: or someone is never told. */
function checkEscalationSubscribers(config: HospitalConfig, origin: string): void {
  const levels = config.rules.escalationChain?.length ?? 1;
  const lists = config.subscriptions.furtherEscalations?.length ?? 0;
  if (lists !== levels - 1) {
    throw configError(origin, [
      `subscriptions.furtherEscalations: rules.escalationChain has ${levels} level${levels === 1 ? '' : 's'}, so ${levels - 1} list${levels - 1 === 1 ? '' : 's'} of subscribers ${levels - 1 === 1 ? 'is' : 'are'} needed for levels after the first (level 1 is subscriptions.escalations); found ${lists}`,
    ]);
  }
}

/** A burst the ingest function cannot take at once would be answered with bare HTTP 500s. */
function checkBurstFitsConcurrency(config: HospitalConfig, origin: string): void {
  const { ingestBurstRequests, ingestConcurrency } = config.capacity;
  if (ingestBurstRequests > ingestConcurrency) {
    throw configError(origin, [
      `capacity.ingestBurstRequests: ${ingestBurstRequests} is above capacity.ingestConcurrency (${ingestConcurrency}); a burst that size would find no free ingest function and API Gateway would answer HTTP 500 without an ACK`,
    ]);
  }
}

/** One private subnet per zone, in the same order: the listener's tasks and load balancer use both lists together. */
function checkMllpSubnets(config: HospitalConfig, origin: string): void {
  const vpc = config.mllp?.vpc;
  if (vpc !== undefined && vpc.privateSubnetIds.length !== vpc.availabilityZones.length) {
    throw configError(origin, [
      `mllp.vpc.privateSubnetIds: ${vpc.privateSubnetIds.length} subnets for ${vpc.availabilityZones.length} availability zones; give one subnet per zone, in the same order`,
    ]);
  }
}

/** Reads and validates `config/hospitals/<hospitalId>.json` (or the same name under `directory`). */
export function loadHospitalConfig(hospitalIdInput: string, directory = hospitalsDirectory): HospitalConfig {
  const idCheck = hospitalId.safeParse(hospitalIdInput);
  if (!idCheck.success) {
    throw configError('-c hospital', [
      `"${hospitalIdInput}": ${idCheck.error.issues[0]?.message ?? 'invalid'}`,
    ]);
  }
  const file = resolve(directory, `${hospitalIdInput}.json`);
  const origin = relative(process.cwd(), file) || file;
  if (!existsSync(file)) {
    throw configError(origin, ['(file): not found; add it or pick another hospital with -c hospital=<id>']);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error: unknown) {
    const detail = error instanceof Error ? error.message : String(error);
    throw configError(origin, [`(file): not valid JSON: ${detail}`]);
  }
  const config = parseHospitalConfig(raw, origin);
  if (config.hospitalId !== hospitalIdInput) {
    throw configError(origin, [
      `hospitalId: "${config.hospitalId}" does not match the file name "${hospitalIdInput}"`,
    ]);
  }
  return config;
}

/**
 * The runtime rules configuration: the hospital's rules plus its time zone.
 * It is bundled into each function as a file (lib/constructs/pipeline-function.ts),
 * so code maps of any size fit; the environment carries none of it.
 */
export function rulesConfigFor(config: HospitalConfig): RulesConfig {
  return parseRulesConfig(
    { ...config.rules, timeZone: config.timeZone },
    `hospital ${config.hospitalId} rules`,
  );
}

function configError(origin: string, issues: string[]): ConfigError {
  const lines = issues.map((issue) => `${origin}: ${issue}`);
  return new ConfigError(lines.join('\n'), lines);
}
