// Public surface of harness/report: BenchResult -> printed block, vLLM JSON, files on disk.
export { formatResultBlock, formatVllmBlock, formatAdditionsBlock, type FormatOptions } from './textBlock.js';
export { toVllmJson, vllmDate } from './vllmJson.js';
export { writeRunResults, defaultRunName, type WriteOptions, type WrittenFiles } from './writeResults.js';
export { atomicWriteFile, atomicWriteFileSync, type AtomicData } from './atomicWrite.js';
export { pyFixed, centre } from './pyFormat.js';
export { renderAbMarkdown } from './abReportMarkdown.js';
export { renderAbHtml } from './abReportHtml.js';
export type { AbReportData, ReportRepetition } from './abReportTypes.js';
