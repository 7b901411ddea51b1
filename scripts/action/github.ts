/**
 * What the action says to GitHub: the pull request's one comment (found by its hidden marker and
 * edited in place), the step's outputs and the job summary. I/O at the edge; the token is sent in
 * a header and never printed, logged or written.
 */

import { randomBytes } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';

export interface PullRequestContext {
  /** owner/name of the repository the pull request is against. */
  repository: string;
  number: number;
  /** The head lives in another repository: its workflow gets no write token. */
  fromFork: boolean;
}

interface PullRequestEvent {
  pull_request?: {
    number?: number;
    head?: { repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string }; sha?: string };
  };
}

/** The event that started the workflow, as the runner saved it; null when none is named. */
export async function readEvent(path: string | undefined): Promise<PullRequestEvent | null> {
  if (!path) return null;
  return JSON.parse(await readFile(path, 'utf8')) as PullRequestEvent;
}

/** The pull request the run is for; null for a push, a schedule or a manual run. */
export function pullRequestOf(event: PullRequestEvent | null): PullRequestContext | null {
  const pr = event?.pull_request;
  const repository = pr?.base?.repo?.full_name;
  if (!pr || typeof pr.number !== 'number' || !repository) return null;
  const headRepo = pr.head?.repo?.full_name;
  return { repository, number: pr.number, fromFork: headRepo !== repository };
}

export class GitHubApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

interface IssueComment {
  id: number;
  body?: string;
  html_url?: string;
}

/** A REST call; GitHub's own message on failure, never the request's headers. */
async function call<T>(
  api: string,
  token: string,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${api.replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'looplab-action',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) {
    let why = text.slice(0, 200);
    try {
      why = (JSON.parse(text) as { message?: string }).message ?? why;
    } catch {}
    throw new GitHubApiError(res.status, `${method} ${path}: ${res.status} ${why}`);
  }
  return (text === '' ? null : JSON.parse(text)) as T;
}

/**
 * The hidden line that names the action's comment: one for each workflow, job and app folder, so
 * that two workflows with a job of the same id keep a comment each. Nothing in it can end the
 * HTML comment early.
 */
export function commentMarker(workflow: string, job: string, workingDirectory: string): string {
  const safe = (s: string) =>
    s
      .replace(/[\r\n]+/g, ' ')
      .replace(/--+>?/g, '-')
      .trim();
  return `<!-- looplab-action: ${[workflow, job].map(safe).filter(Boolean).join('/')} ${safe(workingDirectory)} -->`;
}

/** Pages of 100 comments, up to 30 pages: a pull request with more is not looked through further. */
const MAX_PAGES = 30;

/**
 * Writes `body` as the pull request's one comment: edits the comment that carries `marker` when
 * there is one, else creates it.
 */
export async function upsertComment(o: {
  api: string;
  token: string;
  pr: PullRequestContext;
  marker: string;
  body: string;
}): Promise<{ action: 'created' | 'updated'; id: number; url: string | null }> {
  const base = `/repos/${o.pr.repository}/issues`;
  let found: IssueComment | undefined;
  for (let page = 1; page <= MAX_PAGES && !found; page++) {
    const comments = await call<IssueComment[]>(
      o.api,
      o.token,
      'GET',
      `${base}/${o.pr.number}/comments?per_page=100&page=${page}`,
    );
    // The action's comment starts with its marker; one that only quotes or mentions it (a
    // reviewer's, another tool's) is not it.
    found = comments.find((c) => c.body?.startsWith(o.marker));
    if (comments.length < 100) break;
  }
  if (found) {
    const c = await call<IssueComment>(o.api, o.token, 'PATCH', `${base}/comments/${found.id}`, {
      body: o.body,
    });
    return { action: 'updated', id: c.id, url: c.html_url ?? null };
  }
  const c = await call<IssueComment>(o.api, o.token, 'POST', `${base}/${o.pr.number}/comments`, {
    body: o.body,
  });
  return { action: 'created', id: c.id, url: c.html_url ?? null };
}

/**
 * Appends the step's outputs to the file GITHUB_OUTPUT names, each value between delimiters the
 * value cannot contain, so that a multi-line one (the summary) is one output.
 */
export async function writeOutputs(
  path: string | undefined,
  outputs: Readonly<Record<string, string>>,
): Promise<void> {
  if (!path) return;
  const lines = Object.entries(outputs).map(([name, value]) => {
    let delimiter: string;
    do delimiter = `looplab_${randomBytes(8).toString('hex')}`;
    while (value.includes(delimiter));
    return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  });
  await appendFile(path, lines.join(''));
}
