// ask(): no abort listener outlives its question on the run's shared signal (the openai client
// never removes the one it adds), so a run of any length stays free of MaxListenersExceededWarning.
import { getEventListeners } from 'node:events';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ask, makeClient } from './ask.js';
import { startFakeServer } from './fakeServer.js';
import { runAccuracy } from './runner.js';

const DATA = path.join(import.meta.dirname, 'fixtures', 'ceval-mini');

describe('abort listeners', () => {
  it('ask leaves no listener on the shared signal, answered or failed', async () => {
    const srv = await startFakeServer((text) => (text.endsWith('7') ? { status: 400 } : { content: '答案：A' }));
    try {
      const client = makeClient(srv.url, undefined, 10_000);
      const shared = new AbortController();
      for (let i = 0; i < 15; i++) {
        const res = await ask(
          client,
          { model: 'm', messages: [{ role: 'user', content: `q${i}` }], maxTokens: 16, temperature: 0, seed: 0 },
          { timeoutMs: 10_000, maxRetries: 0, retryBaseMs: 1, signal: shared.signal },
        );
        expect(res.aborted).toBe(false);
        expect(res.error?.status ?? null).toBe(i === 7 ? 400 : null);
      }
      expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    } finally {
      await srv.close();
    }
  });

  it('a run of 12 questions at concurrency 1 raises no MaxListenersExceededWarning', async () => {
    const srv = await startFakeServer(() => ({ content: '答案：A' }));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const ac = new AbortController();
      const run = await runAccuracy({ dataDir: DATA, baseUrl: srv.url, model: 'm', concurrency: 1, signal: ac.signal });
      expect(run.records).toHaveLength(12);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    } finally {
      process.off('warning', onWarning);
      await srv.close();
    }
  });
});
