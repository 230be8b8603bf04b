/**
 * The release-file schema: the single source for the generated JSON Schema, key hovers and key completion.
 * It describes the shape and documents each key; Kayron's exact value checks live in `kayron/rules.ts`, because
 * Kayron's order and messages cannot be expressed by a schema validator.
 */
import { z } from 'zod/v3';

export const KEY_DOCS = {
  docker:
    'ECR repository name of a **service**. Also the value of the ECS `service` tag and the stem of the CloudFormation parameter (`splits-lite` → `SplitsLiteVersion`). Lowercase Docker reference path, e.g. `splits-lite`.',
  github:
    'Repository name under the releases repository\'s owner (Kayron resolves every value as `<owner>/<github>`). Letters, digits, `-`, `_`, `.`; no `owner/` prefix and no `.git`.',
  provider:
    'Marks this entry as **the infrastructure release**. Only `cloudformation` is allowed, and exactly one entry across all release files must have it.',
  deploy:
    'How Kayron deploys this release: exactly one of `release`, `branch` or `suspend: true`, plus optional `preview: true`.',
  release:
    'Pinned tag to deploy, `vMAJOR.MINOR.PATCH` with an optional `-suffix` (e.g. `v0.5.3`, `v1.12.2-ce60d74`). No `+build` metadata; at most 128 characters. For services the ECR image with this tag is deployed.',
  branch:
    'Branch of the `github` repository to follow: Kayron deploys the image tagged with the branch head\'s commit SHA. Meant for testing environments; never validated by Kayron, and a missing branch silently deploys nothing.',
  suspend: 'When `true`, Kayron stops reconciling this release and keeps whatever runs now. `false` is the same as absent.',
  preview:
    'When `true`, the testing environment also deploys one preview per open pull request of the `github` repository (not Dependabot). Not a strategy by itself; not allowed with `provider`.',
} as const;

export const deploySchema = z
  .object({
    release: z.string().describe(KEY_DOCS.release).optional(),
    branch: z.string().describe(KEY_DOCS.branch).optional(),
    suspend: z.boolean().describe(KEY_DOCS.suspend).optional(),
    preview: z.boolean().describe(KEY_DOCS.preview).optional(),
  })
  .describe(KEY_DOCS.deploy);

export const releaseEntrySchema = z
  .object({
    docker: z.string().describe(KEY_DOCS.docker).optional(),
    github: z.string().describe(KEY_DOCS.github).optional(),
    provider: z.literal('cloudformation').describe(KEY_DOCS.provider).optional(),
    deploy: deploySchema.optional(),
  })
  .describe('One release that Kayron reconciles.');

export const releaseFileSchema = z
  .array(releaseEntrySchema)
  .describe('A Kayron release file: a list of releases. Kayron loads every `.yaml` file under infrastructure/ and service/.');

export type ReleaseEntry = z.infer<typeof releaseEntrySchema>;
