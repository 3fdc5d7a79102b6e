/** Rewrites config/hospitals/schema.json from the zod schema: `npx tsx lib/config/write-json-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hospitalJsonSchema, hospitalJsonSchemaFile } from './hospital-json-schema.js';

const target = fileURLToPath(new URL(`../../${hospitalJsonSchemaFile}`, import.meta.url));
writeFileSync(target, `${JSON.stringify(hospitalJsonSchema(), null, 2)}\n`);
console.log(`wrote ${hospitalJsonSchemaFile}`);
