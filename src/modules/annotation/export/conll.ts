// CONLL2003 (label_studio_sdk converter: convert_to_conll2003 and utils.create_tokens_and_tags): after a
// `-DOCSTART- -X- O` line, each item (annotation) of a text task is its tokens, one `token -X- _ tag` line
// each, with BIO tags from the first Labels control's spans, and a blank line after it. Streamed: one task in
// memory at a time.
import type { Readable } from 'node:stream';
import { createItemReader } from './items.ts';
import { textStream } from './stream.ts';
import { treebankSpans } from './treebank.ts';
import type { ExportContext, ExportTask } from './types.ts';

interface LabelSpan {
  start?: unknown;
  end?: unknown;
  labels?: unknown;
}

/** Tokens and their tags, with Label Studio's matching of region offsets to tokens (quirks included). */
export function tokensAndTags(text: string, regions: LabelSpan[] | undefined): [string[], string[]] {
  const spans = treebankSpans(text);
  const tokens = spans.map((s) => s.token);
  const usable =
    regions?.length &&
    regions.every((r) => r.start !== undefined && r.start !== null && r.end !== undefined && r.end !== null);
  if (!usable) return [tokens, tokens.map(() => 'O')];
  const queue = [...regions].sort((a, b) => Number(a.start) - Number(b.start));
  let span = queue.shift();
  let spanStart = Number(span?.start);
  let spanEnd = Number(span?.end) - 1;
  let prefix = 'B-';
  const tags: string[] = [];
  for (const { token, start } of spans) {
    const end = start + token.length - 1;
    if (start > spanEnd) {
      while (queue.length) {
        span = queue.shift();
        spanStart = Number(span?.start);
        spanEnd = Number(span?.end) - 1;
        prefix = 'B-';
        if (start <= spanEnd) break;
      }
    }
    const labels = Array.isArray(span?.labels) ? span.labels : [];
    if (!span || end < spanStart || labels.length === 0) tags.push('O');
    else if (spanStart <= end && spanEnd >= start) {
      tags.push(`${prefix}${String(labels[0])}`);
      prefix = 'I-';
    } else tags.push('O');
  }
  return [tokens, tags];
}

export function exportConll(tasks: AsyncIterable<ExportTask>, ctx: ExportContext): Readable {
  const itemsOf = createItemReader(ctx);
  const key = ctx.textKey;
  if (!key) throw new Error('CONLL2003 needs a Text object tagged by a Labels control; this config has none');
  const dataKey: string = key;
  async function* lines(): AsyncGenerator<string> {
    yield '-DOCSTART- -X- O\n';
    for await (const task of tasks) {
      const text = task.data?.[dataKey];
      if (typeof text !== 'string') continue;
      for (const item of itemsOf(task)) {
        const labels = [...item.outputs.values()].find((g) => g.control === 'labels');
        const [tokens, tags] = tokensAndTags(text, labels?.values as LabelSpan[] | undefined);
        let out = '';
        for (let i = 0; i < tokens.length; i++) out += `${tokens[i]} -X- _ ${tags[i]}\n`;
        yield `${out}\n`;
      }
    }
  }
  return textStream(lines());
}
