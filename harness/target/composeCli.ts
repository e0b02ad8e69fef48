// The few `docker compose` calls a compose target makes (up, logs, down), through execa. Every
// call carries the project name, the files and the arm's environment (compose interpolates
// `${VAR}` in the files from the environment of the docker process, so `down` needs it too: a
// `${MODEL:?}` in a file fails without it). Errors are one-line UserErrors naming the project.
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { UserError } from '../common/errors.js';

/** Which compose project, and the environment every docker call gets (added to process.env). */
export interface ComposeProject {
  project: string;
  files: string[];
  env: Record<string, string>;
}

/** `docker compose -p <project> -f <file>...` */
export function composeBaseArgs(p: ComposeProject): string[] {
  return ['compose', '-p', p.project, ...p.files.flatMap((f) => ['-f', f])];
}

const lastLines = (s: string, n: number) => s.trimEnd().split(/\r?\n/).slice(-n).join('\n');

async function docker(p: ComposeProject, args: string[], timeoutMs: number, signal?: AbortSignal) {
  const r = await execa('docker', [...composeBaseArgs(p), ...args], {
    env: p.env,
    reject: false,
    stdin: 'ignore',
    all: true,
    timeout: timeoutMs,
    cancelSignal: signal,
    forceKillAfterDelay: 3000,
  });
  const what = `docker compose -p ${p.project} ${args[0]}`;
  if (r.failed && (r.code === 'ENOENT' || /ENOENT/.test(r.message ?? ''))) {
    throw new UserError(`${what}: docker not found on PATH (target kind compose needs Docker with the compose plugin)`);
  }
  if (r.isCanceled) throw new UserError(`${what}: aborted`);
  if (r.timedOut) throw new UserError(`${what}: no answer within ${timeoutMs} ms`);
  if (r.exitCode !== 0) {
    const out = lastLines(String(r.all ?? ''), 5).replace(/\s*\n\s*/g, ' | ');
    // `docker` without the compose v2 plugin parses `compose -p` as its own flags.
    if (/unknown shorthand flag: 'p'|is not a docker command|unknown command "compose"/.test(out)) {
      throw new UserError(`${what}: this docker has no compose plugin (target kind compose needs Docker Compose v2: \`docker compose version\`)`);
    }
    throw new UserError(`${what} failed (exit ${r.exitCode}): ${out}`);
  }
  return { stdout: String(r.stdout ?? ''), all: String(r.all ?? '') };
}

/** `up -d`: create and start the services in the background. Throws UserError on failure. */
export async function composeUp(p: ComposeProject, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  await docker(p, ['up', '-d'], timeoutMs, signal);
}

/** `logs --no-color [--tail N] <service>`: the service's output so far (stdout). */
export async function composeLogs(p: ComposeProject, service: string, tail?: number, timeoutMs = 60_000): Promise<string> {
  const args = ['logs', '--no-color', ...(tail === undefined ? [] : ['--tail', String(tail)]), service];
  return (await docker(p, args, timeoutMs)).stdout;
}

/**
 * Has the service's container stopped? `ps --all --format json <service>`; docker compose prints a
 * JSON array (before v2.21) or one JSON object a line (after). Returns e.g. 'container exited
 * (code 1)' when every container of the service is exited or dead, else undefined (also when ps
 * fails: a status check must never end a start-up that may still succeed).
 */
export async function composeServiceExited(p: ComposeProject, service: string): Promise<string | undefined> {
  let out: string;
  try {
    out = (await docker(p, ['ps', '--all', '--format', 'json', service], 30_000)).stdout.trim();
  } catch {
    return undefined;
  }
  if (!out) return undefined;
  let rows: { State?: unknown; ExitCode?: unknown }[];
  try {
    rows = out.startsWith('[') ? (JSON.parse(out) as typeof rows) : out.split('\n').map((l) => JSON.parse(l) as (typeof rows)[0]);
  } catch {
    return undefined;
  }
  if (rows.length === 0 || !rows.every((r) => r.State === 'exited' || r.State === 'dead')) return undefined;
  return `container ${String(rows[0].State)} (code ${String(rows[0].ExitCode)})`;
}

/** `down --remove-orphans`: stop and remove the project's containers and networks. */
export async function composeDown(p: ComposeProject, timeoutMs = 120_000): Promise<void> {
  await docker(p, ['down', '--remove-orphans'], timeoutMs);
}

/** The same `down`, synchronously: only for the process 'exit' event, where nothing can be awaited. */
export function composeDownSync(p: ComposeProject, timeoutMs = 120_000): void {
  spawnSync('docker', [...composeBaseArgs(p), 'down', '--remove-orphans'], {
    env: { ...process.env, ...p.env },
    stdio: 'ignore',
    timeout: timeoutMs,
  });
}

/** Join server args into one string that compose's command splitting (shell words) reads back. */
export function shellJoin(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
