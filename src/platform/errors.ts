// One error type for the whole product. Codes are stable snake_case strings, listed here and nowhere else.
export const ErrorCodes = {
  invalid_json: 400,
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  token_expired: 401,
  token_reused: 401,
  invalid_token: 400,
  forbidden: 403,
  extension_disabled: 403,
  license_limit: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  last_owner: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown, status?: number) {
    super(message);
    this.code = code;
    this.status = status ?? ErrorCodes[code];
    this.details = details;
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `${what} not found`);

/** A fault at start-up that the operator fixes (bad config, unreachable database): one line, exit 1. */
export class StartupError extends Error {}
