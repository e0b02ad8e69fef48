import { describe, expect, it } from 'vitest';
import { spawnEngine } from './engineProcess.js';

describe('spawnEngine', () => {
  it('stops the engine process when it is not ready in time (no orphan keeps the run alive)', async () => {
    const procs = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap').length;
    const before = procs();
    await expect(spawnEngine([], {}, 1)).rejects.toThrow(/did not start within 1 ms/);
    // The process handle closes a few ticks after the exit; an orphan would stay for good.
    for (let i = 0; i < 100 && procs() > before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(procs()).toBe(before);
  });
});
