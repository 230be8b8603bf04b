/**
 * The release-file schema: the single source for the generated JSON Schema (for the YAML extension, yamlls, ajv) and
 * the key documentation of hovers and completion. It states Kayron's per-entry rules as closely as JSON Schema can;
 * the editor's diagnostics come from `kayron/rules.ts`, because Kayron's check order and messages are no schema's.
 */
import { z } from 'zod/v3';
import { CLOUDFORMATION_PROVIDER, DOCKER_PATH, MAX_DOCKER_TAG_LENGTH, MAX_DOCKER_VALUE_LENGTH, RELEASE_TAG } from '../kayron/grammar';

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

/** Kayron's GitHub repository-name check (§2.6) as one pattern: ASCII only, so its 100-byte limit is maxLength 100. */
export const GITHUB_NAME = /^(?!\.)(?!.*\.git$)[A-Za-z0-9_.-]+$/;
const MAX_GITHUB_NAME_LENGTH = 100;

const releaseTag = z.string().regex(RELEASE_TAG).max(MAX_DOCKER_TAG_LENGTH).describe(KEY_DOCS.release);
const branchName = z.string().min(1).describe(KEY_DOCS.branch);
const dockerName = z.string().regex(DOCKER_PATH).max(MAX_DOCKER_VALUE_LENGTH).describe(KEY_DOCS.docker);
const githubName = z.string().regex(GITHUB_NAME).max(MAX_GITHUB_NAME_LENGTH).describe(KEY_DOCS.github);
const provider = z.literal(CLOUDFORMATION_PROVIDER).describe(KEY_DOCS.provider);
/** Kayron treats an empty string and `false` as absent. */
const unset = z.literal('');
const off = z.literal(false);

/**
 * `deploy`: Kayron counts `release`, `branch` and `suspend: true` as strategies and allows at most one; the mapping
 * must not be empty, and `preview: true` alone is accepted (only previews deploy). One variant per way to be valid.
 */
function deployVariants(previewAllowed: boolean) {
  const preview = (previewAllowed ? z.boolean() : off).describe(KEY_DOCS.preview).optional();
  const pinned = z.object({ release: releaseTag, branch: unset.optional(), suspend: off.optional(), preview });
  const following = z.object({ branch: branchName, release: unset.optional(), suspend: off.optional(), preview });
  const suspended = z.object({ suspend: z.literal(true).describe(KEY_DOCS.suspend), release: unset.optional(), branch: unset.optional(), preview });
  const previewOnly = z.object({ preview: z.literal(true).describe(KEY_DOCS.preview), release: unset.optional(), branch: unset.optional(), suspend: off.optional() });
  return previewAllowed ? z.union([pinned, following, suspended, previewOnly]) : z.union([pinned, following, suspended]);
}

export const deploySchema = deployVariants(true).describe(KEY_DOCS.deploy);

/** A service: a docker repository, no provider; previews allowed. */
const serviceEntry = z.object({ docker: dockerName, github: githubName, provider: unset.optional(), deploy: deploySchema });
/** The infrastructure release: `provider: cloudformation` (a docker name may stand beside it); no previews. */
const infrastructureEntry = z.object({
  docker: z.union([dockerName, unset]).optional(),
  github: githubName,
  provider,
  deploy: deployVariants(false).describe(`${KEY_DOCS.deploy} No \`preview\` with \`provider\`.`),
});

export const releaseEntrySchema = z.union([serviceEntry, infrastructureEntry]).describe('One release that Kayron reconciles: a service (`docker`) or the infrastructure (`provider: cloudformation`).');

export const releaseFileSchema = z
  .array(releaseEntrySchema)
  .describe(
    [
      'A Kayron release file: a list of releases. Kayron loads every `.yaml` file under infrastructure/ and service/.',
      "Values follow Kayron's grammars: `release` is golang.org/x/mod semver with a leading v, no +build, at most 128 characters; `docker` is a Docker reference path (distribution/reference), at most 246 characters; `github` is Kayron's repository-name check.",
      'Approximations: JSON Schema sees YAML types, so an unquoted number or boolean where a string belongs is a type error here although Kayron reads its text; rules across entries and files (exactly one `provider` entry, unique names, the Kayron verdict order and messages) are checked by Kayron Releases itself, not by this schema.',
    ].join(' '),
  );
