// Generation counters behind every cached read. A cached value remembers the generations it was read under:
// the whole instance's, its organization's and its user's. A change bumps the counter it names, so every value
// read before it stops matching at once, without a scan. Stamps are taken BEFORE the reads that fill a
// value: a change that lands while the read runs makes the stamp old, and the value is never stored.
import type { ChangeNotices } from '../../db/change-notices.ts';

export interface Stamp {
  readonly all: number;
  readonly org: number;
  readonly user: number;
  readonly orgId: number | null;
  readonly userId: number | null;
}

export interface Generations {
  /** The stamp for values that depend on this organization and user; null while caching is off. */
  stamp(orgId: number | null, userId: number | null): Stamp | null;
  /** Whether a value stamped `stamp` is still current. */
  current(stamp: Stamp): boolean;
  /** Applies one change: 'org:<id>', 'user:<id>', or anything else (e.g. '*') for everything. */
  bump(payload: string): void;
  /** Off while changes of other processes may be missed (the listener is down); on again when it is back. */
  setEnabled(enabled: boolean): void;
  readonly enabled: boolean;
  /** Called after everything was dropped (caches free their memory then). */
  onReset(fn: () => void): void;
}

export function createGenerations(): Generations {
  let all = 0;
  let enabled = true;
  const orgs = new Map<number, number>();
  const users = new Map<number, number>();
  const resets: Array<() => void> = [];
  const of = (map: Map<number, number>, id: number | null) => (id === null ? 0 : (map.get(id) ?? 0));

  function reset(): void {
    all += 1;
    // Values stamped before are dead by `all`; the per-id counters may start again from zero.
    orgs.clear();
    users.clear();
    for (const fn of resets) fn();
  }

  return {
    stamp(orgId, userId) {
      if (!enabled) return null;
      return { all, org: of(orgs, orgId), user: of(users, userId), orgId, userId };
    },
    current(s) {
      return enabled && s.all === all && s.org === of(orgs, s.orgId) && s.user === of(users, s.userId);
    },
    bump(payload) {
      const match = /^(org|user):([1-9][0-9]{0,15})$/.exec(payload);
      if (!match) return reset();
      const map = match[1] === 'org' ? orgs : users;
      const id = Number(match[2]);
      map.set(id, (map.get(id) ?? 0) + 1);
    },
    setEnabled(value) {
      if (value === enabled) return;
      enabled = value;
      reset();
    },
    get enabled() {
      return enabled;
    },
    onReset(fn) {
      resets.push(fn);
    },
  };
}

/** Generations that follow a database's change notices. */
export function generationsFor(changes: ChangeNotices): Generations {
  const generations = createGenerations();
  changes.subscribe((payload) => generations.bump(payload));
  return generations;
}
