// report.html in a real headless browser (Debian's chromium driven by playwright-core): the page
// loads from file:// with no console errors, no page errors and no network request but itself,
// every uPlot chart has data and painted pixels, and hostile strings planted in an arm name, a note,
// a failure kind and the manifest show as text and never run. Skips, saying why, without chromium.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE, syntheticReportData } from './abReportFixture.js';
import { renderEmptyHtml } from './abReportEmpty.js';
import { renderAbHtml } from './abReportHtml.js';

const CHROMIUM = '/usr/bin/chromium';

// The page's globals as the test reads them (tsconfig has no DOM lib, so minimal shapes here).
interface CanvasLike { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null }
interface PlotLike { data: (number | null)[][]; root: { querySelector(sel: string): CanvasLike | null } }
interface PageGlobals { __abReady?: boolean; __abPlots: { id: string; plot: PlotLike }[]; pwned?: number }
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`abReport.browser.test: skipped, ${CHROMIUM} not found (apt-get install chromium; .ci/run does)`);

describe.skipIf(!haveChromium)('report.html in headless chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'abreport-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Write the report, open it from file://, wait until every chart is drawn; collect what went wrong. */
  async function open(data: ReturnType<typeof syntheticReportData>, name: string) {
    const file = path.join(dir, name);
    writeFileSync(file, renderAbHtml(data));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = { console: [] as string[], page: [] as string[], dialogs: [] as string[] };
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.console.push(m.text()); });
    page.on('pageerror', (e) => problems.page.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (dlg) => { problems.dialogs.push(dlg.message()); void dlg.dismiss(); });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__abReady === true, undefined, { timeout: 5000 }).catch(() => undefined);
    return { page, url, problems, requests };
  }

  /** Per uPlot instance: its id, x length, finite points per series, and painted canvas pixels. */
  async function drawnCharts(page: Page) {
    return page.evaluate(() => {
      const plots = (globalThis as unknown as PageGlobals).__abPlots ?? [];
      return plots.map(({ id, plot }) => {
        const canvas = plot.root.querySelector('canvas')!;
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
        const points = plot.data.slice(1).map((s) => s.filter((v) => v !== null && Number.isFinite(v)).length);
        return { id, xLen: plot.data[0].length, points, painted };
      });
    });
  }

  function expectAllDrawn(charts: Awaited<ReturnType<typeof drawnCharts>>) {
    expect(charts.length).toBeGreaterThan(0);
    for (const c of charts) {
      expect(c.xLen, c.id).toBeGreaterThan(0);
      expect(c.points.length, c.id).toBeGreaterThan(0);
      for (const n of c.points) expect(n, c.id).toBeGreaterThan(0);
      expect(c.painted, c.id).toBeGreaterThan(500);
    }
  }

  it('loads offline, draws every chart, and shows hostile strings as text only', async () => {
    const { page, url, problems, requests } = await open(syntheticReportData({ hostile: true, partial: true, reps: 2 }), 'report.html');
    expect(problems).toEqual({ console: [], page: [], dialogs: [] });
    expect(requests).toEqual([url]);

    const charts = await drawnCharts(page);
    const ids = charts.map((c) => c.id);
    for (const m of ['ttft', 'tpot', 'itl', 'e2el']) {
      for (const k of ['cdf', 'hist', 'reps']) expect(ids).toContain(`chart-${m}-${k}`);
    }
    for (const id of ['chart-client-throughput', 'chart-client-running', 'chart-server-running', 'chart-server-waiting']) expect(ids).toContain(id);
    expectAllDrawn(charts);
    // Every chart container on the page got a chart.
    expect(await page.locator('.chart').count()).toBe(charts.length);

    // Hostile strings: shown as text, never parsed as markup or run.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(3);
    const text = await page.locator('body').innerText();
    expect(text).toContain(`B ${HOSTILE.img}${HOSTILE.script}`); // arm name (header, tables)
    expect(text).toContain(`note from file ${HOSTILE.img}`); // a note
    expect(text).toContain(`engine said ${HOSTILE.script}`);
    expect(await page.locator('#manifest').innerText()).toContain(HOSTILE.script); // manifest field
    expect(await page.locator('#failures').innerText()).toContain(HOSTILE.script); // failure kind
    // The legend of a chart shows the arm name as text too.
    expect((await page.locator('#chart-ttft-cdf .u-legend').innerText()).replace(/\s+/g, '')).toContain(HOSTILE.img.replace(/\s+/g, ''));

    // Partial banner and verdict colours.
    expect(await page.locator('#partial-banner').innerText()).toContain('interrupted by SIGINT');
    expect(await page.locator('table.cmp[data-metric="ttft"] .verdict-faster').count()).toBe(4);
    expect(await page.locator('table.cmp[data-metric="tpot"] .verdict-slower').count()).toBe(4);

    await page.screenshot({ path: path.join(dir, 'abreport.png'), fullPage: true });
    await page.close();
  });

  it('says which column decides the verdict, shows the paired difference for the mean only, and lists a cut-short run as cut short', async () => {
    // After a Ctrl-C: A ran 1 repetition, B 2; the paired mean is significant, the verdict is not.
    const data = syntheticReportData({ partial: true, reps: 2 });
    data.comparison.repetitions = { a: 1, b: 2 };
    const mean = data.comparison.metrics.find((m) => m.metric === 'ttft' && m.statistic === 'mean')!;
    mean.verdict = 'no_significant_difference';
    mean.paired = { n: 16, meanDiff: 192.02, ci: [148.17, 234.34], pValue: 0.0001 };
    const { page, problems } = await open(data, 'basis.html');
    expect(problems).toEqual({ console: [], page: [], dialogs: [] });
    const basis = page.locator('#verdict-basis');
    expect(await basis.isVisible()).toBe(true);
    const text = await basis.innerText();
    expect(text).toContain('The verdict comes from the run-level comparison: the B-A and B/A intervals');
    expect(text).toContain('so it can be significant where the verdict is no significant difference');
    expect(text).toContain('(A 1, B 2): the paired column uses the 1 both ran');
    const table = page.locator('table.cmp[data-metric="ttft"]');
    const cells = await table.locator('tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children, (c) => (c.textContent ?? '').trim())));
    expect(cells[0]![7]).toBe('paired diff of means [CI]');
    expect(await table.locator('th').nth(7).getAttribute('title')).toContain("not the verdict's test");
    expect(cells[0]![8]).toBe('verdict (from the CIs)');
    // The verdict column is seen without scrolling the table sideways (a long paired header had
    // pushed it out of its box at 1400 px).
    const verdictTh = await table.locator('th').nth(8).boundingBox();
    const box = await page.locator('.table-scroll', { has: table }).boundingBox();
    expect(verdictTh!.x + verdictTh!.width).toBeLessThanOrEqual(box!.x + box!.width + 0.5);
    expect(cells.slice(1).map((r) => [r[0], r[7]!.replace(/\s+/g, ' ')])).toEqual([
      ['mean', '+192.02 [148.17, 234.34]n=16, p<0.001'], ['median', '-'], ['p90', '-'], ['p99', '-'],
    ]);
    expect(cells[1]![8]).toBe('no significant difference');
    const runs = await page.locator('#runs').innerText();
    expect(runs).toMatch(/4\s+A\s+2\s+32\s+0\s+cut short/);
    expect(runs).not.toContain('partial');
    await basis.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(dir, 'basis.png'), fullPage: true });
    await page.close();
  });

  it('shows each repetition\'s mean and median per arm, with the spread, in a table per latency metric', async () => {
    const data = syntheticReportData({ reps: 3 });
    const { page, problems } = await open(data, 'reps.html');
    expect(problems).toEqual({ console: [], page: [], dialogs: [] });
    for (const metric of ['ttft', 'tpot', 'itl', 'e2el']) {
      const table = page.locator(`table#reps-${metric}`);
      expect(await table.isVisible(), metric).toBe(true);
      const cells = await table.locator('tr').evaluateAll((trs) =>
        trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children, (c) => (c.textContent ?? '').trim())));
      expect(cells[0]).toEqual(['statistic', 'arm', 'rep 1', 'rep 2', 'rep 3', 'spread (max−min)']);
      // mean A, mean B, median A, median B: every repetition's value as the comparison holds it.
      const want = (['mean', 'median'] as const).flatMap((s) => {
        const m = data.comparison.metrics.find((x) => x.metric === metric && x.statistic === s)!;
        return [m.perRepetition.a, m.perRepetition.b].map((xs) => [s, ...xs.map((x) => x.toFixed(2)), (Math.max(...xs) - Math.min(...xs)).toFixed(2)]);
      });
      expect(cells.slice(1).map((r) => [r[0], ...r.slice(2)])).toEqual(want);
      expect(cells[1]![1]).toBe('A A');
      expect(cells[2]![1]).toBe(`B ${data.comparison.arms.b}`);
    }
    await page.close();
  });

  it('draws a one-repetition run without /metrics', async () => {
    const { page, url, problems, requests } = await open(syntheticReportData({ reps: 1, server: false }), 'one.html');
    expect(problems).toEqual({ console: [], page: [], dialogs: [] });
    expect(requests).toEqual([url]);
    const charts = await drawnCharts(page);
    expect(charts.map((c) => c.id)).not.toContain('chart-server-running');
    expect(charts).toHaveLength(14); // 4 metrics x 3 + client throughput + client running
    expectAllDrawn(charts);
    expect(await page.locator('#notes').innerText()).toContain('1 repetition per arm: run-to-run variance not covered');
    await page.close();
  });

  it('the no-comparison page loads offline and lists the finished runs, hostile strings as text', async () => {
    const file = path.join(dir, 'empty.html');
    writeFileSync(file, renderEmptyHtml({
      title: 'abserve A/B: empty',
      notes: [`no comparison: arm "b" has no successful request ${HOSTILE.script}`],
      runs: [{ order: 0, arm: `a${HOSTILE.img}`, rep: 1, completed: 16, failed: 0, partial: true, meanTtftMs: 12.5, outputThroughput: 900, failures: 'none' }],
    }));
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.locator('#notes').innerText()).toContain(HOSTILE.script);
    expect(await page.locator('#runs').innerText()).toContain('16');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: unknown }).pwned)).toBeUndefined();
    await page.close();
  });
});
