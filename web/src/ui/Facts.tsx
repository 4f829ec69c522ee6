// A thing's facts as a definition list: one term and value a pair, in the given order.
import type { ReactNode } from 'react';

export function Facts({ rows, className }: { rows: [term: string, value: ReactNode][]; className: string }) {
  return (
    <dl className={className}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
