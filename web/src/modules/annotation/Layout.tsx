// The frame of an annotation project: its title, the tabs (data, label, setup, import, export) and the tab.
// A project without the annotation module offers to enable it (managers) instead of the tabs.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, NavLink, Outlet, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { ErrorBox, Loading, PageHeader } from '../../ui/ui';
import { type AnnotationProject, canManage, useAnnotationProject } from './api';
import './annotation.css';
import { Onboarding } from './Onboarding';

const tabs = [
  { to: '', label: 'Data', end: true },
  { to: 'label', label: 'Label' },
  { to: 'setup', label: 'Setup' },
  { to: 'import', label: 'Import' },
  { to: 'export', label: 'Export' },
];

export interface ProjectContext {
  project: AnnotationProject;
}

function EnableLabeling({ project }: { project: AnnotationProject }) {
  const client = useQueryClient();
  const enable = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/projects/{id}/modules', {
          params: { path: { id: project.id } },
          body: { enabled: [...project.modules, 'annotation'] },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['project', project.id] }),
  });
  return (
    <section className="panel">
      <h2>Labeling is off for this project</h2>
      {canManage(project) ? (
        <>
          <p>Turn on the annotation module to set up labels, import tasks and label them.</p>
          <ErrorBox error={enable.error} />
          <button
            type="button"
            className="primary"
            disabled={enable.isPending}
            onClick={() => enable.mutate()}
          >
            Enable labeling
          </button>
        </>
      ) : (
        <p className="muted">Ask a manager of the project to enable labeling.</p>
      )}
    </section>
  );
}

export default function Layout() {
  const id = Number(useParams().id);
  const project = useAnnotationProject(id);
  if (!Number.isInteger(id) || id <= 0)
    return <ErrorBox error={new Error('This is not a project address.')} />;
  return (
    <div className="ann">
      <p className="breadcrumb">
        <Link to="/projects">Projects</Link> / <Link to={`/projects/${id}`}>{project.data?.title ?? id}</Link>
      </p>
      {project.isLoading ? <Loading what="Loading the project" /> : null}
      <ErrorBox error={project.error} />
      {project.data ? (
        <>
          <PageHeader title={`${project.data.title} · labeling`}>
            <span className="badge">{project.data.task_number} tasks</span>
            <span className="badge">{project.data.total_annotations_number} annotations</span>
          </PageHeader>
          {project.data.modules.includes('annotation') ? (
            <>
              <Onboarding project={project.data} />
              <nav className="ann-tabs" aria-label="Labeling">
                {tabs.map((t) => (
                  <NavLink key={t.to} to={t.to} end={t.end}>
                    {t.label}
                  </NavLink>
                ))}
              </nav>
              <Outlet context={{ project: project.data } satisfies ProjectContext} />
            </>
          ) : (
            <EnableLabeling project={project.data} />
          )}
        </>
      ) : null}
    </div>
  );
}
