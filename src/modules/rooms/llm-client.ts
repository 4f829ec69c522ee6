// A small client for any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp, Ollama's /v1).
// It only sends messages and returns the first choice's text; what the text means is the caller's business.
// Failures come back as values with a reason a person can read, never as thrown errors.

export interface LlmSettings {
  /** Base URL up to and including the version, e.g. https://api.openai.com/v1 */
  baseUrl: string;
  apiKey: string | null;
  model: string;
  timeoutMs: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type ChatResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'timeout' | 'failed'; message: string };

const MAX_REPLY_BYTES = 256 * 1024;

export async function chatCompletion(settings: LlmSettings, messages: ChatMessage[]): Promise<ChatResult> {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  let res: Response;
  let body: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: settings.model, messages, temperature: 0 }),
      signal: AbortSignal.timeout(settings.timeoutMs),
      redirect: 'error',
    });
    body = await res.text();
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return {
        ok: false,
        reason: 'timeout',
        message: `the language model did not answer within ${settings.timeoutMs / 1000} s`,
      };
    return { ok: false, reason: 'failed', message: `the language model could not be reached (${e.message})` };
  }
  if (!res.ok)
    return { ok: false, reason: 'failed', message: `the language model answered HTTP ${res.status}` };
  if (body.length > MAX_REPLY_BYTES)
    return { ok: false, reason: 'failed', message: 'the language model answered too much text' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'failed', message: 'the language model answered something that is not JSON' };
  }
  const text = (parsed as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message
    ?.content;
  if (typeof text !== 'string')
    return {
      ok: false,
      reason: 'failed',
      message: 'the language model answered without a chat completion (no choices[0].message.content)',
    };
  return { ok: true, text };
}
