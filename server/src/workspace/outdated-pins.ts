/** Release pins with a newer stable tag in the service's repository (the environments view marks them). */
import type { EnvironmentSnapshot } from '../environments/snapshot';
import type { GitHubContext } from '../features/github-features';
import { acceptedTags, newerTags } from '../github/versions';
import type { OutdatedMarker, RootEnvironments } from '../protocol';

/**
 * By row key and environment. Only a tag list GitHub returned counts (stale is fine: newer tags only get added);
 * without one the pin is simply not marked.
 */
export async function outdatedReleases(
  context: GitHubContext | undefined,
  snapshots: readonly EnvironmentSnapshot[],
): Promise<RootEnvironments['outdated']> {
  if (!context) return undefined;
  const pins = snapshots.flatMap((snapshot) =>
    snapshot.error
      ? []
      : snapshot.services
          .filter(
            (service) => service.strategy.kind === 'release' && service.strategy.value !== '' && service.github !== '',
          )
          .map((service) => ({
            environment: snapshot.environment.name,
            key: service.key,
            github: service.github,
            tag: service.strategy.value,
          })),
  );
  const repositories = [...new Set(pins.map((pin) => pin.github))];
  const tagsByRepository = new Map(
    await Promise.all(
      repositories.map(async (github) => {
        const listed = await context.data.listTags(context.owner, github, { allowStale: true });
        const tags = listed.kind === 'fetched' ? acceptedTags(listed.value.map((tag) => tag.name)) : undefined;
        return [github, tags] as const;
      }),
    ),
  );
  const outdated: NonNullable<RootEnvironments['outdated']> = {};
  for (const pin of pins) {
    const tags = tagsByRepository.get(pin.github);
    const newest = tags ? newerTags(pin.tag, tags)[0] : undefined;
    if (newest) (outdated[pin.key] ??= {})[pin.environment] = { latest: newest.name } satisfies OutdatedMarker;
  }
  return Object.keys(outdated).length > 0 ? outdated : undefined;
}
