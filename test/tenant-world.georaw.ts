// The geodata raw data part of the tenant world: a ZIP of flight images on the world's flight (its job need not
// have run). Processing-run tokens are shown once and only to the run's starter, so the id rules give the
// public hook routes a token that names no run. Nothing when the routes are not registered.
import assert from 'node:assert/strict';
import { multipart } from '../src/modules/files/files.test-kit.ts';
import { zipOf } from '../src/modules/geodata/rawdata.test-kit.ts';
import { jpeg } from '../src/modules/photos/demo-images.ts';
import type { App } from '../src/platform/http/app-types.ts';

export interface GeorawWorld {
  rawDataId: number;
}

export async function georawWorld(
  app: App,
  headers: Record<string, string>,
  w: { marker: string; flightId: number },
): Promise<GeorawWorld> {
  if (!w.flightId || !app.hasRoute({ method: 'POST', url: '/api/flights/:id/raw-data' }))
    return { rawDataId: 0 };
  const zip = zipOf([
    {
      name: `${w.marker}-0001.jpg`,
      bytes: await jpeg({ width: 8, height: 8, latitude: 50, longitude: 10, capturedAt: new Date() }),
    },
  ]);
  const body = await multipart([{ name: `${w.marker}.zip`, bytes: zip, type: 'application/zip' }]);
  const res = await app.inject({
    method: 'POST',
    url: `/api/flights/${w.flightId}/raw-data`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
  assert.equal(res.statusCode, 202, `raw data: ${res.body}`);
  return { rawDataId: res.json().id };
}
