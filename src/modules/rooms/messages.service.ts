// Messages and the bot. Posting a message stores it and enqueues its answer (task `rooms.answer`, retried by
// pg-boss) in the same transaction; this process also starts answering at once, so the answer does not wait
// for the queue's polling interval. Either path writes the answer once: one bot reply per question (unique
// index), and an answer already being computed here is awaited rather than computed twice.
import { sql } from 'kysely';
import { BOT_USERNAME } from '../../db/migrations/0015_rooms.ts';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { AnalysisEngine, Answer } from './engine/engine.ts';
import type { Licenses } from './licenses.ts';
import type { LiveHub } from './live.ts';
import { type MessageOut, messageOut } from './messages.repo.ts';
import type { RoomData, RoomDataset } from './room-data.ts';
import { answerSlices, sliceRequest } from './volume.ts';

export const ANSWER_TASK = 'rooms.answer';

interface AnswerPayload {
  roomId: number;
  messageId: number;
}

export function createMessagesService(
  deps: Pick<Deps, 'database' | 'config' | 'jobs'>,
  engine: AnalysisEngine,
  hub: LiveHub,
  licenses: Licenses,
  roomData: RoomData,
  log: { warn(obj: object, msg: string): void },
) {
  const { database, config, jobs } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const scope = (actor: Actor) => {
    if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
    return { organizationId: actor.organizationId, userId: actor.userId, requireMembership: true };
  };
  const inFlight = new Map<number, Promise<void>>();
  let botId: number | null = null;

  async function bot(): Promise<number> {
    if (botId !== null) return botId;
    const row = await database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', BOT_USERNAME)
      .where('is_bot', '=', true)
      .executeTakeFirst();
    if (!row) throw new Error(`the room bot user ${BOT_USERNAME} is missing: run the migrations`);
    botId = row.id;
    return botId;
  }

  const limitsFor = (planRows: number) => ({
    timeoutMs: config.ROOM_QUERY_TIMEOUT_MS,
    memoryMb: config.ROOM_QUERY_MEMORY_MB,
    threads: config.ROOM_QUERY_THREADS,
    maxRows: Math.min(config.ROOM_ANSWER_ROWS, planRows),
  });

  /** Slice questions go to a volume of the room when it has one; everything else to the engine. */
  async function answerQuestion(text: string, datasets: RoomDataset[], planRows: number): Promise<Answer> {
    const slices = sliceRequest(text);
    const volume = datasets.find((d) => /\.mhd$/i.test(d.name));
    if (slices && volume) {
      const v = await answerSlices(volume, slices);
      return { ...v, sql: null, table: null };
    }
    return engine.ask(text, await roomData.engineFiles(datasets), limitsFor(planRows));
  }

  async function compute(organizationId: number, p: AnswerPayload): Promise<void> {
    const unit = { organizationId, userId: null };
    const loaded = await inScope(database.db, unit, async (tx) => {
      const question = await tx
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', p.messageId)
        .where('room_id', '=', p.roomId)
        .executeTakeFirst();
      if (!question || question.deleted_at !== null || question.kind !== 'user') return null;
      const answered = await tx
        .selectFrom('messages')
        .select('id')
        .where('reply_to', '=', p.messageId)
        .where('kind', '=', 'bot')
        .executeTakeFirst();
      if (answered) return null;
      const datasets = await roomData.datasets(tx, p.roomId);
      const plan = (await licenses.effective(tx)).plan;
      return { question, datasets, plan };
    });
    if (!loaded) return;
    const answer = await answerQuestion(
      loaded.question.text,
      loaded.datasets,
      loaded.plan.max_rows_per_query,
    );
    const author = await bot();
    const row = await inScope(database.db, unit, (tx) =>
      tx
        .insertInto('messages')
        .values({
          organization_id: organizationId,
          room_id: p.roomId,
          author_id: author,
          kind: 'bot',
          text: answer.text.slice(0, 20000),
          reply_to: p.messageId,
          sql: answer.sql?.slice(0, 20000) ?? null,
          result: answer.table ? JSON.stringify(answer.table) : null,
          chart: answer.chart ? JSON.stringify(answer.chart) : null,
          error: answer.error,
        })
        .onConflict((oc) =>
          oc.column('reply_to').where('kind', '=', 'bot').where('reply_to', 'is not', null).doNothing(),
        )
        .returningAll()
        .executeTakeFirst(),
    );
    if (row) hub.publish(organizationId, messageOut(row));
  }

  /** Answers a question once in this process, however many paths ask for it. */
  function answer(organizationId: number, p: AnswerPayload): Promise<void> {
    const running = inFlight.get(p.messageId);
    if (running) return running;
    const work = compute(organizationId, p).finally(() => inFlight.delete(p.messageId));
    inFlight.set(p.messageId, work);
    return work;
  }

  jobs.defineTask<AnswerPayload>({
    kind: ANSWER_TASK,
    retryLimit: 2,
    retryDelay: 5,
    concurrency: 2,
    handler: ({ payload, organizationId }) => answer(organizationId, payload),
  });

  async function ownMessage(tx: Tx, actor: Actor, roomId: number, messageId: number) {
    const m = await tx
      .selectFrom('messages')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('id', '=', messageId)
      .executeTakeFirst();
    if (!m) throw new AppError('not_found', `message ${messageId} not found in room ${roomId}`);
    if (m.author_id !== actor.userId) throw new AppError('forbidden', 'only its author changes a message');
    if (m.deleted_at !== null) throw new AppError('conflict', `message ${messageId} is deleted`);
    return m;
  }

  return {
    async list(actor: Actor, roomId: number, after: number, limit: number) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'room.read', [roomId], access);
        const rows = await tx
          .selectFrom('messages')
          .selectAll()
          .where('room_id', '=', roomId)
          .where('id', '>', after)
          .orderBy('id')
          .limit(limit + 1)
          .execute();
        const page = rows.slice(0, limit).map(messageOut);
        return { results: page, next_after: rows.length > limit ? page[page.length - 1]!.id : null };
      });
    },

    async post(actor: Actor, roomId: number, text: string): Promise<MessageOut> {
      const row = await inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'room.contribute', [roomId], access);
        const m = await tx
          .insertInto('messages')
          .values({
            organization_id: actor.organizationId!,
            room_id: roomId,
            author_id: actor.userId,
            kind: 'user',
            text,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await jobs.enqueueTasks<AnswerPayload>(tx, ANSWER_TASK, actor.organizationId!, [
          { roomId, messageId: m.id },
        ]);
        return m;
      });
      const out = messageOut(row);
      hub.publish(actor.organizationId!, out);
      answer(actor.organizationId!, { roomId, messageId: row.id }).catch((err: Error) =>
        log.warn(
          { err: err.message, message_id: row.id },
          'room answer failed here; the queued task retries it',
        ),
      );
      return out;
    },

    async edit(actor: Actor, roomId: number, messageId: number, text: string): Promise<MessageOut> {
      const row = await inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'room.contribute', [roomId], access);
        await ownMessage(tx, actor, roomId, messageId);
        return tx
          .updateTable('messages')
          .set({ text, edited_at: sql`now()`, updated_at: sql`now()` })
          .where('id', '=', messageId)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      const out = messageOut(row);
      hub.publish(actor.organizationId!, out);
      return out;
    },

    async remove(actor: Actor, roomId: number, messageId: number): Promise<void> {
      const row = await inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'room.contribute', [roomId], access);
        await ownMessage(tx, actor, roomId, messageId);
        return tx
          .updateTable('messages')
          .set({ deleted_at: sql`now()`, updated_at: sql`now()` })
          .where('id', '=', messageId)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      hub.publish(actor.organizationId!, messageOut(row));
    },

    /** Whether `actor` may follow the room live (throws 404 otherwise). */
    async assertReadable(actor: Actor, roomId: number): Promise<void> {
      await inScope(database.db, scope(actor), (tx) => authorize(tx, actor, 'room.read', [roomId], access));
    },

    /** Waits for the answers this process is computing (tests, shutdown). */
    async idle(): Promise<void> {
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
