/**
 * Issue (and pull request) comments for the GitHub stand-in, in GitHub's wire format: list
 * (`GET /repos/{o}/{r}/issues/{n}/comments`, paginated), create (`POST …/issues/{n}/comments`, 201) and update
 * (`PATCH /repos/{o}/{r}/issues/comments/{id}`, 200). Writing needs a token the stand-in accepts; comments belong to
 * the login tests give it. Any repository the stand-in serves can carry them.
 */
import type { GitHubStandin, StandinRouteRequest } from './server';

export interface StandinComment {
  id: number;
  issue: number;
  body: string;
  author: string;
  createdAt: string;
  updatedAt: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOC_URL = 'https://docs.github.com/rest';
const failure = (status: number, message: string): Reply => ({ status, body: { message, documentation_url: DOC_URL } });

export class IssueComments {
  /** Every comment by `owner/repo` (lower case), in creation order. */
  readonly byRepository = new Map<string, StandinComment[]>();
  private nextId = 9001;

  constructor(
    private readonly standin: GitHubStandin,
    private readonly login: string,
    private readonly now: () => number,
  ) {}

  /** Comments of one issue or pull request, oldest first. */
  of(owner: string, repo: string, issue: number): StandinComment[] {
    return (this.byRepository.get(`${owner}/${repo}`.toLowerCase()) ?? []).filter((comment) => comment.issue === issue);
  }

  /** Seeds a comment by someone else (e.g. a human reviewer's), without a request. */
  add(owner: string, repo: string, issue: number, body: string, author = 'reviewer'): StandinComment {
    const at = new Date(this.now()).toISOString();
    const comment: StandinComment = { id: this.nextId++, issue, body, author, createdAt: at, updatedAt: at };
    const key = `${owner}/${repo}`.toLowerCase();
    this.byRepository.set(key, [...(this.byRepository.get(key) ?? []), comment]);
    return comment;
  }

  route(request: StandinRouteRequest): Reply | undefined {
    const segments = request.path.split('/').slice(1).map(decodeURIComponent);
    const [head, owner = '', repo = '', resource, ...rest] = segments;
    if (head !== 'repos' || resource !== 'issues') return undefined;
    try {
      this.standin.repo(owner, repo);
    } catch {
      return undefined;
    }
    const fullName = `${owner}/${repo}`;
    // GET …/issues/{n}/comments and POST …/issues/{n}/comments
    if (rest.length === 2 && rest[1] === 'comments' && /^\d+$/.test(rest[0] ?? '')) {
      const issue = Number(rest[0]);
      if (request.method === 'GET')
        return this.page(
          request,
          this.of(owner, repo, issue).map((comment) => this.json(fullName, comment)),
        );
      if (request.method !== 'POST') return undefined;
      if (request.token === undefined) return failure(401, 'Requires authentication');
      const body = (request.body as { body?: unknown } | undefined)?.body;
      if (typeof body !== 'string' || body === '')
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
            documentation_url: DOC_URL,
          },
        };
      const comment = this.add(owner, repo, issue, body, this.login);
      return { status: 201, body: this.json(fullName, comment) };
    }
    // PATCH …/issues/comments/{id}
    if (rest.length === 2 && rest[0] === 'comments' && /^\d+$/.test(rest[1] ?? '')) {
      const id = Number(rest[1]);
      const comment = (this.byRepository.get(fullName.toLowerCase()) ?? []).find((candidate) => candidate.id === id);
      if (!comment) return failure(404, 'Not Found');
      if (request.method === 'GET') return { status: 200, body: this.json(fullName, comment) };
      if (request.method !== 'PATCH') return undefined;
      if (request.token === undefined) return failure(401, 'Requires authentication');
      if (comment.author !== this.login) return failure(403, 'Resource not accessible by integration');
      const body = (request.body as { body?: unknown } | undefined)?.body;
      if (typeof body !== 'string' || body === '')
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
            documentation_url: DOC_URL,
          },
        };
      comment.body = body;
      comment.updatedAt = new Date(this.now()).toISOString();
      return { status: 200, body: this.json(fullName, comment) };
    }
    return undefined;
  }

  private json(fullName: string, comment: StandinComment): unknown {
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${this.standin.apiUrl}/repos/${fullName}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${fullName}/pull/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${this.standin.apiUrl}/repos/${fullName}/issues/${comment.issue}`,
      body: comment.body,
      user: { login: comment.author, type: comment.author.endsWith('[bot]') ? 'Bot' : 'User' },
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: 'MEMBER',
    };
  }

  /** GitHub's pagination for this list (per_page default 30, at most 100; Link header). */
  private page(request: StandinRouteRequest, items: unknown[]): Reply {
    const perPage = Math.min(Math.max(Number.parseInt(request.query.get('per_page') ?? '30', 10) || 30, 1), 100);
    const page = Math.max(Number.parseInt(request.query.get('page') ?? '1', 10) || 1, 1);
    const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (target: number): string =>
      `<${this.standin.apiUrl}${request.path}?per_page=${perPage}&page=${target}>`;
    const relations: string[] = [];
    if (page > 1) relations.push(`${link(page - 1)}; rel="prev"`, `${link(1)}; rel="first"`);
    if (page < lastPage) relations.push(`${link(page + 1)}; rel="next"`, `${link(lastPage)}; rel="last"`);
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      ...(relations.length > 0 ? { headers: { link: relations.join(', ') } } : {}),
    };
  }
}

/** Adds issue comments to a running stand-in; comments written with a token belong to `login`. */
export function installIssueComments(
  standin: GitHubStandin,
  options: { login?: string; now?: () => number } = {},
): IssueComments {
  const comments = new IssueComments(
    standin,
    options.login ?? 'github-actions[bot]',
    options.now ?? (() => Date.parse('2026-01-01T00:00:00Z')),
  );
  standin.addRoute((request) => comments.route(request));
  return comments;
}
