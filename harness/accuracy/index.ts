// Public surface of harness/accuracy (for cli/ and ab/): run C-Eval, read a saved run, compare two.
export { runAccuracy, STOPPED_EARLY, type AccuracyOptions } from './runner.js';
export { compareAccuracy, type AccuracyComparison, type AccuracyVerdict, type Flip, type PairedGroup } from './compare.js';
export { accuracyRunDir, loadAccuracyRun, sameRunReason, writeInfo, ANSWERS_FILE, INFO_FILE } from './savedRun.js';
export { checkResumeLabel } from './resume.js';
export { loadQuestions, type Dataset, type DatasetOptions, type Question, type Split, type Letter } from './dataset.js';
export { extractAnswer, extractLetter, type Extraction, type ModelOutput } from './extract.js';
export { formatRun, formatComparison } from './format.js';
export { chooseMaxTokens, DEFAULT_MAX_TOKENS } from './serverLimits.js';
export { SUBJECTS, CATEGORIES, type Category, type Subject } from './subjects.js';
export type * from './types.js';
