/**
 * Who may open the console: a Cognito user pool with the hosted sign-in.
 * Local users are created by an administrator (no self sign-up), need a
 * strong password and TOTP MFA; the hospital's SAML or OIDC identity
 * provider can be federated (its users authenticate, MFA included, there).
 * Threat protection (Plus plan) blocks sign-ins with leaked or attacked
 * credentials. Groups `clinician` (read, acknowledge) and `admin` (also the
 * cohort) are what the admin function enforces (lambdas/handlers/caller.ts).
 * The console is a public client: authorization code with PKCE, no secret.
 */
import { Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { consoleGroups } from '../../lambdas/handlers/caller.js';
import type { HospitalConfig } from '../config/hospital-config.js';

export interface ConsoleSignInProps {
  prefix: string;
  hospitalId: string;
  settings: HospitalConfig['console'];
}

/** What the console asks for: who the user is (ID token with e-mail and name), nothing more. */
export const consoleScopes = ['openid', 'email', 'profile'] as const;

/** The ID token the console sends lasts an hour; the sign-in itself `signInHours` (the refresh token). */
const tokenLifetime = Duration.hours(1);

const groupDescriptions: Record<(typeof consoleGroups)[number], string> = {
  clinician: 'Sees alerts, patient timelines, the cohort and timeliness; acknowledges alerts.',
  admin: 'Everything a clinician may, and enrols patients in or removes them from the cohort.',
};

export class ConsoleSignIn extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  /** The hosted sign-in's origin: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly signInOrigin: string;
  /** The federated identity provider's name, when one is configured. */
  readonly identityProviderName?: string;
  private readonly identityProvider?: cognito.IUserPoolIdentityProvider;
  private readonly settings: HospitalConfig['console'];

  constructor(scope: Construct, id: string, props: ConsoleSignInProps) {
    super(scope, id);
    const { settings } = props;
    this.settings = settings;

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${props.prefix}-console-users`,
      // Accounts are made by an administrator for named staff.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa: cognito.Mfa.REQUIRED,
      // An authenticator app; SMS codes can be intercepted and cost per message.
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Your calciphylaxis console account',
        emailBody:
          'Your user name is {username} and your temporary password is {####}. At first sign-in you choose a password and set up an authenticator app.',
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const [precedence, group] of consoleGroups.entries()) {
      new cognito.UserPoolGroup(this, `Group${group.charAt(0).toUpperCase()}${group.slice(1)}`, {
        userPool: this.userPool,
        groupName: group,
        description: groupDescriptions[group],
        precedence,
      });
    }

    const idp = settings.identityProvider;
    if (idp !== undefined) {
      this.identityProviderName = idp.name;
      this.identityProvider =
        idp.type === 'saml'
          ? new cognito.UserPoolIdentityProviderSaml(this, 'HospitalIdentityProvider', {
              userPool: this.userPool,
              name: idp.name,
              metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(idp.metadataUrl),
              idpSignout: true,
              attributeMapping: {
                email: cognito.ProviderAttribute.other(
                  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
                ),
                fullname: cognito.ProviderAttribute.other(
                  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
                ),
              },
            })
          : new cognito.UserPoolIdentityProviderOidc(this, 'HospitalIdentityProvider', {
              userPool: this.userPool,
              name: idp.name,
              issuerUrl: idp.issuerUrl,
              clientId: idp.clientId,
              // A dynamic reference: CloudFormation resolves it at deploy, so the template never holds the secret.
              clientSecret: SecretValue.secretsManager(idp.clientSecretArn).unsafeUnwrap(),
              scopes: idp.scopes,
              attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
              attributeMapping: {
                email: cognito.ProviderAttribute.other('email'),
                fullname: cognito.ProviderAttribute.other('name'),
              },
            });
    }

    const { account } = Stack.of(this);
    this.domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: {
        domainPrefix: settings.signInDomainPrefix ?? `${props.prefix}-${props.hospitalId}-${account}`,
      },
    });
    this.signInOrigin = this.domain.baseUrl();
  }

  /** The console's app client, once its URL is known (the CloudFront distribution's). */
  addConsoleClient(consoleUrl: string): cognito.UserPoolClient {
    const providers = [
      ...(this.settings.localUsers ? [cognito.UserPoolClientIdentityProvider.COGNITO] : []),
      ...(this.identityProviderName === undefined
        ? []
        : [cognito.UserPoolClientIdentityProvider.custom(this.identityProviderName)]),
    ];
    const client = this.userPool.addClient('Console', {
      userPoolClientName: 'console',
      // A browser cannot keep a secret: PKCE protects the code instead.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: consoleScopes.map((scope) => cognito.OAuthScope.custom(scope)),
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: providers,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: tokenLifetime,
      accessTokenValidity: tokenLifetime,
      refreshTokenValidity: Duration.hours(this.settings.signInHours),
      authSessionValidity: Duration.minutes(5),
    });
    if (this.identityProvider !== undefined) client.node.addDependency(this.identityProvider);
    return client;
  }
}
