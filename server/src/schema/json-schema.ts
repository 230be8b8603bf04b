import { zodToJsonSchema } from 'zod-to-json-schema';
import { releaseFileSchema } from './release-schema';

/** The JSON Schema for release files, generated from the zod schema (committed as release.schema.json, drift-tested). */
export function releaseJsonSchema(): Record<string, unknown> {
  const schema = zodToJsonSchema(releaseFileSchema, { name: 'KayronReleaseFile', $refStrategy: 'none' }) as Record<string, unknown>;
  return { ...schema, title: 'Kayron release file' };
}
