// Every compose file abserve ships is valid Compose (CI has no Docker engine to run `config`):
// checked against the vendored compose-spec JSON schema (fixtures/README.md), plus the published
// server flags the A/B depends on.
import { Ajv } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE = join(ROOT, 'compose');
const schema = JSON.parse(readFileSync(new URL('./fixtures/compose-spec.json', import.meta.url), 'utf8')) as Record<string, unknown>;
// The schema declares draft-07 under an https URL Ajv does not know; the keywords are draft-07.
// strict off: the schema uses annotations (deprecated) that Ajv's strict mode rejects.
delete schema.$schema;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);

function composeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? composeFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}
const files = composeFiles(COMPOSE);
const load = (f: string) => parse(readFileSync(f, 'utf8')) as { services: Record<string, Record<string, unknown>> };
const errors = () => (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');

describe('compose files', () => {
  it('ships the single-node file and the multi-node head/worker set', () => {
    expect(files.map((f) => relative(COMPOSE, f)).sort()).toEqual(
      expect.arrayContaining(['vllm-single-node.yaml', 'multinode/head.yml', 'multinode/worker.yml']),
    );
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s is valid against the compose spec', (_name, f) => {
    const ok = validate(load(f));
    expect(errors()).toBe('');
    expect(ok).toBe(true);
  });

  it('the validator rejects what compose rejects (a misspelt key, a wrong type)', () => {
    expect(validate({ services: { vllm: { imagee: 'x' } } })).toBe(false);
    expect(validate({ services: { vllm: { image: 'x', ports: 'not-a-list' } } })).toBe(false);
  });

  it.each([
    ['vllm-single-node.yaml', 'vllm'],
    ['multinode/head.yml', 'vllm-head'],
  ])('%s carries the published server flags and the arm environment', (file, service) => {
    const s = load(join(COMPOSE, file)).services[service];
    const cmd = [s.command].flat().join(' ');
    for (const flag of [
      '--block-size ${BLOCK_SIZE:-32}',
      '--max-model-len ${MAX_MODEL_LEN:-32768}',
      '--max-num-batched-tokens ${MAX_NUM_BATCHED_TOKENS:-2048}',
      '--max-num-seqs ${MAX_NUM_SEQS:-128}',
      '--tensor-parallel-size ${TP:-8}',
      '--enable-chunked-prefill',
      '--no-enable-prefix-caching',
      '${ABSERVE_SERVER_ARGS:-}',
    ]) {
      expect(cmd).toContain(flag);
    }
    expect((s.environment as Record<string, string>).VLLM_DISABLE_MERGE_ATTN_CUDA_OP).toBe('${VLLM_DISABLE_MERGE_ATTN_CUDA_OP:-0}');
  });

  it('the multi-node set is PP=3 x TP=8 over Ray, and workers get the arm variable too', () => {
    const head = [load(join(COMPOSE, 'multinode/head.yml')).services['vllm-head'].command].flat().join(' ');
    expect(head).toContain('--pipeline-parallel-size ${PP:-3}');
    expect(head).toContain('--distributed-executor-backend ray');
    expect(head).toContain('ray start --head');
    const worker = load(join(COMPOSE, 'multinode/worker.yml')).services['ray-worker'];
    expect([worker.command].flat().join(' ')).toMatch(/ray start --block\s+--address=\$\{HEAD_IP/);
    expect((worker.environment as Record<string, string>).VLLM_DISABLE_MERGE_ATTN_CUDA_OP).toBeDefined();
  });
});
