// GeoTIFF upload with progress: the file goes to /api/files, then becomes a data product of the chosen
// flight, whose processing job the product lists follow.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Ok } from '../../api/client';
import { FileUpload } from '../../ui/FileUpload';
import { Select } from '../../ui/ui';
import { DATA_TYPES, type DataType } from './api';

type Flight = Ok<'/api/projects/{id}/flights', 'get'>['results'][number];

export function Upload({ projectId, flights }: { projectId: number; flights: Flight[] }) {
  const [flightId, setFlightId] = useState('');
  const [type, setType] = useState<DataType>('ortho');
  const client = useQueryClient();
  const chosen = flightId || String(flights[0]?.id ?? '');
  if (flights.length === 0) return <p className="muted">Add a flight to upload its GeoTIFFs.</p>;
  return (
    <FileUpload
      title="Upload a GeoTIFF"
      label="GeoTIFF file"
      accept=".tif,.tiff,image/tiff"
      url="/api/files"
      fields={{ project_id: String(projectId) }}
      then={async (stored) => {
        await call(
          api.POST('/api/flights/{id}/data-products', {
            params: { path: { id: Number(chosen) } },
            body: { file_id: (stored as { id: number }).id, data_type: type },
          }),
        );
        await client.invalidateQueries({ queryKey: ['geo-products', projectId] });
      }}
    >
      {flights.length > 1 ? (
        <Select
          label="Flight"
          value={chosen}
          onChange={(e) => setFlightId(e.target.value)}
          options={flights.map((f) => ({
            value: String(f.id),
            label: `${f.acquisition_date} · ${f.sensor}`,
          }))}
        />
      ) : null}
      <Select
        label="Data type"
        value={type}
        onChange={(e) => setType(e.target.value as DataType)}
        options={DATA_TYPES.map((t) => ({ value: t, label: t }))}
      />
    </FileUpload>
  );
}
