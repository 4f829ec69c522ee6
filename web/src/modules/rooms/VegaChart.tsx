// A Vega-Lite chart, rendered as SVG by vega-embed, loaded on first use (its own chunk). Expressions go through
// vega-interpreter, so the page's Content-Security-Policy needs no 'unsafe-eval'.
import { useEffect, useRef, useState } from 'react';

/** `fit`: fill the box it is in (a dashboard panel) instead of the spec's own height. */
export function VegaChart({
  spec,
  title,
  fit = false,
}: {
  spec: Record<string, unknown>;
  title: string;
  fit?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let finalize: (() => void) | undefined;
    let cancelled = false;
    setError(null);
    Promise.all([import('vega-embed'), import('vega-interpreter')])
      .then(async ([{ default: embed }, { expressionInterpreter }]) => {
        if (cancelled || !box.current) return;
        const width = box.current.clientWidth;
        const result = await embed(
          box.current,
          {
            ...spec,
            ...(spec.width === undefined && width ? { width: 'container' } : {}),
            ...(fit ? { height: 'container', autosize: { type: 'fit', contains: 'padding' } } : {}),
          } as never,
          { actions: false, renderer: 'svg', ast: true, expr: expressionInterpreter },
        );
        if (cancelled) result.finalize();
        else {
          finalize = () => result.finalize();
          const svg = box.current?.querySelector('svg');
          svg?.setAttribute('role', 'img');
          svg?.setAttribute('aria-label', title);
          setReady(true);
        }
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      cancelled = true;
      finalize?.();
    };
  }, [spec, title, fit]);
  return (
    <div className={fit ? 'rm-chart rm-chart-fit' : 'rm-chart'}>
      <div ref={box} className="rm-chart-box" data-ready={ready ? 'true' : undefined} />
      {error ? (
        <p className="error small" role="alert">
          The chart could not be drawn: {error}
        </p>
      ) : null}
    </div>
  );
}
