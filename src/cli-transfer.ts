// `groundtruth import` and `groundtruth export`: a client of the server's own import and export endpoints
// (so access rules, streaming and atomicity are the server's), with a progress bar on stderr.
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class TransferError extends Error {}

export interface Remote {
  server: string;
  token: string;
}

const MB = 1024 * 1024;

/** A one-line progress bar on a terminal; plain lines every 10% otherwise. */
export function progressBar(label: string, total: number | null, out: NodeJS.WriteStream = process.stderr) {
  let lastStep = -1;
  let last = 0;
  return {
    update(done: number, note = '') {
      const now = Date.now();
      const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : null;
      if (out.isTTY) {
        if (now - last < 100 && pct !== 100) return;
        last = now;
        const width = 30;
        const filled = pct === null ? 0 : Math.round((pct / 100) * width);
        const bar =
          pct === null
            ? ''
            : `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(pct).padStart(3)}% `;
        const size = `${(done / MB).toFixed(1)}${total ? `/${(total / MB).toFixed(1)}` : ''} MB`;
        out.write(`\r${label} ${bar}${size} ${note}`.padEnd(80));
      } else {
        const step = pct === null ? Math.floor(done / (50 * MB)) : Math.floor(pct / 10);
        if (step !== lastStep) {
          lastStep = step;
          out.write(`${label} ${pct === null ? '' : `${pct}% `}${(done / MB).toFixed(1)} MB ${note}\n`);
        }
      }
    },
    done(message: string) {
      if (out.isTTY) out.write('\n');
      out.write(`${message}\n`);
    },
  };
}

function counter(onBytes: (n: number) => void) {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      onBytes(n);
      cb(null, chunk);
    },
  });
}

function request(remote: Remote, method: string, url: string, headers: Record<string, string> = {}) {
  const u = new URL(url, remote.server);
  const client = u.protocol === 'https:' ? https : http;
  return client.request(u, { method, headers: { authorization: `Token ${remote.token}`, ...headers } });
}

async function readBody(res: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += chunk;
  return text;
}

async function getJson(remote: Remote, url: string): Promise<Record<string, unknown>> {
  const req = request(remote, 'GET', url);
  req.end();
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    req.on('response', resolve).on('error', reject),
  );
  const text = await readBody(res);
  if ((res.statusCode ?? 0) >= 400) throw new TransferError(`GET ${url}: ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

function failure(status: number, text: string): TransferError {
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    return new TransferError(`the server answered ${status}: ${body.error?.message ?? text}`);
  } catch {
    return new TransferError(`the server answered ${status}: ${text.slice(0, 500)}`);
  }
}

/** Uploads `file` to the project's import endpoint (JSON as the body, other formats as multipart). */
export async function importFile(
  remote: Remote,
  project: number,
  file: string,
): Promise<Record<string, unknown>> {
  const { size } = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new TransferError(`cannot read ${file} (${err.code ?? err.message})`);
  });
  const bar = progressBar(`importing ${path.basename(file)}`, size);
  const isJson = path.extname(file).toLowerCase() === '.json';
  const boundary = `----groundtruth${Date.now().toString(16)}`;
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${path.basename(file).replace(/"/g, '_')}"\r\ncontent-type: application/octet-stream\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const headers: Record<string, string> = isJson
    ? { 'content-type': 'application/json', 'content-length': String(size) }
    : {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(Buffer.byteLength(head) + size + Buffer.byteLength(tail)),
      };
  const req = request(remote, 'POST', `/api/projects/${project}/import`, headers);
  const answer = new Promise<http.IncomingMessage>((resolve, reject) =>
    req.on('response', resolve).on('error', reject),
  );
  const body = isJson
    ? createReadStream(file)
    : Readable.from(
        (async function* () {
          yield Buffer.from(head);
          yield* createReadStream(file);
          yield Buffer.from(tail);
        })(),
      );
  await pipeline(
    body,
    counter((n) => bar.update(Math.min(n, size), 'sent')),
    req,
  );
  const res = await answer;
  const text = await readBody(res);
  if ((res.statusCode ?? 0) >= 400) throw failure(res.statusCode ?? 0, text);
  let summary = JSON.parse(text) as Record<string, unknown>;
  if (res.statusCode === 202) {
    // A large import runs as a job on the server: follow it.
    for (;;) {
      const job = await getJson(remote, String(summary.job_url));
      bar.update(size, `job ${job.state}${job.message ? `: ${job.message}` : ''}`);
      if (job.state === 'failed') throw new TransferError(`the import failed: ${job.error}`);
      if (job.state === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    summary = await getJson(remote, String(summary.url));
  }
  bar.done(
    `imported ${summary.task_count} tasks (${summary.annotation_count} annotations, ${summary.prediction_count} predictions)`,
  );
  return summary;
}

/** Downloads the project's export in `format` to `out` (written to a temporary name, then renamed). */
export async function exportFile(
  remote: Remote,
  project: number,
  format: string,
  out: string,
  all: boolean,
): Promise<number> {
  const req = request(
    remote,
    'GET',
    `/api/projects/${project}/export?exportType=${encodeURIComponent(format)}&download_all_tasks=${all}`,
  );
  req.end();
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    req.on('response', resolve).on('error', reject),
  );
  if ((res.statusCode ?? 0) >= 400) throw failure(res.statusCode ?? 0, await readBody(res));
  const bar = progressBar(`exporting ${format}`, null);
  const partial = `${out}.part`;
  let bytes = 0;
  try {
    await pipeline(
      res,
      counter((n) => {
        bytes = n;
        bar.update(n, 'received');
      }),
      createWriteStream(partial),
    );
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  bar.done(`wrote ${out} (${(bytes / MB).toFixed(1)} MB)`);
  return bytes;
}
