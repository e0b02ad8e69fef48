// The question as chat messages. One Chinese instruction asking for a parseable last line
// ("答案：X"), modelled on evalscope's C-Eval template and C-Eval's own few-shot format (question,
// options "A. ...", then "答案：X"). Changing the wording changes PROMPT_VERSION, so runs asked
// differently are never compared.
import { createHash } from 'node:crypto';
import { LETTERS, type Question } from './dataset.js';
import { subjectByKey } from './subjects.js';

/** Bumped whenever the text below changes. */
export const PROMPT_VERSION = 'ceval-zh-1';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

function body(q: Question): string {
  return [q.question.trim(), ...LETTERS.map((l) => `${l}. ${q.choices[l].trim()}`)].join('\n');
}

/** One user message: instruction, `shots` solved dev examples (each ending in "答案：X"), the question.
 *  `shots` are questions of the same subject, normally from the dev split. */
export function buildMessages(q: Question, shots: readonly Question[] = []): ChatMessage[] {
  const name = subjectByKey(q.subject)?.chinese ?? q.subject;
  const intro =
    `以下是中国关于${name}考试的单项选择题，请选出其中的正确答案。` +
    `你的回答的最后一行应该是这样的格式："答案：LETTER"（不带引号），其中 LETTER 是 A、B、C、D 中的一个。`;
  const examples = shots.map((s) => `${body(s)}\n答案：${s.answer}`);
  return [{ role: 'user', content: [intro, ...examples, body(q)].join('\n\n') }];
}

/** First 16 hex digits of sha256 over the messages' JSON: equal hashes mean an identical prompt. */
export function promptHash(messages: readonly ChatMessage[]): string {
  return createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 16);
}
