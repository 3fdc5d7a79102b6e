/**
 * The sweep function with DynamoDB unreachable (nothing listening): both
 * stages fail, each is counted in `SweepFailures` (the metric the operations
 * alarm watches), and the invocation still fails so it shows as an error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../bin/local/free-port.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import { writeRulesConfigFile } from '../../lib/config/rules-config-file.js';

beforeAll(async () => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: closed,
    AWS_ENDPOINT_URL_SNS: closed,
    TABLE_NAME: 'calciphylaxis-alerting',
    RULES_CONFIG_FILE: writeRulesConfigFile(
      parseRulesConfig({ timeZone: 'America/Chicago' }),
      mkdtempSync(join(tmpdir(), 'rules-')),
    ),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});

describe('sweep handler', () => {
  it('counts each failed stage in SweepFailures and fails the invocation', async () => {
    const [{ handler }, { metrics }] = await Promise.all([
      import('../../lambdas/handlers/sweep.js'),
      import('../../lambdas/handlers/runtime.js'),
    ]);
    const addMetric = vi.spyOn(metrics, 'addMetric');

    await expect(handler()).rejects.toThrow(/2 patient\(s\) or stage\(s\) failed/);

    expect(addMetric).toHaveBeenCalledWith('SweepFailures', 'Count', 2);
  });
});
