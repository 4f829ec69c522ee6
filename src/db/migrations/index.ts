// The ordered list of migrations. Static imports (no directory scan) so the list is explicit and typed.
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_roles.ts';
import * as m0002 from './0002_identity.ts';
import * as m0003 from './0003_tenancy.ts';
import * as m0004 from './0004_platform.ts';
import * as m0005 from './0005_identity_support.ts';
import * as m0006 from './0006_job_queue.ts';
import * as m0007 from './0007_search_indexes.ts';
import * as m0008 from './0008_annotation.ts';
import * as m0009 from './0009_blob_refs.ts';
import * as m0010 from './0010_photos.ts';
import * as m0013 from './0013_dm_filters.ts';
import * as m0014 from './0014_change_notices.ts';
import * as m0015 from './0015_rooms.ts';
import * as m0016 from './0016_geodata.ts';
import * as m0017 from './0017_ml.ts';
import * as m0018 from './0018_storages.ts';
import * as m0019 from './0019_groups.ts';
import * as m0020 from './0020_orders.ts';
import * as m0021 from './0021_geodata_serving.ts';
import * as m0022 from './0022_indoor_rows.ts';
import * as m0023 from './0023_processing_runs.ts';
import * as m0024 from './0024_tasks_indexes.ts';
import * as m0026 from './0026_onboarding.ts';
import * as m0027 from './0027_scope_member_check.ts';
import * as m0028 from './0028_tasks_parent_checks.ts';

export const migrations: Record<string, Migration> = {
  '0001_roles': m0001,
  '0002_identity': m0002,
  '0003_tenancy': m0003,
  '0004_platform': m0004,
  '0005_identity_support': m0005,
  '0006_job_queue': m0006,
  '0007_search_indexes': m0007,
  '0008_annotation': m0008,
  '0009_blob_refs': m0009,
  '0010_photos': m0010,
  '0013_dm_filters': m0013,
  '0014_change_notices': m0014,
  '0015_rooms': m0015,
  '0016_geodata': m0016,
  '0017_ml': m0017,
  '0018_storages': m0018,
  '0019_groups': m0019,
  '0020_orders': m0020,
  '0021_geodata_serving': m0021,
  '0022_indoor_rows': m0022,
  '0023_processing_runs': m0023,
  '0024_tasks_indexes': m0024,
  '0026_onboarding': m0026,
  '0027_scope_member_check': m0027,
  '0028_tasks_parent_checks': m0028,
};
