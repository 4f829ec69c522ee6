// Dashboard panels on a 12-column grid (react-grid-layout). Editable: drag a panel by its title bar, resize it
// from its corner, or with the keyboard on the focused title bar: arrows move, Shift+arrows resize. Every
// change is handed to `onLayout` with the panels whose place changed (the grid may push others down).
// Narrower than a tablet the panels stack in one column, read-only.
import 'react-grid-layout/css/styles.css';
import { type KeyboardEvent, type ReactNode, useEffect, useState } from 'react';
import ReactGridLayout, {
  type Layout as GridLayout,
  useContainerWidth,
  verticalCompactor,
} from 'react-grid-layout';
import type { Layout, Panel, ResultTable as Table } from './api';
import { ResultTable } from './ResultTable';
import { VegaChart } from './VegaChart';

const COLS = 12;
const ROW_HEIGHT = 56;
const STACK_BELOW = 700;

function PanelBody({ panel }: { panel: Panel }) {
  const chart = panel.config.chart as Record<string, unknown> | undefined;
  const table = panel.config.table as Table | undefined;
  if (!chart && !table) return <p className="muted small">This panel has no chart or table.</p>;
  return (
    <>
      {chart ? <VegaChart spec={chart} title={`Chart: ${panel.name}`} fit /> : null}
      {!chart && table ? <ResultTable table={table} caption={panel.name} max={20} /> : null}
    </>
  );
}

const same = (a: Layout, b: Layout) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

export function PanelGrid({
  panels,
  editable,
  onLayout,
  actions,
}: {
  panels: readonly Panel[];
  editable: boolean;
  onLayout?: (changes: { id: number; layout: Layout }[]) => void;
  actions?: (panel: Panel) => ReactNode;
}) {
  const { width, containerRef, mounted } = useContainerWidth();
  const [layout, setLayout] = useState<GridLayout>([]);
  useEffect(() => {
    setLayout(panels.map((p) => ({ i: String(p.id), ...p.layout, minW: 2, minH: 2 })));
  }, [panels]);

  const commit = (next: GridLayout) => {
    setLayout(next);
    const changes: { id: number; layout: Layout }[] = [];
    for (const item of next) {
      const panel = panels.find((p) => String(p.id) === item.i);
      const l = { x: item.x, y: item.y, w: item.w, h: item.h };
      if (panel && !same(panel.layout, l)) changes.push({ id: panel.id, layout: l });
    }
    if (changes.length) onLayout?.(changes);
  };

  const onKey = (e: KeyboardEvent, id: string) => {
    const item = layout.find((l) => l.i === id);
    if (!item || !editable) return;
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const [dx, dy] = d as [number, number];
    const moved = e.shiftKey
      ? { ...item, w: Math.max(2, Math.min(COLS - item.x, item.w + dx)), h: Math.max(2, item.h + dy) }
      : { ...item, x: Math.max(0, Math.min(COLS - item.w, item.x + dx)), y: Math.max(0, item.y + dy) };
    commit(
      verticalCompactor.compact(
        layout.map((l) => (l.i === id ? moved : l)),
        COLS,
      ) as GridLayout,
    );
  };

  const stacked = width < STACK_BELOW;
  const byId = new Map(panels.map((p) => [String(p.id), p]));
  const card = (p: Panel, handle: boolean) => (
    <section className="rm-panel" aria-label={p.name}>
      <div
        className={handle ? 'rm-panel-head rm-handle' : 'rm-panel-head'}
        {...(handle
          ? {
              tabIndex: 0,
              role: 'group',
              'aria-roledescription': 'movable panel',
              'aria-label': `${p.name}: arrows move, Shift+arrows resize`,
              onKeyDown: (e: KeyboardEvent) => onKey(e, String(p.id)),
            }
          : {})}
      >
        <h3>{p.name}</h3>
      </div>
      {actions ? <div className="rm-panel-actions">{actions(p)}</div> : null}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a panel smaller than its chart scrolls, and the keyboard must reach it */}
      <section className="rm-panel-body" tabIndex={0} aria-label={`${p.name} content`}>
        <PanelBody panel={p} />
      </section>
    </section>
  );

  return (
    <div ref={containerRef} className={editable ? 'rm-grid' : 'rm-grid rm-grid-static'}>
      {mounted && stacked ? (
        <ul className="rm-stack">
          {[...panels]
            .sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x)
            .map((p) => (
              <li key={p.id}>{card(p, false)}</li>
            ))}
        </ul>
      ) : null}
      {mounted && !stacked ? (
        <ReactGridLayout
          width={width}
          layout={layout}
          gridConfig={{ cols: COLS, rowHeight: ROW_HEIGHT, margin: [12, 12] }}
          dragConfig={{ enabled: editable, handle: '.rm-handle' }}
          resizeConfig={{ enabled: editable }}
          compactor={verticalCompactor}
          onDragStop={(next) => commit(next)}
          onResizeStop={(next) => commit(next)}
        >
          {layout.map((l) => {
            const p = byId.get(l.i);
            return p ? <div key={l.i}>{card(p, editable)}</div> : null;
          })}
        </ReactGridLayout>
      ) : null}
    </div>
  );
}
