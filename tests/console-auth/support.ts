import type { CognitoAuth } from '../../console/src/oauth.js';

/** A deployed console's sign-in settings, as the stack writes them into console-config.json. */
export const auth: CognitoAuth = {
  kind: 'cognito',
  domain: 'https://calciphylaxis-example.auth.us-east-1.amazoncognito.com',
  clientId: '1example23456789clientid',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/console/',
  logoutUri: 'https://d111111abcdef8.cloudfront.net/console/',
  scopes: ['openid', 'email', 'profile'],
};
