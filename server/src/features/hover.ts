/** Hover on release-file keys (documentation from the zod schema) and on release values (how Kayron reads them). */
import type { Hover } from 'vscode-languageserver';
import { KEY_DOCS } from '../schema/release-schema';
import { parseReleaseTag } from '../kayron/grammar';
import type { FileAnalysis } from './validate';
import type { DecodedEntry, DecodedField } from '../yaml/decode';
import type { Range } from '../kayron/problem';

const within = (range: Range, offset: number) => offset >= range[0] && offset <= range[1];

function keyHover(name: keyof typeof KEY_DOCS, range: Range, prefix = ''): { range: Range; markdown: string } {
  return { range, markdown: `**${prefix}${name}**\n\n${KEY_DOCS[name]}` };
}

function fieldAt(entry: DecodedEntry, offset: number): { range: Range; markdown: string } | undefined {
  const top: [keyof typeof KEY_DOCS, DecodedField<unknown> | undefined][] = [
    ['docker', entry.docker],
    ['github', entry.github],
    ['provider', entry.provider],
  ];
  for (const [name, field] of top) if (field && within(field.key, offset)) return keyHover(name, field.key);
  const deploy = entry.deploy;
  if (!deploy) return undefined;
  if (within(deploy.key, offset)) return keyHover('deploy', deploy.key);
  const inner: [keyof typeof KEY_DOCS, DecodedField<unknown> | undefined][] = [
    ['release', deploy.release],
    ['branch', deploy.branch],
    ['suspend', deploy.suspend],
    ['preview', deploy.preview],
  ];
  for (const [name, field] of inner)
    if (field && within(field.key, offset)) return keyHover(name, field.key, 'deploy.');
  const release = deploy.release;
  if (release && within(release.valueRange, offset) && release.value !== '') {
    const tag = parseReleaseTag(release.value);
    const lines = [`**release** \`${release.value}\``];
    if (!tag) lines.push('', 'Kayron rejects this tag (see the problem on this value).');
    else {
      lines.push(
        '',
        `version ${tag.major}.${tag.minor}.${tag.patch}${tag.prerelease ? ` with suffix \`${tag.prerelease}\`` : ''}`,
      );
      if (tag.short) lines.push('', 'Short form: Kayron accepts it, but the image must carry exactly this tag.');
    }
    if (release.coercedFrom)
      lines.push('', `Unquoted \`${release.coercedFrom.source}\` is read as \`${release.value}\`.`);
    return { range: release.valueRange, markdown: lines.join('\n') };
  }
  return undefined;
}

export function hoverAt(analysis: FileAnalysis, offset: number): { range: Range; markdown: string } | undefined {
  const entries = analysis.decoded?.entries ?? [];
  for (const entry of entries) {
    if (offset < entry.range[0] || offset > entry.range[1]) continue;
    const found = fieldAt(entry, offset);
    if (found) return found;
  }
  return undefined;
}

export type { Hover };
