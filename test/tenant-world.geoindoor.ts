// The geodata indoor/upload part of the tenant world: the owner gets the indoor extension; an indoor project
// with a parsed-to-be CSV data file and an upload session for the world's flight, named with the marker.
// Nothing when the routes are not registered.
import assert from 'node:assert/strict';
import { multipart } from '../src/modules/files/files.test-kit.ts';
import type { App } from '../src/platform/http/app-types.ts';

export interface GeoindoorWorld {
  indoorProjectId: number;
  indoorDataId: number;
  uploadSessionId: number;
}

export async function geoindoorWorld(
  app: App,
  headers: Record<string, string>,
  w: { marker: string; ownerId: number; flightId: number },
): Promise<GeoindoorWorld> {
  const none = { indoorProjectId: 0, indoorDataId: 0, uploadSessionId: 0 };
  if (!app.hasRoute({ method: 'POST', url: '/api/indoor-projects' })) return none;
  const cat = await app.inject({ method: 'GET', url: '/api/extensions', headers });
  const ext = (cat.json() as { id: number; name: string }[]).find((e) => e.name === 'indoor')!.id;
  const grant = await app.inject({
    method: 'PUT',
    url: `/api/extensions/${ext}/users/${w.ownerId}`,
    headers,
    payload: {},
  });
  assert.equal(grant.statusCode, 200, grant.body);
  const project = await app.inject({
    method: 'POST',
    url: '/api/indoor-projects',
    headers,
    payload: { title: `${w.marker} indoor`, description: `${w.marker} chamber` },
  });
  assert.equal(project.statusCode, 201, project.body);
  const body = await multipart([
    { name: `${w.marker}.csv`, bytes: `plant,note\n1,${w.marker}\n`, type: 'text/csv' },
  ]);
  const data = await app.inject({
    method: 'POST',
    url: `/api/indoor-projects/${project.json().id}/data`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
  assert.equal(data.statusCode, 201, data.body);
  let uploadSessionId = 0;
  if (w.flightId) {
    const session = await app.inject({
      method: 'POST',
      url: '/api/upload-sessions',
      headers,
      payload: { target: 'raw_data', flight_id: w.flightId, filename: `${w.marker}.zip`, size: 10 },
    });
    assert.equal(session.statusCode, 201, session.body);
    uploadSessionId = session.json().id;
  }
  return { indoorProjectId: project.json().id, indoorDataId: data.json().id, uploadSessionId };
}
