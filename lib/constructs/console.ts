/**
 * The nephrology console in AWS: its page behind CloudFront (console-site.ts),
 * sign-in through a Cognito user pool (console-sign-in.ts) and its data
 * through the console API with a user-pool authorizer (console-api.ts), which
 * integrates the admin function.
 */
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { consoleOriginVariable } from '../../lambdas/handlers/console-cors.js';
import type { HospitalConfig } from '../config/hospital-config.js';
import { ConsoleApi } from './console-api.js';
import { ConsoleSignIn, consoleScopes } from './console-sign-in.js';
import { ConsoleSite } from './console-site.js';
import type { PipelineFunction } from './pipeline-function.js';

export interface NephrologyConsoleProps {
  prefix: string;
  key: kms.IKey;
  config: HospitalConfig;
  admin: PipelineFunction;
  adminApi: apigw.RestApi;
  accessLogBucket: s3.IBucket;
}

export class NephrologyConsole extends Construct {
  readonly signIn: ConsoleSignIn;
  readonly api: ConsoleApi;
  readonly site: ConsoleSite;

  constructor(scope: Construct, id: string, props: NephrologyConsoleProps) {
    super(scope, id);
    const { config } = props;
    const settings = config.console;
    this.signIn = new ConsoleSignIn(this, 'SignIn', {
      prefix: props.prefix,
      hospitalId: config.hospitalId,
      settings,
    });
    this.api = new ConsoleApi(this, 'Api', {
      prefix: props.prefix,
      key: props.key,
      userPool: this.signIn.userPool,
      adminApi: props.adminApi,
    });
    this.site = new ConsoleSite(this, 'Site', {
      prefix: props.prefix,
      key: props.key,
      settings,
      accessLogBucket: props.accessLogBucket,
      dataRetentionDays: config.dataRetentionDays,
      connectOrigins: [this.api.origin, this.signIn.signInOrigin],
    });
    this.api.addRoutes(props.admin, this.site.origin);
    props.admin.function.addEnvironment(consoleOriginVariable, this.site.origin);
    const client = this.signIn.addConsoleClient(this.site.url);

    // Local users can always sign in through Cognito's page; with only the hospital IdP, go straight there.
    const straightToIdp = settings.localUsers ? undefined : this.signIn.identityProviderName;
    this.site.deploy({
      apiBaseUrl: this.api.baseUrl,
      auth: {
        kind: 'cognito',
        domain: this.signIn.signInOrigin,
        clientId: client.userPoolClientId,
        redirectUri: this.site.url,
        logoutUri: this.site.url,
        scopes: [...consoleScopes],
        ...(straightToIdp === undefined ? {} : { identityProvider: straightToIdp }),
      },
    });
  }
}
