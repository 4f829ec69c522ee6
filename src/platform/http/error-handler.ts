// One place where errors become HTTP answers: {"error": {"code", "message", "details"}}. Bad input is a 4xx
// that says what is wrong; anything unexpected is logged and answered as a 500 without internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../errors.ts';

export interface FieldError {
  in: string;
  field: string;
  message: string;
}

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function fieldName(issue: ValidationIssue): string {
  const path = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const missing = issue.params?.requiredProperties ?? issue.params?.missingProperty;
  if (issue.keyword === 'required' && missing) {
    const names = Array.isArray(missing) ? missing.join(', ') : String(missing);
    return path ? `${path}.${names}` : names;
  }
  return path || '(root)';
}

export function validationDetails(issues: ValidationIssue[], part: string): FieldError[] {
  // Group by field: a union (anyOf) failing reports each branch; say them as alternatives in one message.
  const byField = new Map<string, { messages: string[]; union: boolean }>();
  for (const issue of issues) {
    const field = fieldName(issue);
    const entry = byField.get(field) ?? { messages: [], union: false };
    if (issue.keyword === 'anyOf' || issue.keyword === 'oneOf') entry.union = true;
    else {
      const message = issue.keyword === 'required' ? 'is required' : (issue.message ?? 'is invalid');
      if (!entry.messages.includes(message)) entry.messages.push(message);
    }
    byField.set(field, entry);
  }
  return [...byField].map(([field, { messages, union }]) => ({
    in: part,
    field,
    message: union
      ? messages.length
        ? messages.join(' or ')
        : 'matches none of the allowed forms'
      : messages.join('; '),
  }));
}

const fastifyCodes: Record<string, { code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_json',
    message: 'request body is empty but content-type is JSON',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'request body is larger than allowed' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'bad_request',
    message: 'content-length does not match the body',
  },
};

// PostgreSQL refusing a value is bad input, not a server fault (the schemas catch most of it first).
function fromDatabase(code: string, detail: { constraint?: string; column?: string }): AppError | null {
  const where = detail.constraint ? ` (${detail.constraint})` : detail.column ? ` (${detail.column})` : '';
  if (code === '23505') return new AppError('conflict', `that already exists${where}`);
  if (code === '23503')
    return new AppError('bad_request', `it refers to something that does not exist${where}`);
  if (code === '23514' || code === '23502')
    return new AppError('validation_failed', `a value breaks a rule${where}`);
  if (code.startsWith('22'))
    return new AppError(
      'bad_request',
      'a value is not acceptable (wrong form, out of range or invalid characters)',
    );
  return null;
}

export function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  const pgCode = (error as { code?: unknown }).code;
  if (typeof pgCode === 'string' && /^2[23][0-9A-Z]{3}$/.test(pgCode)) {
    const mapped = fromDatabase(pgCode, error as { constraint?: string; column?: string });
    if (mapped) return mapped;
  }
  const fe = error as FastifyError & { validationContext?: string };
  if (fe.validation) {
    const details = validationDetails(fe.validation as ValidationIssue[], fe.validationContext ?? 'body');
    const fields = details.map((d) => `${d.in === 'body' ? '' : `${d.in} `}${d.field} ${d.message}`);
    return new AppError('validation_failed', `invalid request: ${fields.join('; ')}`, details);
  }
  const known = fe.code ? fastifyCodes[fe.code] : undefined;
  if (known) {
    const message =
      known.message ??
      (known.code === 'unsupported_media_type'
        ? 'unsupported content-type; this endpoint accepts application/json'
        : fe.message);
    return new AppError(known.code, message);
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode =
      fe.statusCode === 404 ? 'not_found' : fe.statusCode === 429 ? 'rate_limited' : 'bad_request';
    return new AppError(code, fe.message, undefined, fe.statusCode);
  }
  return new AppError('internal', 'internal server error');
}

export function errorBody(err: AppError) {
  return { error: { code: err.code, message: err.message, details: err.details ?? null } };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code }, appError.message);
    if (appError.status === 429 && appError.details && typeof appError.details === 'object') {
      const retry = (appError.details as { retry_after?: number }).retry_after;
      if (retry) reply.header('retry-after', String(retry));
    }
    return reply.status(appError.status).send(errorBody(appError));
  });

  app.setNotFoundHandler((request, reply) => {
    const err = new AppError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).send(errorBody(err));
  });
}
