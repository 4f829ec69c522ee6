// Small fake ML backends and a fake OpenAI-compatible server on 127.0.0.1 (port 0), for the tests and the
// benchmark. A backend answers the label-studio-ml-backend protocol: "good" labels every task with choice
// "a" (or a region the config refuses for a task whose text says "reject"), "slow" waits `delayMs` before
// answering /predict, "garbage" answers /predict with something that is not a prediction list.
import http from 'node:http';

export interface Received {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface Fake {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export const TEXT_CONFIG =
  '<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="a"/><Choice value="b"/></Choices></View>';

async function serve(handler: (path: string, body: unknown) => Promise<[number, unknown]>, auth?: string) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const path = (req.url ?? '/').split('?')[0]!;
      received.push({
        path,
        authorization: req.headers.authorization ?? req.headers['api-key']?.toString(),
        body,
      });
      if (auth && req.headers.authorization !== auth) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"unauthorized"}');
        return;
      }
      const [status, answer] = await handler(path, body);
      if (res.destroyed) return;
      const payload = typeof answer === 'string' ? answer : JSON.stringify(answer);
      res.writeHead(status, { 'content-type': 'application/json' }).end(payload);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BackendOptions {
  delayMs?: number;
  /** Simulated model work per task of a /predict call. */
  perTaskMs?: number;
  /** Required `Authorization` header value. */
  auth?: string;
}

export function predictAnswer(tasks: { id: number; data: Record<string, unknown> }[]) {
  return {
    results: tasks.map((t) => ({
      model_version: 'fake-v1',
      score: 0.9,
      result: [
        {
          from_name: String(t.data.text ?? '').includes('reject') ? 'no_such_control' : 'sentiment',
          to_name: 'text',
          type: 'choices',
          value: { choices: ['a'] },
        },
      ],
    })),
  };
}

export function fakeBackend(mode: 'good' | 'slow' | 'garbage', options: BackendOptions = {}): Promise<Fake> {
  return serve(async (path, body) => {
    if (path === '/health' || path === '/') return [200, { status: 'UP', model_class: 'FakeModel' }];
    if (path === '/setup') return [200, { model_version: 'fake-v1' }];
    if (path === '/versions') return [200, { versions: ['fake-v1', 'fake-v0'] }];
    if (path === '/webhook') return [201, { status: 'ok', result: {} }];
    if (path === '/predict') {
      const tasks = ((body as { tasks?: unknown[] })?.tasks ?? []) as {
        id: number;
        data: Record<string, unknown>;
      }[];
      if (mode === 'slow') await pause(options.delayMs ?? 2000);
      if (options.perTaskMs) await pause(options.perTaskMs * tasks.length);
      if (mode === 'garbage') return [200, '<html>definitely not a prediction</html>'];
      return [200, predictAnswer(tasks)];
    }
    return [404, { detail: 'not found' }];
  }, options.auth);
}

/**
 * An OpenAI-compatible /v1/chat/completions: answers "Positive" when the prompt says "love", "banana" when it
 * says "weird", "Negative" otherwise; waits `delayMs` first when the prompt says "slow".
 */
export function fakeOpenAI(delayMs = 2000): Promise<Fake> {
  return serve(async (path, body) => {
    if (path !== '/v1/chat/completions') return [404, { error: { message: 'no such route' } }];
    const messages = (body as { messages?: { role: string; content: string }[] })?.messages ?? [];
    const prompt = messages.find((m) => m.role === 'user')?.content ?? '';
    if (prompt.includes('slow')) await pause(delayMs);
    const answer = prompt.includes('love') ? 'Positive' : prompt.includes('weird') ? 'banana' : 'Negative.';
    return [
      200,
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      },
    ];
  });
}
