// One flight (`/flights/{id}`): its details, locking it read-only (owners, managers), deleting it with its data
// products (owners; not when locked or published), its data products and the GeoTIFF upload.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { Facts } from '../../ui/Facts';
import { ErrorBox, Loading, PageHeader } from '../../ui/ui';
import { canManage, type Flight, flightName, useGeoFields, useProjectMembers } from './api';
import { Products } from './Products';
import { Upload } from './Upload';
import './geodata.css';

function Details({ flight }: { flight: Flight }) {
  const members = useProjectMembers(flight.project_id);
  const pilot = members.data?.results.find((m) => m.user.id === flight.pilot_id)?.user.username;
  const rows: [string, string][] = [
    ['Acquisition date', flight.acquisition_date],
    ['Sensor', flight.sensor],
    ['Platform', flight.platform],
    ['Altitude', `${flight.altitude} m`],
    ['Side / forward overlap', `${flight.side_overlap}% / ${flight.forward_overlap}%`],
    ['Pilot', pilot ?? (flight.pilot_id ? `user #${flight.pilot_id}` : '—')],
  ];
  return <Facts rows={rows} className="details" />;
}

export default function FlightPage() {
  const id = Number(useParams().id);
  const client = useQueryClient();
  const navigate = useNavigate();
  const flight = useQuery({
    queryKey: ['geo-flight', id],
    queryFn: () => call(api.GET('/api/flights/{id}', { params: { path: { id } } })),
    enabled: Number.isInteger(id) && id > 0,
  });
  const projectId = flight.data?.project_id ?? 0;
  const project = useQuery({
    queryKey: ['project', projectId],
    queryFn: () => call(api.GET('/api/projects/{id}', { params: { path: { id: projectId } } })),
    enabled: projectId > 0,
  });
  const fields = useGeoFields(projectId);
  const lock = useMutation({
    mutationFn: () =>
      call(api.PATCH('/api/flights/{id}', { params: { path: { id } }, body: { read_only: true } })),
    onSuccess: (answer) => {
      client.setQueryData(['geo-flight', id], answer);
      return client.invalidateQueries({ queryKey: ['geo-flights', projectId] });
    },
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/flights/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['geo-flights', projectId] });
      navigate(`/projects/${projectId}/geodata`);
    },
  });
  if (!Number.isInteger(id) || id <= 0)
    return <ErrorBox error={new Error('This is not a flight address.')} />;
  if (flight.isLoading) return <Loading what="Loading the flight" />;
  if (!flight.data) return <ErrorBox error={flight.error} />;
  const f = flight.data;
  const role = project.data?.role ?? 'viewer';
  const published = fields.data?.is_published ?? false;
  return (
    <div className="geo">
      <p className="breadcrumb">
        <Link to="/projects">Projects</Link> /{' '}
        <Link to={`/projects/${projectId}/geodata`}>{project.data?.title ?? projectId}</Link>
      </p>
      <PageHeader title={`Flight ${flightName(f)}`}>
        {f.read_only ? <span className="badge">Locked</span> : null}
        <Link className="button-link" to={`/projects/${projectId}/map`}>
          Map
        </Link>
        {canManage(role) && !f.read_only ? (
          <button
            type="button"
            disabled={lock.isPending}
            onClick={() => {
              if (window.confirm('Lock this flight? It cannot be changed afterwards.')) lock.mutate();
            }}
          >
            Lock read-only
          </button>
        ) : null}
        {role === 'owner' && !f.read_only && !published ? (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm('Delete this flight and all its data products?')) remove.mutate();
            }}
          >
            Delete flight
          </button>
        ) : null}
      </PageHeader>
      <ErrorBox error={lock.error ?? remove.error ?? project.error} />
      <Details flight={f} />
      <Products flight={f} manage={canManage(role)} owner={role === 'owner'} published={published} />
      {canManage(role) && !f.read_only ? (
        <section className="panel">
          <Upload projectId={projectId} flights={[f]} />
        </section>
      ) : null}
      {f.read_only ? <p className="muted">This flight is locked: no new data products.</p> : null}
    </div>
  );
}
