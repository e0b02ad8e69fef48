import { describe, expect, it } from 'vitest';
import { now } from '../common/clock.js';
import { waitUntil } from './waitUntil.js';

describe('waitUntil', () => {
  it('keeps a far target inside Node timer range: no overflow warning, no busy loop (issue 10)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const ac = new AbortController();
    const cpu0 = process.cpuUsage();
    const t0 = now();
    setTimeout(() => ac.abort(), 100);
    await waitUntil(now() + 1e12, ac.signal); // ~31 years
    const cpu = process.cpuUsage(cpu0);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(now() - t0).toBeGreaterThanOrEqual(95);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
    // A spinning wait would burn ~100 ms of CPU in 100 ms; a sleeping one almost none.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(50);
  });
});
