// Label Studio's error fields for its compatibility endpoints: beside our `{"error": {...}}` object the body
// keeps `detail` and, for validation failures, `validation_errors: {field: [messages]}` (LS's DRF shape),
// because Label Studio scripts and SDKs read those. Routes opt in with `errorHandler: labelStudioErrors`.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppError } from '../errors.ts';
import { errorBody, type FieldError, toAppError } from './error-handler.ts';

export function labelStudioBody(err: AppError) {
  const body: Record<string, unknown> = { ...errorBody(err) };
  if (err.code === 'validation_failed' || err.code === 'bad_request') {
    body.detail = 'Validation error';
    const fields: Record<string, string[]> = {};
    const details = Array.isArray(err.details) ? (err.details as Partial<FieldError>[]) : [];
    for (const d of details) {
      if (typeof d?.field !== 'string' || typeof d.message !== 'string') continue;
      fields[d.field] = [...(fields[d.field] ?? []), d.message];
    }
    if (Object.keys(fields).length === 0) fields.non_field_errors = [err.message];
    body.validation_errors = fields;
  } else {
    body.detail = err.message;
  }
  return body;
}

/** A route-level Fastify error handler answering Label Studio's fields beside ours. */
export function labelStudioErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: appError.code }, appError.message);
  return reply.status(appError.status).send(labelStudioBody(appError));
}

const LabelStudioErrorResponse = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Unknown() }),
    detail: Type.Optional(Type.String({ description: "Label Studio's message" })),
    validation_errors: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), {
        description: "Label Studio's field -> messages",
      }),
    ),
  },
  { description: 'Our error object plus the fields Label Studio clients read' },
);

/** Path prefixes of the Label Studio compatibility surface. */
export const labelStudioPrefixes = [
  '/api/projects',
  '/api/tasks',
  '/api/annotations',
  '/api/drafts',
  '/api/predictions',
  '/api/comments',
  '/api/dm',
  '/api/flags',
  '/api/tags',
  '/api/labels',
  '/api/label_links',
];

const isLabelStudioPath = (url: string) =>
  labelStudioPrefixes.some((p) => url === p || url.startsWith(`${p}/`));

/**
 * Gives every route on the compatibility surface Label Studio's error fields (handler and documented
 * response shape). Call before the modules register their routes.
 */
export function registerLabelStudioErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!isLabelStudioPath(route.url) || route.errorHandler) return;
    route.errorHandler = labelStudioErrors;
    const response = (route.schema as { response?: Record<string, unknown> } | undefined)?.response;
    if (!response) return;
    for (const status of Object.keys(response)) {
      if (Number(status) >= 400) response[status] = LabelStudioErrorResponse;
    }
  });
}
