/**
 * The release-file edits of a promotion, on the text GitHub has at the base commit: the same minimal,
 * formatting-preserving edits as the code actions (release-edits.ts), located by service name as the environments
 * view names services (docker, or github for the infrastructure release).
 */
import { deployStrategyOf, serviceNameOf, strategyLabel } from '../kayron/entry-model';
import { decodeReleaseFile, type DecodedEntry } from '../yaml/decode';
import {
  applyOffsetEdits,
  setReleaseEdit,
  switchBackEdits,
  switchToBranchEdits,
  type OffsetEdit,
} from '../features/release-edits';

export function findServiceEntry(text: string, service: string): DecodedEntry | undefined {
  const decoded = decodeReleaseFile(text);
  if (decoded.failed) return undefined;
  return decoded.entries.find((entry) => serviceNameOf(entry) === service);
}

export type ServiceEditResult =
  | { kind: 'changed'; text: string; from: string; to: string }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'impossible'; reason: string };

/** The entry's strategy in the matrix's words, without `+preview` (promotions never change previews). */
function describeStrategy(entry: DecodedEntry): string {
  return strategyLabel(deployStrategyOf(entry), false);
}

/** Kayron rejects an entry with two strategies: no promotion edits one until a person has chosen. */
function conflictReason(service: string, entry: DecodedEntry): ServiceEditResult | undefined {
  if (deployStrategyOf(entry).kind !== 'conflict') return undefined;
  return {
    kind: 'impossible',
    reason: `${service} reads ${describeStrategy(entry)}: Kayron rejects it; keep one strategy first`,
  };
}

function quoted(text: string, range: readonly [number, number]): [number, number] {
  const raw = text.slice(range[0], range[1]);
  return raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0])
    ? [range[0] + 1, range[1] - 1]
    : [range[0], range[1]];
}

/** Pin `tag` (staging bumps). A branch on the entry is switched back first (restoring the commented pin), then pinned. */
export function pinRelease(text: string, service: string, tag: string): ServiceEditResult {
  const entry = findServiceEntry(text, service);
  if (!entry)
    return { kind: 'impossible', reason: `${service} is not defined in this file (or the file does not decode)` };
  const from = describeStrategy(entry);
  const conflict = conflictReason(service, entry);
  if (conflict) return conflict;
  const deploy = entry.deploy;
  if (deployStrategyOf(entry).kind === 'suspend')
    return { kind: 'impossible', reason: `${service} is suspended; resume it by hand first` };
  if (deploy?.release && deploy.branch)
    return { kind: 'impossible', reason: `${service} has both release and branch set; fix the entry first` };
  if (deploy?.release?.value === tag) return { kind: 'unchanged', reason: `${service} is already at ${tag}` };
  let current = text;
  if (deploy?.branch) {
    const back = switchBackEdits(current, entry, tag);
    if (!back)
      return { kind: 'impossible', reason: `${service} follows a branch that cannot be switched back automatically` };
    current = applyOffsetEdits(current, back);
  }
  const pinned = findServiceEntry(current, service);
  const edit = pinned && setReleaseEdit(current, pinned, tag);
  if (!edit) return { kind: 'impossible', reason: `${service} has no release: value to change` };
  const result = applyOffsetEdits(current, [edit]);
  return result === text
    ? { kind: 'unchanged', reason: `${service} is already at ${tag}` }
    : { kind: 'changed', text: result, from, to: tag };
}

/** Follow `branch` (testing deploys), keeping the pinned release as a comment directly above. */
export function followBranch(text: string, service: string, branch: string): ServiceEditResult {
  const entry = findServiceEntry(text, service);
  if (!entry)
    return { kind: 'impossible', reason: `${service} is not defined in this file (or the file does not decode)` };
  const from = describeStrategy(entry);
  const conflict = conflictReason(service, entry);
  if (conflict) return conflict;
  const deploy = entry.deploy;
  let edits: OffsetEdit[] | undefined;
  if (deploy?.branch) {
    if (deploy.branch.value === branch)
      return { kind: 'unchanged', reason: `${service} already follows ${branch} in testing` };
    if (deploy.release)
      return { kind: 'impossible', reason: `${service} has both release and branch set; fix the entry first` };
    edits = [{ range: quoted(text, deploy.branch.valueRange), newText: branch }];
  } else if (deploy?.release) {
    edits = switchToBranchEdits(text, entry, branch);
  } else {
    return {
      kind: 'impossible',
      reason: `${service} is ${from}; only a pinned release or a branch can be switched to a branch`,
    };
  }
  if (!edits) return { kind: 'impossible', reason: `${service} cannot be switched to a branch automatically` };
  return { kind: 'changed', text: applyOffsetEdits(text, edits), from, to: `branch ${branch}` };
}
