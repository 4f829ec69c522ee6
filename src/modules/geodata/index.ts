// The geodata module (seed 000, Data to Science): project boundary and geo fields, campaigns, flights, data
// products with public sharing, map styles, vector layers and short links, raw image archives and the
// photogrammetry (ODM) hook. Its tables are keyed by project_id
// beside the one projects table (migration 0016).
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { breedbaseRoutes } from './breedbase.routes.ts';
import { createBreedbaseService } from './breedbase.service.ts';
import { diskUsageRoutes } from './disk-usage.routes.ts';
import { createDiskUsageService } from './disk-usage.service.ts';
import { extensionsRoutes } from './extensions.routes.ts';
import { createExtensionsService } from './extensions.service.ts';
import { geodataRoutes } from './geodata.routes.ts';
import { createGeodataService } from './geodata.service.ts';
import { defineIndoorJobs } from './indoor.jobs.ts';
import { indoorRoutes } from './indoor.routes.ts';
import { createIndoorService } from './indoor.service.ts';
import { createProcessingService } from './processing.service.ts';
import { defineRasterJob } from './products.jobs.ts';
import { productsRoutes } from './products.routes.ts';
import { createProductsService } from './products.service.ts';
import { defineRawDataJob } from './rawdata.jobs.ts';
import { rawDataRoutes } from './rawdata.routes.ts';
import { createRawDataService } from './rawdata.service.ts';
import { createSpatial } from './spatial.ts';
import { stacRoutes } from './stac.routes.ts';
import { createStacService } from './stac.service.ts';
import { tilesRoutes } from './tiles.routes.ts';
import { createTilesService } from './tiles.service.ts';
import { uploadSessionRoutes } from './upload-sessions.routes.ts';
import { createUploadSessionsService } from './upload-sessions.service.ts';
import { createVectorImport } from './vectors.import.ts';
import { vectorRoutes } from './vectors.routes.ts';
import { createVectorsService } from './vectors.service.ts';
import { createVectorTiles } from './vectors.tiles.ts';

export async function geodataModule(app: App, deps: Deps): Promise<void> {
  defineRasterJob(deps);
  defineRawDataJob(deps);
  const spatial = createSpatial();
  const geo = createGeodataService(deps, spatial);
  const products = createProductsService(deps, geo);
  const vectors = createVectorsService(deps, spatial);
  geodataRoutes(app, geo, vectors);
  productsRoutes(app, products);
  const importer = createVectorImport(deps);
  await vectorRoutes(app, vectors, importer, createVectorTiles(deps, spatial));
  const tiles = createTilesService(deps, products);
  tilesRoutes(app, tiles);
  app.addHook('onClose', () => tiles.close());
  stacRoutes(app, createStacService(deps), deps.config.PUBLIC_URL);
  extensionsRoutes(app, createExtensionsService(deps));
  breedbaseRoutes(app, createBreedbaseService(deps));
  const raw = createRawDataService(deps, geo);
  await rawDataRoutes(app, raw, createProcessingService(deps, raw, products), (key, range) =>
    deps.blobs.get(key, range),
  );
  defineIndoorJobs(deps);
  await indoorRoutes(app, createIndoorService(deps));
  diskUsageRoutes(app, createDiskUsageService(deps));
  uploadSessionRoutes(app, createUploadSessionsService(deps, geo, products, importer));
}
