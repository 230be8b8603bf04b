/** The real releases-history corpus beside the repository (../shared), as the unit tests read it. */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const CORPUS_DIR =
  process.env.KAYRON_CORPUS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'releases-history');

/** Every `.yaml` file below `directory`, depth first in sorted order. */
export function corpusYamlFiles(directory: string = CORPUS_DIR): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const full = path.join(directory, name);
      if (statSync(full).isDirectory()) return corpusYamlFiles(full);
      return name.endsWith('.yaml') ? [full] : [];
    });
}
