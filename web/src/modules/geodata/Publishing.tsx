// Publishing a project (owners): its data products become public, it appears as a STAC collection and on the
// public map; a short link to the public map can be made to share it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { ErrorBox, formatDate, Loading } from '../../ui/ui';
import { useGeoFields } from './api';

export function Publishing({ projectId, owner }: { projectId: number; owner: boolean }) {
  const client = useQueryClient();
  const fields = useGeoFields(projectId);
  const publish = useMutation({
    mutationFn: (on: boolean) =>
      call(
        api.POST(on ? '/api/projects/{id}/publish' : '/api/projects/{id}/unpublish', {
          params: { path: { id: projectId } },
        }),
      ),
    onSuccess: (answer) => {
      client.setQueryData(['geo-fields', projectId], answer);
      return client.invalidateQueries({ queryKey: ['geo-products', projectId] });
    },
  });
  const link = useMutation({
    mutationFn: () => call(api.POST('/api/short-links', { body: { url: `/public/projects/${projectId}` } })),
  });
  const published = fields.data?.is_published ?? false;
  const stac = `/api/stac/collections/${projectId}`;
  return (
    <section className="panel" aria-labelledby="publishing-h">
      <h2 id="publishing-h">Publishing</h2>
      {fields.isLoading ? <Loading what="Loading the publishing state" /> : null}
      <ErrorBox error={fields.error ?? publish.error ?? link.error} />
      {fields.data ? (
        <p role="status">
          {published
            ? `Published ${formatDate(fields.data.published_at)}: every data product is public and cannot be deleted.`
            : 'Not published: only members see the data products, except those made public one by one.'}
        </p>
      ) : null}
      {published ? (
        <ul>
          <li>
            <a href={`/public/projects/${projectId}`}>Public map</a>
          </li>
          <li>
            <a href={stac}>STAC collection</a> <span className="mono small">{stac}</span>
          </li>
        </ul>
      ) : null}
      <div className="actions">
        {owner && fields.data ? (
          <button
            type="button"
            className={published ? undefined : 'primary'}
            disabled={publish.isPending}
            onClick={() => publish.mutate(!published)}
          >
            {published ? 'Unpublish' : 'Publish'}
          </button>
        ) : null}
        {published ? (
          <button type="button" disabled={link.isPending} onClick={() => link.mutate()}>
            Short link to the public map
          </button>
        ) : null}
      </div>
      {link.data ? (
        <p>
          Short link:{' '}
          <a className="mono" href={link.data.short_url}>
            {link.data.short_url}
          </a>
        </p>
      ) : null}
      {!owner ? <p className="muted small">Only owners publish a project.</p> : null}
    </section>
  );
}
