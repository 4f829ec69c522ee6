// A project's geodata (`/projects/{id}/geodata`): flights, campaigns, publishing with the STAC collection and
// a short link, and Breedbase connections. The map is its own screen (MapPage.tsx).
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { ProjectFrame } from '../../ui/ProjectFrame';
import { canManage } from './api';
import { Breedbase } from './Breedbase';
import { Campaigns } from './Campaigns';
import { Flights } from './Flights';
import { Publishing } from './Publishing';
import './geodata.css';

function Geodata({ projectId, role }: { projectId: number; role: string }) {
  const campaigns = useQuery({
    queryKey: ['geo-campaigns', projectId],
    queryFn: () =>
      call(
        api.GET('/api/projects/{id}/campaigns', {
          params: { path: { id: projectId }, query: { page_size: 1000 } },
        }),
      ),
  });
  const manage = canManage(role);
  return (
    <>
      <p>
        <Link to={`/projects/${projectId}/map`}>Open the map</Link>
      </p>
      <Flights projectId={projectId} manage={manage} campaigns={campaigns.data?.results ?? []} />
      <div className="grid-2">
        <Publishing projectId={projectId} owner={role === 'owner'} />
        <Campaigns projectId={projectId} manage={manage} campaigns={campaigns} />
      </div>
      <Breedbase projectId={projectId} manage={manage} />
    </>
  );
}

export default function GeodataPage() {
  return (
    <ProjectFrame title="geodata">
      {(project) => <Geodata projectId={project.id} role={project.role} />}
    </ProjectFrame>
  );
}
