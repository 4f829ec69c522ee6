// JSON (Label Studio's task list, as given) and JSON_MIN (one flat object per item), one array element per
// line, streamed as the tasks arrive.
import type { Readable } from 'node:stream';
import { annotatorOf, createItemReader, type Item, prettify } from './items.ts';
import { textStream } from './stream.ts';
import type { ExportContext, ExportTask } from './types.ts';

async function* jsonArray(elements: AsyncIterable<string>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const element of elements) {
    yield first ? `\n${element}` : `,\n${element}`;
    first = false;
  }
  yield first ? ']' : '\n]';
}

export function exportJson(tasks: AsyncIterable<ExportTask>, _ctx?: ExportContext): Readable {
  return textStream(
    jsonArray(
      (async function* () {
        for await (const task of tasks) yield JSON.stringify(task);
      })(),
    ),
  );
}

/** The JSON_MIN record of an item (convert_to_json_min): data keys, id, outputs, then the annotation fields. */
export function jsonMinRecord(item: Item): Record<string, unknown> {
  const { task, annotation } = item;
  const record: Record<string, unknown> = { ...task.data };
  if (task.id !== null && task.id !== undefined) record.id = task.id;
  for (const [name, group] of item.outputs) record[name] = prettify(group);
  record.annotator = annotatorOf(item, true);
  record.annotation_id = annotation?.id ?? null;
  record.created_at = annotation?.created_at ?? null;
  record.updated_at = annotation?.updated_at ?? null;
  record.lead_time = annotation?.lead_time ?? null;
  // Label Studio copies the task's agreement onto annotated items only.
  if (annotation && task.agreement !== undefined) record.agreement = task.agreement;
  return record;
}

export function exportJsonMin(tasks: AsyncIterable<ExportTask>, ctx: ExportContext): Readable {
  const itemsOf = createItemReader(ctx);
  return textStream(
    jsonArray(
      (async function* () {
        for await (const task of tasks)
          for (const item of itemsOf(task)) yield JSON.stringify(jsonMinRecord(item));
      })(),
    ),
  );
}
