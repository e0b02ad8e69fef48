// `abserve import`: vLLM's printed result blocks and --save-result JSON files become abserve
// results (issue 8), so published or colleagues' runs sit beside ours in compare, report and the
// engine's fidelity table. Parsing lives in report/vllmImport.ts; this file is flags and output.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import { aggregate } from '../metrics/aggregate.js';
import { atomicWriteFile } from '../report/atomicWrite.js';
import { importedRecords, parseVllmResults, type ImportedRun } from '../report/vllmImport.js';
import { writeRunResults } from '../report/writeResults.js';

function builder(y: Argv) {
  return y
    .positional('files', { type: 'string', array: true, describe: 'vLLM result blocks (.txt, logs) or --save-result JSON files' })
    .option('json', { type: 'boolean', default: false, describe: 'print the imported runs as JSON instead of a table' })
    .option('result-dir', {
      type: 'string',
      describe: 'write <name>.imported.json per run; runs with per-request data also get abserve result files (<name>.abserve.json, .abserve.requests.jsonl)',
    });
}

type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>> & { files?: string[] };

/** Reads and parses every file; a missing file is a one-line user error naming it. */
export function importFiles(files: readonly string[]): ImportedRun[] {
  return files.flatMap((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new UserError(`import: cannot read ${f} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return parseVllmResults(text, f);
  });
}

const fmt = (v: number | undefined, d = 2): string => (v === undefined ? '-' : v.toFixed(d));

/** One line per run: the numbers a kernel A/B is read by (ms, s). */
export function formatImportTable(runs: readonly ImportedRun[]): string {
  const head = ['run', 'ok', 'failed', 'dur (s)', 'mean TTFT', 'med TTFT', 'P99 TTFT', 'mean TPOT', 'med ITL', 'per-request'];
  const rows = runs.map((r) => [
    r.origin,
    String(r.completed),
    r.failed === undefined ? '-' : String(r.failed),
    fmt(r.durationS),
    fmt(r.metrics.ttft?.mean),
    fmt(r.metrics.ttft?.median),
    fmt(r.metrics.ttft?.percentiles.find((p) => p.p === 99)?.value),
    fmt(r.metrics.tpot?.mean),
    fmt(r.metrics.itl?.median),
    r.requests ? String(r.requests.length) : 'no (aggregates only)',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  return [head, ...rows].map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

function baseName(origin: string): string {
  return path.basename(origin).replace(/\.(txt|json|log)$/, '').replace(/#(\d+)$/, '-$1').replace(/[^\w.-]/g, '_');
}

/** Writes each run as <name>.imported.json, plus abserve result files when it has per-request data; returns the paths. */
export async function writeRuns(dir: string, runs: readonly ImportedRun[]): Promise<string[]> {
  const written: string[] = [];
  for (const run of runs) {
    const name = baseName(run.origin);
    const file = path.join(dir, `${name}.imported.json`);
    await atomicWriteFile(file, JSON.stringify({ schema: 'abserve-import/1', run }, (_k, v) => (v === Infinity ? 'inf' : v), 1) + '\n');
    written.push(file);
    const records = importedRecords(run);
    if (!records) continue;
    const result = aggregate(
      records,
      {
        model: run.model ?? 'unknown',
        endpoint: '/v1/completions',
        baseUrl: `imported:${run.origin}`,
        label: run.label ?? name,
        numPrompts: records.length,
        requestRate: run.requestRate ?? Infinity,
        burstiness: 1,
        ...(run.maxConcurrency !== undefined ? { maxConcurrency: run.maxConcurrency } : {}),
        startedAt: 0,
        endedAt: run.durationS * 1000,
        date: new Date().toISOString(),
        metadata: { imported_from: run.origin },
        partial: false,
      },
      { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'], metricPercentiles: [50, 90, 99] },
    );
    // '.abserve': never the source's own name, so importing into the source's folder overwrites nothing.
    const files = await writeRunResults(dir, result, records, { name: `${name}.abserve` });
    written.push(files.json, files.requestsJsonl);
  }
  return written;
}

export const importCommand: CommandModule = {
  command: 'import <files..>',
  describe: "read vLLM's printed result blocks and --save-result JSON as abserve results",
  builder,
  handler: async (raw) => {
    const a = raw as unknown as Args;
    const runs = importFiles(a.files ?? []);
    process.stdout.write(a.json ? JSON.stringify(runs, (_k, v) => (v === Infinity ? 'inf' : v), 1) + '\n' : formatImportTable(runs));
    if (a['result-dir']) {
      for (const f of await writeRuns(a['result-dir'], runs)) console.error(`wrote ${f}`);
    }
  },
};
