// Uploads with progress. fetch() reports no upload progress, so the import goes through XMLHttpRequest; the
// export download reads the response stream to count bytes. Both send the session cookie and CSRF header as
// the typed client does, and turn an error answer into the API's own message.
import { ApiError } from './client';

function csrf(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === 'gt_csrf') return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

const errorOf = (status: number, body: unknown, fallback: string) => {
  const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return new ApiError(status, err?.code ?? 'http_error', err?.message ?? fallback);
};

export interface Progress {
  loaded: number;
  total: number | null;
}

/** POSTs the body and resolves with the JSON answer; `onProgress` follows the upload. */
export function postWithProgress(
  url: string,
  body: FormData | string,
  onProgress: (p: Progress) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    const token = csrf();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    if (typeof body === 'string') xhr.setRequestHeader('content-type', 'application/json');
    xhr.upload.onprogress = (e) =>
      onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : null });
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'the server cannot be reached; check your connection and try again'));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // A non-JSON answer keeps the status line as its message.
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, body: parsed });
      else reject(errorOf(xhr.status, parsed, `the server answered ${xhr.status} ${xhr.statusText}`.trim()));
    };
    xhr.send(body);
  });
}

/** GETs a file, reporting bytes as they arrive; resolves with the blob and the server's file name. */
export async function download(
  url: string,
  onProgress: (p: Progress) => void,
): Promise<{ blob: Blob; name: string }> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'the server cannot be reached; check your connection and try again');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw errorOf(response.status, body, `the server answered ${response.status}`);
  }
  const total = Number(response.headers.get('content-length')) || null;
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'export';
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress({ loaded, total });
    }
  }
  return {
    blob: new Blob(chunks as BlobPart[], {
      type: response.headers.get('content-type') ?? 'application/octet-stream',
    }),
    name,
  };
}

export const formatBytes = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} kB`
      : `${(n / 1024 / 1024).toFixed(1)} MB`;
