// Shared response schemas, referenced by every route so the OpenAPI document lists its errors.
import Type, { type TSchema } from 'typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable snake_case error code' }),
      message: Type.String(),
      details: Type.Unknown(),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every error answers with this shape' },
);

const errorRef = Type.Ref('ErrorResponse');

const descriptions: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Unprocessable',
  429: 'Too many requests',
  501: 'Not implemented on this database',
  503: 'Not ready',
};

/** Response entries for the given error statuses, e.g. `{ 200: Thing, ...errors(400, 404) }`. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of statuses) out[s] = { ...errorRef, description: descriptions[s] ?? 'Error' } as TSchema;
  return out;
}
