// Children abserve starts never outlive it (issue 10): the engine runs in its own process group
// (a terminal's Ctrl-C does not reach it) and exits by itself when its parent is killed with -9.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { watchParent } from './parentWatch.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/engineParent.mjs', import.meta.url));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pgid = (pid: number): number => Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)]).toString().trim());

describe('parent watch (issue 10)', () => {
  it('calls back when the named parent is not our parent, and does nothing without the variable', async () => {
    let gone = 0;
    watchParent(() => gone++, 10, { ABSERVE_PARENT_PID: String(process.pid) }); // we are not our own parent
    const none = watchParent(() => gone++, 10, {});
    await new Promise((r) => setTimeout(r, 60));
    none();
    expect(gone).toBe(1);
  });

  it('the engine child has its own process group and exits after kill -9 of its parent', async () => {
    const parent = execa(process.execPath, [FIXTURE], { reject: false, buffer: false });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      parent.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      void parent.then(() => reject(new Error(`parent exited early: ${out}`)));
    });
    const enginePid = Number(line.split(' ')[0]);
    try {
      expect(alive(enginePid)).toBe(true);
      expect(pgid(enginePid)).not.toBe(pgid(parent.pid!));
      parent.kill('SIGKILL');
      await parent;
      const deadline = Date.now() + 8_000;
      while (alive(enginePid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(alive(enginePid)).toBe(false);
    } finally {
      if (alive(enginePid)) process.kill(enginePid, 'SIGKILL');
    }
  }, 20_000);
});
