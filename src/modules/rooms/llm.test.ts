// The LLM answerer against a fake OpenAI-compatible server on 127.0.0.1: what the built-in analyst does not
// understand goes to the model; its SQL runs only when it is one read-only SELECT over the room's tables.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import type { App } from '../../platform/http/app-types.ts';
import { answerTo, roomWith } from './rooms.test-kit.ts';

interface Seen {
  auth: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] };
}

/** Replies by the question's first word: the test decides what the "model" says. */
const script: Record<string, string | null> = {
  best: '```sql\nSELECT region, sum(amount) AS total FROM sales GROUP BY 1 ORDER BY 2 DESC\n```',
  attach: "```sql\nATTACH '/tmp/evil.db' AS evil\n```",
  copy: "```sql\nCOPY sales TO '/tmp/stolen.csv'\n```",
  passwd: "```sql\nSELECT * FROM read_csv('/etc/passwd')\n```",
  path: "```sql\nSELECT * FROM '/etc/passwd'\n```",
  install: '```sql\nINSTALL httpfs\n```',
  write: "```sql\nINSERT INTO sales VALUES ('west', 1, DATE '2024-01-01')\n```",
  drop: '```sql\nDROP VIEW sales\n```',
  two: '```sql\nSELECT 1; SELECT 2\n```',
  chat: 'I think the answer is probably north, but I am not sure.',
  broken: '```sql\nSELECT region FROM sales WHERE\n```',
};

function fakeModel() {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as Seen['body'];
      seen.push({ auth: req.headers.authorization, body });
      const question = body.messages.at(-1)!.content;
      const word = question.split(/\s+/)[0]!.toLowerCase();
      if (word === 'slow') return; // never answers: the client's timeout ends it
      if (word === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [ this is not json');
        return;
      }
      if (word === 'error') {
        res.writeHead(500).end('overloaded');
        return;
      }
      const content = script[word] ?? 'no idea';
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content } }],
        }),
      );
    });
  });
  return { server, seen };
}

forEachDatabase('rooms-llm', (ctx) => {
  let app: App;
  let dataDir: string;
  const model = fakeModel();

  before(async () => {
    await new Promise<void>((r) => model.server.listen(0, '127.0.0.1', r));
    const port = (model.server.address() as AddressInfo).port;
    dataDir = mkdtempSync(path.join(tmpdir(), 'gt-rooms-llm-'));
    app = await createTestApp(ctx.database, {
      DATA_DIR: dataDir,
      LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
      LLM_API_KEY: 'sk-test-key',
      LLM_MODEL: 'fake-sql-1',
      LLM_TIMEOUT_MS: '4000', // generous: the fake model shares a loaded machine
    });
  });
  after(async () => {
    await app.close();
    model.server.closeAllConnections();
    await new Promise((r) => model.server.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a question the analyst does not know goes to the model with the schema and sample rows', async () => {
    const { owner, roomId } = await roomWith(app);
    const before = model.seen.length;
    const a = await answerTo(app, owner, roomId, 'best region by total sales, please');
    assert.equal(a.error, null, a.text);
    assert.deepEqual(a.table!.rows[0], ['south', 20]);
    assert.match(a.text, /language model \(fake-sql-1\)/);
    assert.equal(a.chart?.mark, 'bar');
    const call = model.seen[before]!;
    assert.equal(call.auth, 'Bearer sk-test-key');
    assert.equal(call.body.model, 'fake-sql-1');
    const system = call.body.messages[0]!.content;
    assert.match(system, /Table "sales" \(from the file sales\.csv\)/);
    assert.match(system, /"amount" BIGINT/);
    assert.match(system, /north \| 10 \| 2024-01-01/);
    // The built-in analyst keeps the questions it knows: the model is not asked.
    const n = model.seen.length;
    const known = await answerTo(app, owner, roomId, 'count by region');
    assert.equal(known.table!.rows.length, 3);
    assert.equal(model.seen.length, n);
  });

  test('malicious SQL from the model is refused with a clear answer and never runs', async () => {
    const { owner, roomId } = await roomWith(app);
    for (const word of ['attach', 'copy', 'passwd', 'path', 'install', 'write', 'drop', 'two']) {
      const a = await answerTo(app, owner, roomId, `${word} something for me`);
      assert.equal(a.error, 'refused', `${word}: ${a.text}`);
      assert.match(a.text, /I did not run the language model's SQL: /, word);
      assert.equal(a.table, null);
      assert.ok(a.sql, 'the refused SQL is shown');
    }
    // The view is still there and unchanged.
    const count = await answerTo(app, owner, roomId, 'how many rows');
    assert.deepEqual(count.table!.rows, [[4]]);
  });

  test('a model that times out, fails or answers garbage gets a clear answer, not a crash', async () => {
    const { owner, roomId } = await roomWith(app);
    const slow = await answerTo(app, owner, roomId, 'slow question about sales');
    assert.equal(slow.error, 'llm_failed');
    assert.match(slow.text, /did not answer within 4 s/);
    assert.match(slow.text, /I answer these questions/, 'falls back to the built-in help');
    const garbage = await answerTo(app, owner, roomId, 'garbage please');
    assert.equal(garbage.error, 'llm_failed');
    assert.match(garbage.text, /not JSON/);
    const failed = await answerTo(app, owner, roomId, 'error now');
    assert.match(failed.text, /HTTP 500/);
    const chat = await answerTo(app, owner, roomId, 'chat with me');
    assert.equal(chat.error, 'llm_no_sql');
    assert.match(chat.text, /wrote no query\. It said: "I think the answer is probably north/);
    const broken = await answerTo(app, owner, roomId, 'broken query');
    assert.equal(broken.error, 'query_failed', broken.text);
    assert.match(broken.text, /syntax error/i);
  });
});
