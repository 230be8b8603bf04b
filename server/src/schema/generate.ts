/** Writes schema/release.schema.json from the zod schema (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { releaseJsonSchema } from './json-schema';

const target = path.join(__dirname, '..', '..', '..', 'schema', 'release.schema.json');
writeFileSync(target, `${JSON.stringify(releaseJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
