// Helpers for the rooms tests: a real WebSocket client that waits for frames, and a room with a CSV in it.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart, type PartSpec } from '../files/files.test-kit.ts';

export const CSV =
  'region,amount,day\nnorth,10,2024-01-01\nsouth,20,2024-01-02\nnorth,5,2024-01-02\neast,7,2024-01-03\n';

type Frame = Record<string, unknown>;

export interface Client {
  ws: WebSocket;
  frames: Frame[];
  next(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
}

export async function connect(url: string, token: string, organizationId: number): Promise<Client> {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  const waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (data) => {
    const f = JSON.parse(String(data));
    frames.push(f);
    for (const w of [...waiters])
      if (w.pred(f)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(f);
      }
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const client: Client = {
    ws,
    frames,
    next: (pred, timeoutMs = 30_000) => {
      const seen = frames.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`frame not received; got ${JSON.stringify(frames).slice(0, 500)}`)),
          timeoutMs,
        );
        waiters.push({
          pred,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
  };
  ws.send(JSON.stringify({ type: 'auth', token, organization_id: organizationId }));
  await client.next((f) => f.type === 'ready' || f.type === 'error');
  return client;
}

export async function upload(app: App, owner: Person, parts: PartSpec[]) {
  const body = await multipart(parts);
  const res = await app.inject({
    method: 'POST',
    url: '/api/files',
    headers: { ...inOrg(owner, owner.orgId), ...body.headers },
    payload: body.payload,
  });
  return res;
}

export async function attach(app: App, owner: Person, roomId: number, fileId: number) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/files`,
    headers: inOrg(owner, owner.orgId),
    payload: { file_id: fileId },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { table: string | null };
}

/** A new organization with a room holding `parts` (a CSV of sales by default). */
export async function roomWith(
  app: App,
  parts: PartSpec[] = [{ name: 'sales.csv', bytes: CSV }],
  type = 'CHAT',
) {
  const owner = await signUp(app);
  const h = inOrg(owner, owner.orgId);
  const room = await app.inject({
    method: 'POST',
    url: '/api/rooms',
    headers: h,
    payload: { name: 'R', type },
  });
  assert.equal(room.statusCode, 201, room.body);
  const roomId = room.json().id as number;
  const up = await upload(app, owner, parts);
  assert.equal(up.statusCode, 201, up.body);
  const file = up.json() as { id: number; size: number };
  await attach(app, owner, roomId, file.id);
  return { owner, h, roomId, fileId: file.id, token: room.json().token as string };
}

export interface BotReply {
  id: number;
  text: string;
  error: string | null;
  sql: string | null;
  table: { columns: { name: string }[]; rows: unknown[][] } | null;
  chart: Record<string, unknown> | null;
}

export async function answerTo(app: App, owner: Person, roomId: number, text: string): Promise<BotReply> {
  const h = inOrg(owner, owner.orgId);
  const posted = await app.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/messages`,
    headers: h,
    payload: { text },
  });
  assert.equal(posted.statusCode, 201, posted.body);
  const id = posted.json().id as number;
  // Up to a minute: on a loaded machine the first question also starts the DuckDB worker.
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    const list = await app.inject({
      method: 'GET',
      url: `/api/rooms/${roomId}/messages?after=${id}`,
      headers: h,
    });
    const reply = list.json().results.find((m: { reply_to: number }) => m.reply_to === id);
    if (reply) return reply;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no answer to ${text}`);
}

/** An upload that must succeed: its file and companions. */
export async function uploaded(app: App, owner: Person, parts: PartSpec[]) {
  const res = await upload(app, owner, parts);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: number; companions: { id: number }[] };
}

/** Adds `p` to `owner`'s organization as a member. */
export async function join(database: Database, owner: Person, p: Person) {
  await inScope(database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
    tx
      .insertInto('organization_members')
      .values({ organization_id: owner.orgId, user_id: p.id, role: 'member' })
      .execute(),
  );
}

/**
 * A new organization with a "Sales" room holding the sales CSV: its owner, a member of the room, and a
 * stranger (in the organization, not in the room).
 */
export async function roomWithMembers(app: App, database: Database) {
  const owner = await signUp(app);
  const member = await signUp(app);
  const stranger = await signUp(app);
  await join(database, owner, member);
  await join(database, owner, stranger);
  const h = inOrg(owner, owner.orgId);
  const room = await app.inject({
    method: 'POST',
    url: '/api/rooms',
    headers: h,
    payload: { name: 'Sales' },
  });
  assert.equal(room.statusCode, 201, room.body);
  const roomId = room.json().id as number;
  const add = await app.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/members`,
    headers: h,
    payload: { user_id: member.id },
  });
  assert.equal(add.statusCode, 201, add.body);
  const file = await uploaded(app, owner, [{ name: 'sales.csv', bytes: CSV }]);
  const { table } = await attach(app, owner, roomId, file.id);
  assert.equal(table, 'sales');
  return { owner, member, stranger, roomId, token: room.json().token as string, h };
}
