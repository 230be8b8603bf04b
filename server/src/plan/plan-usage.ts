/** The plan command's usage and help, apart from its implementation, so `kayron-releases --help` loads nothing else. */
export const PLAN_USAGE =
  'kayron-releases plan [--environment NAME] [--base REF] [--head REF] [--json | --format text|markdown|json] [--comment-on-pr N|auto] [--] [ROOT]';

export const PLAN_HELP = `usage: ${PLAN_USAGE}

Prints what Kayron will do in an environment when HEAD lands: the CloudFormation parameters it sets before and after
(with the change of each), the preview deployments (testing), problems (Kayron would refuse it, a parameter the
infrastructure template lacks, a downgrade, an unresolved branch, an image that may have been garbage-collected, what
GitHub could not confirm) and the release notes of every upgrade. Exit 0, 1 when a problem is an error, 2 on bad usage
or an I/O error.

  --environment NAME   the environment (default: staging)
  --base REF           what it runs now (default: the environment's current ref)
  --head REF           what lands (default: the working tree of ROOT)
  --format FORMAT      text (default), markdown (the pull request comment) or json; --json is --format json
  --comment-on-pr N    also create or update the plan comment on pull request N of the releases repository
                       (GITHUB_REPOSITORY, else origin); auto: the pull request of the workflow event (GITHUB_EVENT_PATH)

GitHub: GITHUB_TOKEN, KAYRON_GITHUB_API_URL (else GITHUB_API_URL), KAYRON_GITHUB_OWNER (else origin's owner);
KAYRON_OFFLINE=1 asks GitHub nothing.
`;
