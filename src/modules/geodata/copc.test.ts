// Point clouds on both databases: a COPC file's header gives its point count and bounds (the product is ready
// as uploaded); LAS and LAZ answer 415 (conversion needs an external tool); a file that is no LAS 422.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { COPC_HEAD_BYTES, epsgOfWkt, readCopcHeader } from './copc.ts';

/** A VLR: 54-byte header (user id, record id, length) and its record. */
function vlr(user: string, record: number, body: Buffer): Buffer {
  const h = Buffer.alloc(54);
  h.write(user, 2, 'latin1');
  h.writeUInt16LE(record, 18);
  h.writeUInt16LE(body.length, 20);
  return Buffer.concat([h, body]);
}

const UTM33N_WKT =
  'PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,' +
  'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],' +
  'AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",15],' +
  'UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","32633"]]';

/**
 * A LAS header as the spec lays it out (only the fields read), COPC info VLR after it when asked, then an OGC
 * WKT VLR (LASF_Projection 2112) when given, and a few bytes standing in for the points.
 */
function lasHeader(o: { minor: number; copc: boolean; laz?: boolean; points: number; wkt?: string }): Buffer {
  const b = Buffer.alloc(COPC_HEAD_BYTES + 16);
  if (o.wkt !== undefined) {
    const info = b.subarray(375, COPC_HEAD_BYTES);
    const wkt = vlr('LASF_Projection', 2112, Buffer.from(`${o.wkt}\0`, 'utf8'));
    const file = Buffer.concat([b.subarray(0, 375), info, wkt, Buffer.alloc(16)]);
    file.writeUInt32LE(COPC_HEAD_BYTES + wkt.length, 96);
    file.writeUInt32LE(2, 100);
    return fill(file, o);
  }
  b.writeUInt32LE(COPC_HEAD_BYTES, 96);
  b.writeUInt32LE(o.copc ? 1 : 0, 100);
  return fill(b, o);
}

function fill(b: Buffer, o: { minor: number; copc: boolean; laz?: boolean; points: number }): Buffer {
  b.write('LASF', 0, 'latin1');
  b.writeUInt8(1, 24);
  b.writeUInt8(o.minor, 25);
  b.writeUInt16LE(o.minor === 4 ? 375 : 227, 94);
  b.writeUInt8((o.laz ? 0x80 : 0) | 6, 104);
  b.writeUInt32LE(0, 107);
  [500010, 500000, 5500010, 5500000, 120, 100].forEach((v, i) => {
    b.writeDoubleLE(v, 179 + i * 8);
  });
  b.writeBigUInt64LE(BigInt(o.points), 247);
  if (o.copc) {
    b.write('copc', 377, 'latin1');
    b.writeUInt16LE(1, 393);
    b.writeUInt16LE(160, 395);
  }
  return b;
}

test('epsgOfWkt: the outermost AUTHORITY or ID, not an inner one', () => {
  assert.equal(epsgOfWkt(UTM33N_WKT), 32633);
  assert.equal(epsgOfWkt('PROJCRS["x",BASEGEOGCRS["y",ID["EPSG",4326]],ID["EPSG",25832]]'), 25832);
  assert.equal(epsgOfWkt('GEOGCS["local",DATUM["d",AUTHORITY["EPSG","6326"]]]'), null);
  assert.equal(epsgOfWkt('LOCAL_CS["a [bracket] name"]'), null);
});

test('readCopcHeader: point count and 3D bounds of a COPC header', () => {
  const h = readCopcHeader(lasHeader({ minor: 4, copc: true, points: 123456 }), 'x.copc.laz');
  assert.equal(h.pointCount, 123456);
  assert.deepEqual(h.bounds3d, [500000, 5500000, 100, 500010, 5500010, 120]);
});

forEachDatabase('point clouds (COPC)', (ctx) => {
  let app: App;
  let owner: Person;
  let outsider: Person;
  let flightId: number;

  const send = async (who: Person, name: string, bytes: Buffer | string, flight = flightId) => {
    const body = await multipart([{ name, bytes }]);
    const file = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...inOrg(who, who.orgId), ...body.headers },
      payload: body.payload,
    });
    assert.equal(file.statusCode, 201, file.body);
    return app.inject({
      method: 'POST',
      url: `/api/flights/${flight}/data-products`,
      headers: inOrg(who, who.orgId),
      payload: { file_id: file.json().id, data_type: 'point_cloud' },
    });
  };

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    owner = await signUp(app);
    outsider = await signUp(app);
    const h = inOrg(owner, owner.orgId);
    const project = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: h,
      payload: { title: 'Lidar' },
    });
    const flight = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.json().id}/flights`,
      headers: h,
      payload: {
        acquisition_date: '2026-06-01',
        altitude: 40,
        side_overlap: 70,
        forward_overlap: 80,
        sensor: 'LiDAR',
        platform: 'M300',
        pilot_id: owner.id,
      },
    });
    assert.equal(flight.statusCode, 201, flight.body);
    flightId = flight.json().id;
  });
  after(() => app.close());

  test('a COPC upload is ready with its point count and bounds', async () => {
    const res = await send(owner, 'plot.copc.laz', lasHeader({ minor: 4, copc: true, points: 987654 }));
    assert.ok(res.statusCode === 201 || res.statusCode === 202, res.body);
    const got = await app.inject({
      method: 'GET',
      url: `/api/data-products/${res.json().id}`,
      headers: inOrg(owner, owner.orgId),
    });
    assert.equal(got.json().status, 'ready');
    assert.equal(got.json().point_count, 987654);
    assert.deepEqual(got.json().bounds, [500000, 5500000, 100, 500010, 5500010, 120]);
  });

  test("a COPC file's OGC WKT record gives the product its CRS: the EPSG code, else the WKT", async () => {
    const h = inOrg(owner, owner.orgId);
    const utm = await send(
      owner,
      'utm.copc.laz',
      lasHeader({ minor: 4, copc: true, points: 5, wkt: UTM33N_WKT }),
    );
    assert.ok(utm.statusCode === 201 || utm.statusCode === 202, utm.body);
    assert.deepEqual([utm.json().crs, utm.json().epsg], ['EPSG:32633', 32633]);
    const local = 'LOCAL_CS["site grid",UNIT["metre",1]]';
    const own = await send(
      owner,
      'local.copc.laz',
      lasHeader({ minor: 4, copc: true, points: 5, wkt: local }),
    );
    assert.deepEqual([own.json().crs, own.json().epsg], [local, null]);
    const none = await send(owner, 'none.copc.laz', lasHeader({ minor: 4, copc: true, points: 5 }));
    assert.deepEqual([none.json().crs, none.json().epsg], [null, null]);
    const got = await app.inject({ method: 'GET', url: `/api/data-products/${utm.json().id}`, headers: h });
    assert.equal(got.json().crs, 'EPSG:32633');
  });

  test('LAS and LAZ answer 415 naming the external conversion; a non-LAS file 422; other tenants 404', async () => {
    const las = await send(owner, 'plot.las', lasHeader({ minor: 2, copc: false, points: 10 }));
    assert.equal(las.statusCode, 415, las.body);
    assert.match(
      las.json().error.message,
      /plot\.las is LAS 1\.2 .*not COPC: converting it needs an external tool/,
    );
    const laz = await send(owner, 'plot.laz', lasHeader({ minor: 4, copc: false, laz: true, points: 10 }));
    assert.equal(laz.statusCode, 415, laz.body);
    assert.match(laz.json().error.message, /is LAZ 1\.4/);
    const text = await send(owner, 'notes.txt', 'not a point cloud at all');
    assert.equal(text.statusCode, 422, text.body);
    assert.match(text.json().error.message, /not a LAS, LAZ or COPC file/);
    const foreign = await send(outsider, 'plot.copc.laz', lasHeader({ minor: 4, copc: true, points: 1 }));
    assert.equal(foreign.statusCode, 404, foreign.body);
  });
});
