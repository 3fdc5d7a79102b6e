#!/usr/bin/env node
/**
 * The CDK app: one stack for the hospital chosen with `-c hospital=<id>`
 * (`config/hospitals/<id>.json`; `example` when none is given), checked by
 * the AWS Solutions and HIPAA Security packs of cdk-nag. Any unacknowledged
 * finding, or a bad hospital file, fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { ConfigError } from '../lambdas/config/rules-config.js';
import { CalciphylaxisStack, stackIdFor } from '../lib/calciphylaxis-stack.js';
import { loadHospitalConfig } from '../lib/config/hospital-config.js';

const app = new App();
const hospital: unknown = app.node.tryGetContext('hospital') ?? 'example';

try {
  const config = loadHospitalConfig(String(hospital));
  new CalciphylaxisStack(app, stackIdFor(config), { config });
} catch (error: unknown) {
  if (error instanceof ConfigError) {
    // The message already names the file and the key; a stack trace would only bury it.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

// Acknowledgements (rule id and reason) are also written into the template, for the hospital's security review.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new HIPAASecurityChecks(app),
);
