/**
 * The HMAC key of the tap-to-acknowledge links: a generated secret in AWS
 * Secrets Manager, encrypted with the stack's key. Evaluate and sweep read it
 * to mint links; the ack-link function reads it to check them. Nobody else.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface AckLinkKeyProps {
  prefix: string;
  key: kms.IKey;
}

/** 64 letters and digits: about 380 bits, well above the 32 bytes the token code requires. */
const secretLength = 64;

export class AckLinkKey extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AckLinkKeyProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: `${props.prefix}/ack-link-key`,
      description: 'HMAC key of the calciphylaxis tap-to-acknowledge links (mint and verify)',
      encryptionKey: props.key,
      generateSecretString: { passwordLength: secretLength, excludePunctuation: true, includeSpace: false },
      // Links live hours: losing the key only voids links in flight; a new stack generates a new one.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const reason =
      'Not rotated automatically: a new key voids every ack link in flight (they live ackLinkExpiryHours, 24 by default), so a page sent just before the rotation could not be acknowledged by tapping. Rotate by hand in a quiet hour (put a new random value); the links fall back to acknowledgement through the admin API meanwhile.';
    const checks = Validations.of(this.secret);
    checks.acknowledge({ id: 'AwsSolutions-SMG4', reason });
    checks.acknowledge({ id: 'HIPAA.Security-SecretsManagerRotationEnabled', reason });
  }

  /** Read the key (the function's KMS statement lets it decrypt). */
  readStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'ReadAckLinkKey',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [this.secret.secretArn],
    });
  }
}
