import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));

describe('abserve engine (child process)', () => {
  it('prints the listening line, serves, reads the merge env var, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'engine', '--port', '0', '--profile', 'tiny', '--model', 'm', '--noise-seed', '42', '--step-scale', '1.05'], {
      env: { ...process.env, VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          out += d;
          const m = /^abserve engine listening on (http:\/\/127\.0\.0\.1:\d+)\n/m.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`engine exited early (${code}): ${out}`)));
      });
      const r = await fetch(`${url}/v1/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', prompt: [1, 2, 3], max_tokens: 4, ignore_eos: true }),
      });
      expect(((await r.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(4);
      const stats = (await (await fetch(`${url}/abserve/stats`)).json()) as {
        options: { merge: string; noise: boolean; noiseSeed: number; stepScale: number };
      };
      expect(stats.options).toMatchObject({ merge: 'fallback', noise: true, noiseSeed: 42, stepScale: 1.05 });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(out.trim().split('\n')).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('abserve engine flags', () => {
  it('an unreadable --merge-timings file is one line naming the flag, exit 2', async () => {
    const child = spawn(process.execPath, [bin, 'engine', '--port', '0', '--profile', 'r1-l20-pp3-tp8', '--merge-timings', '/nonexistent/micro.json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err.trim()).toBe('abserve: --merge-timings: cannot read /nonexistent/micro.json (ENOENT)');
  });
});
