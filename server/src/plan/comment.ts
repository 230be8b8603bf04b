/**
 * One pull request comment per plan: the comment carrying PLAN_MARKER is found among the pull request's comments and
 * updated; only when there is none is one created, so re-runs never add a second one. Uncached calls without retries
 * (GitHubApi), so a write is never repeated on its own.
 */
import { encodePath, GitHubApi } from '../promotion/github-api';
import { PLAN_MARKER } from './render';

export interface CommentTarget {
  owner: string;
  repo: string;
  pull: number;
}

export type CommentResult = { action: 'created' | 'updated' | 'unchanged'; id: number; url: string };

/** GitHub caps a comment at 65,536 characters; longer plans are cut with a note. */
export const MAX_COMMENT_LENGTH = 65_000;

export class CommentError extends Error {
  override readonly name = 'CommentError';
}

interface RawComment {
  id?: unknown;
  body?: unknown;
  html_url?: unknown;
}

function urlOf(comment: RawComment): string {
  return typeof comment.html_url === 'string' ? comment.html_url : '';
}

export function fitComment(body: string): string {
  if (body.length <= MAX_COMMENT_LENGTH) return body;
  return `${body.slice(0, MAX_COMMENT_LENGTH)}\n\n… (cut: the plan is longer than a GitHub comment may be; run \`kayron-releases plan\` to see all of it)\n`;
}

export async function upsertPlanComment(api: GitHubApi, target: CommentTarget, body: string): Promise<CommentResult> {
  if (!api.hasToken) throw new CommentError('commenting needs a GitHub token: set GITHUB_TOKEN');
  const base = `/repos/${encodePath(target.owner)}/${encodePath(target.repo)}/issues`;
  const text = fitComment(body.includes(PLAN_MARKER) ? body : `${PLAN_MARKER}\n${body}`);
  let existing: RawComment | undefined;
  for (let page = 1; page <= 50 && !existing; page++) {
    const response = await api.request<RawComment[]>(
      'GET',
      `${base}/${target.pull}/comments?per_page=100&page=${page}`,
    );
    if (response.status !== 200 || !Array.isArray(response.data))
      throw new CommentError(api.describeFailure(response, `Reading the comments of #${target.pull}`));
    existing = response.data.find((comment) => typeof comment.body === 'string' && comment.body.includes(PLAN_MARKER));
    if (!/\brel="next"/.test(response.headers.get('link') ?? '')) break;
  }
  if (existing && typeof existing.id === 'number') {
    if (existing.body === text) return { action: 'unchanged', id: existing.id, url: urlOf(existing) };
    const response = await api.request<RawComment>('PATCH', `${base}/comments/${existing.id}`, { body: text });
    if (response.status !== 200)
      throw new CommentError(api.describeFailure(response, `Updating comment ${existing.id}`));
    return { action: 'updated', id: existing.id, url: urlOf(response.data) };
  }
  const response = await api.request<RawComment>('POST', `${base}/${target.pull}/comments`, { body: text });
  if (response.status !== 201 || typeof response.data.id !== 'number')
    throw new CommentError(api.describeFailure(response, `Commenting on #${target.pull}`));
  return { action: 'created', id: response.data.id, url: urlOf(response.data) };
}
