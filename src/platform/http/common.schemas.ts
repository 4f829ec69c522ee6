// Schema pieces shared by modules: ids in paths, paging, timestamps.
import Type, { type TSchema } from 'typebox';

export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const IdParams = Type.Object({ id: Id });
// Services hand out Date objects; the serializer writes them as ISO 8601 strings.
export const Timestamp = Type.Unsafe<Date | string>(Type.String({ format: 'date-time' }));
/** A timestamp in a request body. */
export const TimestampInput = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const NullableString = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);

export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
});

/** Label Studio / DRF paging: `{count, next, previous, results}`. */
export function Paged<T extends TSchema>(item: T) {
  return Type.Object({
    count: Type.Integer(),
    next: Type.Union([Type.String(), Type.Null()]),
    previous: Type.Union([Type.String(), Type.Null()]),
    results: Type.Array(item),
  });
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

export function pageOf(q: { page?: number; page_size?: number }): PageRequest {
  return { page: q.page ?? 1, pageSize: q.page_size ?? 50 };
}

/** Builds `{count, next, previous, results}` with links relative to the request URL. */
export function pagedBody<T>(url: string, page: PageRequest, count: number, results: T[]) {
  const link = (p: number) => {
    const u = new URL(url, 'http://x');
    u.searchParams.set('page', String(p));
    u.searchParams.set('page_size', String(page.pageSize));
    return `${u.pathname}${u.search}`;
  };
  const last = Math.max(1, Math.ceil(count / page.pageSize));
  return {
    count,
    next: page.page < last ? link(page.page + 1) : null,
    previous: page.page > 1 ? link(Math.min(page.page - 1, last)) : null,
    results,
  };
}
