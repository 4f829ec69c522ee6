// A project's field campaigns (newest first) and a new one (owners, managers). Flights may belong to one.
import { type UseQueryResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Ok } from '../../api/client';
import { FormPanel, useDraft } from '../../ui/FormPanel';
import { PagedTable } from '../../ui/PagedTable';
import { Field, formatDate, TextArea } from '../../ui/ui';

type CampaignPage = Ok<'/api/projects/{id}/campaigns', 'get'>;

function CampaignForm({ projectId, onDone }: { projectId: number; onDone: () => void }) {
  const client = useQueryClient();
  const { draft: d, bind } = useDraft({ title: '', description: '' });
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/projects/{id}/campaigns', {
          params: { path: { id: projectId } },
          body: {
            title: d.title.trim(),
            ...(d.description.trim() ? { description: d.description.trim() } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['geo-campaigns', projectId] });
      onDone();
    },
  });
  return (
    <FormPanel
      label="New campaign"
      onSubmit={() => create.mutate()}
      error={create.error}
      pending={create.isPending}
      submitLabel="Create campaign"
      onCancel={onDone}
    >
      <Field label="Campaign title" required maxLength={255} {...bind('title')} />
      <TextArea label="Campaign description" rows={2} maxLength={10000} {...bind('description')} />
    </FormPanel>
  );
}

export function Campaigns({
  projectId,
  manage,
  campaigns,
}: {
  projectId: number;
  manage: boolean;
  campaigns: UseQueryResult<CampaignPage>;
}) {
  const [creating, setCreating] = useState(false);
  return (
    <section className="panel" aria-labelledby="campaigns-h">
      <h2 id="campaigns-h">Campaigns</h2>
      {manage && !creating ? (
        <button type="button" onClick={() => setCreating(true)}>
          New campaign
        </button>
      ) : null}
      {creating ? <CampaignForm projectId={projectId} onDone={() => setCreating(false)} /> : null}
      <PagedTable
        query={campaigns}
        caption="Campaigns"
        loading="Loading campaigns"
        empty="No campaigns."
        rowKey={(c) => c.id}
        columns={[
          {
            header: 'Campaign',
            cell: (c) => (
              <>
                {c.title}
                {c.description ? <div className="muted small">{c.description}</div> : null}
              </>
            ),
          },
          { header: 'Active', cell: (c) => (c.is_active ? 'Yes' : 'No') },
          { header: 'Created', cell: (c) => formatDate(c.created_at) },
        ]}
      />
    </section>
  );
}
