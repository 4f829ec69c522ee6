// Hooks attached to the routes that need them, from an onRoute hook, instead of app-wide hooks that run on
// every request and look the route up (`request.routeOptions` builds a fresh object on each access).

type Hook = (...args: never[]) => unknown;

/** `existing` (Fastify accepts one hook or a list) followed by `hook`. */
export function withHook<H extends Hook>(existing: H | H[] | undefined, hook: H): H[] {
  if (!existing) return [hook];
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook];
}
