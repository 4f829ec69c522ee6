// A model run: a third-party model version's prompt, filled with each task's data, sent to an OpenAI-compatible
// /v1/chat/completions endpoint (OpenAI, Azure OpenAI, or a custom URL); the answer becomes a prediction with
// the version's title as model_version. Tasks are walked in id order, a page at a time with a few calls in
// flight; each call has the run's timeout and retries, a task that still fails gets an error row, and the run
// goes on. Pages commit with the run's place, so a resumed run does not redo them.
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { ModelProviderConnections, ModelRuns } from '../../db/types.ts';
import { open } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import {
  countSelection,
  llmTarget,
  type PredictionItem,
  selectionPage,
  type TaskSelection,
  writePredictions,
} from '../annotation/index.ts';
import { CallError, callJson, joinUrl } from './ml.client.ts';
import { recordTaskErrors, taskErrors } from './ml.repo.ts';

const PAGE = 20;
const IN_FLIGHT = 4;

export async function toRun(tx: Tx, r: Selectable<ModelRuns>) {
  return {
    id: r.id,
    parent_model: r.model_interface_id,
    model_version: r.model_version_id,
    project: r.project_id,
    job: r.job_id,
    status: r.status,
    timeout: r.timeout,
    retries: r.retries,
    total_tasks: r.total_tasks,
    total_predictions: r.total_predictions,
    failed_tasks: r.failed_tasks,
    error_message: r.error_message,
    errors: await taskErrors(tx, 'model_run_id', r.id),
    created_at: r.created_at,
    updated_at: r.updated_at,
    completed_at: r.completed_at,
  };
}

/** `{name}` placeholders filled from the task's data (other braces stay as written). */
export function renderPrompt(prompt: string, data: Record<string, unknown>): string {
  return prompt.replace(/\{([A-Za-z_][\w.-]*)\}/g, (whole, key: string) => {
    if (!(key in data)) return whole;
    const v = data[key];
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

function chatRequest(c: Selectable<ModelProviderConnections>, dataKey: Buffer, model: string) {
  const key = c.api_key ? open(dataKey, c.api_key) : '';
  if (c.provider === 'AzureOpenAI') {
    const deployment = encodeURIComponent(c.deployment_name ?? model);
    const version = encodeURIComponent(c.api_version ?? '2024-02-01');
    return {
      url: joinUrl(
        c.endpoint ?? '',
        `openai/deployments/${deployment}/chat/completions?api-version=${version}`,
      ),
      headers: { 'api-key': key } as Record<string, string>,
    };
  }
  const base = c.endpoint ?? 'https://api.openai.com';
  return {
    url: /\/chat\/completions\/?$/.test(base) ? base : joinUrl(base, 'v1/chat/completions'),
    headers: (key ? { authorization: `Bearer ${key}` } : {}) as Record<string, string>,
  };
}

function answerText(body: unknown): string {
  const choice = (body as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content !== 'string') throw new CallError('the model answer has no choices[0].message.content');
  return content;
}

const clean = (s: string) =>
  s
    .trim()
    .replace(/^["'`]+|["'`.!]+$/g, '')
    .trim()
    .toLowerCase();

export function createModelRuns(deps: Pick<Deps, 'database' | 'config' | 'secrets'>) {
  const { database, config, secrets } = deps;
  const inOrg = <T>(organizationId: number, fn: (tx: Tx) => Promise<T>) =>
    inScope(database.db, { organizationId, userId: null }, fn);

  async function runJob(ctx: JobContext<{ model_run_id: number }>) {
    const org = ctx.organizationId;
    const start = await inOrg(org, async (tx) => {
      const runRow = await tx
        .selectFrom('model_runs')
        .selectAll()
        .where('id', '=', ctx.payload.model_run_id)
        .executeTakeFirst();
      if (!runRow || runRow.status === 'Completed' || runRow.status === 'Canceled') return null;
      const version = await tx
        .selectFrom('third_party_model_versions')
        .selectAll()
        .where('id', '=', runRow.model_version_id)
        .executeTakeFirstOrThrow();
      const iface = await tx
        .selectFrom('model_interfaces')
        .selectAll()
        .where('id', '=', runRow.model_interface_id)
        .executeTakeFirstOrThrow();
      const connection = version.connection_id
        ? await tx
            .selectFrom('model_provider_connections')
            .selectAll()
            .where('id', '=', version.connection_id)
            .executeTakeFirst()
        : undefined;
      const selection = runRow.selection as TaskSelection;
      const total = runRow.total_tasks || (await countSelection(tx, runRow.project_id, selection));
      const target = await llmTarget(tx, runRow.project_id);
      const problem = !connection
        ? 'the model version has no provider connection'
        : !connection.is_active
          ? 'the provider connection is switched off'
          : !target
            ? "the project's label config has no Choices or TextArea control for the answer"
            : null;
      await tx
        .updateTable('model_runs')
        .set({
          total_tasks: total,
          status: problem ? 'Failed' : 'InProgress',
          error_message: problem,
          ...(problem && { completed_at: new Date() }),
          updated_at: new Date(),
        })
        .where('id', '=', runRow.id)
        .execute();
      if (problem || !connection || !target) return null;
      return { runRow, version, iface, connection, selection, total, target };
    });
    if (!start) return { skipped: true };
    const { runRow, version, iface, connection, selection, total, target } = start;
    const classes = (iface.output_classes as string[]).length
      ? (iface.output_classes as string[])
      : target.labels;
    const request = chatRequest(connection, secrets.dataKey, version.provider_model_id);
    const system =
      target.kind === 'choices' && classes.length
        ? `Answer with exactly one of: ${classes.join(', ')}. Answer with the label only.`
        : 'Answer briefly.';

    const toResult = (text: string) => {
      if (target.kind === 'textarea') {
        return [
          {
            from_name: target.fromName,
            to_name: target.toName,
            type: 'textarea',
            value: { text: [text.trim()] },
          },
        ];
      }
      const hit = classes.find((c) => clean(c) === clean(text));
      if (!hit)
        throw new CallError(
          `the model answered "${text.slice(0, 200)}", which is none of ${classes.join(', ')}`,
        );
      return [
        { from_name: target.fromName, to_name: target.toName, type: 'choices', value: { choices: [hit] } },
      ];
    };

    async function one(task: { id: number; data: Record<string, unknown> }) {
      let attempts = 0;
      let error = '';
      while (attempts <= runRow.retries) {
        attempts++;
        try {
          const res = await callJson(
            'POST',
            request.url,
            {
              model: version.provider_model_id,
              temperature: 0,
              messages: [
                { role: 'system', content: system },
                { role: 'user', content: renderPrompt(version.prompt, task.data) },
              ],
            },
            {
              timeoutMs: Math.round(runRow.timeout * 1000),
              allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
              headers: request.headers,
              signal: ctx.signal,
            },
          );
          if (res.status < 200 || res.status >= 300)
            throw new CallError(`the model endpoint answered HTTP ${res.status}`);
          return { ok: true as const, result: toResult(answerText(res.body)), attempts };
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
          // A well-formed answer that names no class will not improve by asking again.
          if (/which is none of/.test(error)) break;
        }
      }
      return { ok: false as const, error, attempts };
    }

    let last = runRow.last_task_id;
    let done = 0;
    for (;;) {
      ctx.signal.throwIfAborted();
      const tasks = await inOrg(org, (tx) => selectionPage(tx, runRow.project_id, selection, last, PAGE));
      if (tasks.length === 0) break;
      const outcomes: Awaited<ReturnType<typeof one>>[] = new Array(tasks.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(IN_FLIGHT, tasks.length) }, async () => {
          while (next < tasks.length) {
            const i = next++;
            outcomes[i] = await one(tasks[i]!);
          }
        }),
      );
      last = tasks[tasks.length - 1]!.id;
      done += tasks.length;
      const items: PredictionItem[] = [];
      const errors: { taskId: number; error: string; attempts: number }[] = [];
      tasks.forEach((t, i) => {
        const o = outcomes[i]!;
        if (o.ok) items.push({ taskId: t.id, result: o.result, score: null, modelVersion: version.title });
        else errors.push({ taskId: t.id, error: o.error, attempts: o.attempts });
      });
      await inOrg(org, async (tx) => {
        const { written, rejected } = await writePredictions(tx, org, runRow.project_id, items);
        errors.push(...rejected.map((r) => ({ ...r, attempts: 1 })));
        await recordTaskErrors(tx, org, 'model_run_id', runRow.id, errors);
        await tx
          .updateTable('model_runs')
          .set((eb) => ({
            last_task_id: last,
            total_predictions: eb('total_predictions', '+', written),
            failed_tasks: eb('failed_tasks', '+', errors.length),
            updated_at: new Date(),
          }))
          .where('id', '=', runRow.id)
          .execute();
      });
      await ctx.progress(total ? (100 * done) / total : 100, `${done} of ${total} tasks`);
    }
    return inOrg(org, async (tx) => {
      const row = await tx
        .selectFrom('model_runs')
        .select(['total_predictions', 'failed_tasks'])
        .where('id', '=', runRow.id)
        .executeTakeFirstOrThrow();
      const failed = row.total_predictions === 0 && row.failed_tasks > 0;
      await tx
        .updateTable('model_runs')
        .set({
          status: failed ? 'Failed' : 'Completed',
          error_message: failed ? 'no task got a prediction; see the run errors' : null,
          completed_at: new Date(),
          updated_at: new Date(),
        })
        .where('id', '=', runRow.id)
        .execute();
      return row;
    });
  }

  return { runJob };
}
