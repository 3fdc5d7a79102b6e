/**
 * The throughput caps are the hospital's (`capacity` in its file): the API
 * stage throttle and the reserved concurrency of ingest and evaluate reach
 * the template as configured, the defaults let a morning batch through, and
 * a burst the ingest function could not take at once is refused at synth
 * (API Gateway would answer it with bare HTTP 500s, not ACKs or 429s).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/config/rules-config.js';
import {
  type HospitalConfig,
  loadHospitalConfig,
  parseHospitalConfig,
} from '../../lib/config/hospital-config.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import { defined, resourcesOf } from './support/template-queries.js';

const capacity = {
  ingestRequestsPerSecond: 240,
  ingestBurstRequests: 120,
  ingestConcurrency: 130,
  evaluateConcurrency: 17,
  ackLinkRequestsPerIpPer5Minutes: 100,
};

let example: HospitalConfig;
let built: BuiltStack;
let template: Template;

beforeAll(() => {
  example = loadHospitalConfig('example');
  built = buildStack({ ...example, capacity });
  ({ template } = built);
}, buildTimeoutMs);

afterAll(() => built.cleanup());

/** The example file as JSON with `capacity` replaced. */
function withCapacity(value: Record<string, unknown>): unknown {
  const { capacity: _defaults, ...rest } = example;
  return { ...rest, rules: {}, capacity: value };
}

function rejection(input: unknown): string {
  try {
    parseHospitalConfig(input, 'config/hospitals/x.json');
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

const reservedConcurrency = (functionName: string) =>
  Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find(
    (resource) => resource.Properties.FunctionName === functionName,
  )?.Properties.ReservedConcurrentExecutions;

describe('capacity caps from the hospital file', () => {
  it('default to a stage of 100 requests/s with a burst of 50, ingest concurrency 50 and evaluate 10', () => {
    expect(example.capacity).toEqual({
      ingestRequestsPerSecond: 100,
      ingestBurstRequests: 50,
      ingestConcurrency: 50,
      evaluateConcurrency: 10,
      ackLinkRequestsPerIpPer5Minutes: 100,
    });
  });

  it('set the stage-wide throttle the hospital configured', () => {
    const stage = defined(Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0], 'stage');
    const settings = stage.Properties.MethodSettings as Record<string, unknown>[];
    const stageWide = settings.find((setting) => setting.ResourcePath === '/*' && setting.HttpMethod === '*');
    expect(stageWide).toMatchObject({ ThrottlingRateLimit: 240, ThrottlingBurstLimit: 120 });
  });

  it('reserve the configured concurrency for ingest and evaluate', () => {
    expect(reservedConcurrency('calciphylaxis-ingest')).toBe(130);
    expect(reservedConcurrency('calciphylaxis-evaluate')).toBe(17);
  });

  it('refuse a burst above the ingest concurrency, naming both keys', () => {
    const message = rejection(withCapacity({ ingestBurstRequests: 60, ingestConcurrency: 59 }));
    expect(message).toContain('config/hospitals/x.json: capacity.ingestBurstRequests: 60');
    expect(message).toContain('capacity.ingestConcurrency (59)');
    expect(() =>
      parseHospitalConfig(withCapacity({ ingestBurstRequests: 59, ingestConcurrency: 59 }), 'x'),
    ).not.toThrow();
  });

  it('refuse a stage rate at or below the ack route throttle and unknown keys', () => {
    expect(rejection(withCapacity({ ingestRequestsPerSecond: 5 }))).toContain(
      'capacity.ingestRequestsPerSecond',
    );
    expect(rejection(withCapacity({ evaluateConcurency: 20 }))).toContain('capacity');
  });
});
