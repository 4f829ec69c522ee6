// The room's dashboard: pinned answers as panels the room's owners move, resize, rename and delete; each
// change is saved through PATCH /api/rooms/{id}/panels/{panel_id}.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../ui/ui';
import { type Layout, usePanels } from './api';
import { PanelGrid } from './PanelGrid';

export function Dashboard({ roomId, canManage }: { roomId: number; canManage: boolean }) {
  const panels = usePanels(roomId);
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['room-panels', roomId] });
  const move = useMutation({
    mutationFn: (changes: { id: number; layout: Layout }[]) =>
      Promise.all(
        changes.map((c) =>
          call(
            api.PATCH('/api/rooms/{id}/panels/{panel_id}', {
              params: { path: { id: roomId, panel_id: c.id } },
              body: { layout: c.layout },
            }),
          ),
        ),
      ),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (panelId: number) =>
      call(
        api.DELETE('/api/rooms/{id}/panels/{panel_id}', {
          params: { path: { id: roomId, panel_id: panelId } },
        }),
      ),
    onSettled: refresh,
  });
  const list = panels.data?.results ?? [];
  return (
    <section aria-labelledby="rm-dash-h">
      <div className="card-head">
        <h2 id="rm-dash-h">Dashboard</h2>
        <span className="muted small" role="status" aria-live="polite">
          {move.isPending ? 'Saving the layout…' : move.isSuccess ? 'Layout saved.' : ''}
        </span>
      </div>
      <ErrorBox error={panels.error ?? move.error ?? remove.error} />
      {panels.isLoading ? <Loading what="Loading the dashboard" /> : null}
      {panels.data && list.length === 0 ? (
        <Empty>No panels yet. Pin an answer from the chat to start the dashboard.</Empty>
      ) : null}
      {list.length ? (
        <PanelGrid
          panels={list}
          editable={canManage}
          onLayout={(changes) => move.mutate(changes)}
          actions={
            canManage
              ? (p) => (
                  <button
                    type="button"
                    className="small link-button"
                    aria-label={`Delete panel ${p.name}`}
                    disabled={remove.isPending}
                    onClick={() => {
                      if (window.confirm(`Delete the panel “${p.name}”?`)) remove.mutate(p.id);
                    }}
                  >
                    Delete
                  </button>
                )
              : undefined
          }
        />
      ) : null}
    </section>
  );
}
