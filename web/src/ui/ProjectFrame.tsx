// The frame of a project's settings screens (ML backends, cloud storages): breadcrumb, the project's
// title and the screen, given the project once it has loaded.
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, call, type Ok } from '../api/client';
import { ErrorBox, Loading, PageHeader } from './ui';

export type FrameProject = Ok<'/api/projects/{id}', 'get'>;

export const canManageProject = (p: { role: string }) => p.role === 'owner' || p.role === 'manager';

export function ProjectFrame({
  title,
  children,
}: {
  title: string;
  children: (project: FrameProject) => ReactNode;
}) {
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const project = useQuery({
    queryKey: ['project', id],
    queryFn: () => call(api.GET('/api/projects/{id}', { params: { path: { id } } })),
    enabled: valid,
  });
  if (!valid) return <ErrorBox error={new Error('This is not a project address.')} />;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/projects">Projects</Link> / <Link to={`/projects/${id}`}>{project.data?.title ?? id}</Link>
      </p>
      {project.isLoading ? <Loading what="Loading the project" /> : null}
      <ErrorBox error={project.error} />
      {project.data ? (
        <>
          <PageHeader title={`${project.data.title} · ${title}`}>
            <Link className="button-link" to={`/projects/${id}/labeling`}>
              Labeling
            </Link>
          </PageHeader>
          {children(project.data)}
        </>
      ) : null}
    </>
  );
}
