// withInterrupt (interrupt.ts) in a real process: what a signal does once the result is saved.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/savedThenSignal.mjs', import.meta.url));

describe('withInterrupt after the result is saved', () => {
  it('a signal (the first one delivered again, late) exits with the code already set, 3, not by the signal', async () => {
    const child = spawn(process.execPath, [FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const seen = (line: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => (out.includes(`${line}\n`) ? resolve() : undefined);
        child.stdout.on('data', check);
        child.once('exit', () => reject(new Error(`exited before "${line}": ${out}`)));
        check();
      });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = once(child, 'exit');
    try {
      await seen('ready');
      child.kill('SIGTERM');
      await seen('saved');
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 3, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
