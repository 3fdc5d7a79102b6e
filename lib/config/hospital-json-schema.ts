/**
 * The JSON Schema editors use for `config/hospitals/*.json` (`"$schema":
 * "./schema.json"`), generated from the zod schema so the two cannot drift:
 * a test compares the committed file with this output.
 */
import { z } from 'zod';
import { hospitalConfigSchema } from './hospital-config.js';

export const hospitalJsonSchemaFile = 'config/hospitals/schema.json';

export function hospitalJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(hospitalConfigSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'Calciphylaxis alerting: one hospital deployment',
    description: `Generated from lib/config/hospital-config.ts; regenerate with \`npx tsx lib/config/write-json-schema.ts\`.`,
  };
}
