// A project's flights: filtered by acquisition dates and sensor, paged; a new flight (pilot from the project's
// members, optional campaign) for owners and managers. Each flight opens its page with its data products.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { personName } from '../../hooks';
import { FormPanel, useDraft } from '../../ui/FormPanel';
import { type Column, PagedTable, useFilters } from '../../ui/PagedTable';
import { Field, Select } from '../../ui/ui';
import {
  type Campaign,
  choices,
  type Flight,
  flightName,
  SENSORS,
  type Sensor,
  useProjectMembers,
} from './api';

const PAGE_SIZE = 25;
/** The flight's number fields: key, label, least and greatest value (the API's bounds). */
const NUMBERS = [
  ['altitude', 'Altitude (m)', 0.1, 10000],
  ['side', 'Side overlap (%)', 0, 99.9],
  ['forward', 'Forward overlap (%)', 0, 99.9],
] as const;

function FlightForm({
  projectId,
  campaigns,
  onDone,
}: {
  projectId: number;
  campaigns: Campaign[];
  onDone: () => void;
}) {
  const client = useQueryClient();
  const members = useProjectMembers(projectId);
  const {
    draft: d,
    set,
    bind,
  } = useDraft({
    name: '',
    campaign: '',
    date: new Date().toISOString().slice(0, 10),
    altitude: '40',
    side: '70',
    forward: '80',
    sensor: 'RGB' as Sensor,
    platform: '',
    pilot: '',
  });
  const people = members.data?.results ?? [];
  const pilot = d.pilot || String(people[0]?.user.id ?? '');
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/projects/{id}/flights', {
          params: { path: { id: projectId } },
          body: {
            ...(d.name.trim() ? { name: d.name.trim() } : {}),
            ...(d.campaign ? { campaign_id: Number(d.campaign) } : {}),
            acquisition_date: d.date,
            altitude: Number(d.altitude),
            side_overlap: Number(d.side),
            forward_overlap: Number(d.forward),
            sensor: d.sensor,
            platform: d.platform.trim(),
            pilot_id: Number(pilot),
          },
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['geo-flights', projectId] });
      onDone();
    },
  });
  return (
    <FormPanel
      title="New flight"
      onSubmit={() => create.mutate()}
      error={create.error ?? members.error}
      pending={create.isPending}
      submitLabel="Create flight"
      onCancel={onDone}
    >
      <div className="row">
        <Field label="Name" maxLength={255} {...bind('name')} />
        <Field label="Acquisition date" type="date" required {...bind('date')} />
        <Select label="Sensor" {...bind('sensor')} options={SENSORS.map((s) => ({ value: s, label: s }))} />
        <Field label="Platform" required maxLength={255} placeholder="e.g. DJI M300" {...bind('platform')} />
      </div>
      <div className="row">
        {NUMBERS.map(([key, label, min, max]) => (
          <Field
            key={key}
            label={label}
            type="number"
            required
            min={min}
            max={max}
            step="any"
            {...bind(key)}
          />
        ))}
      </div>
      <div className="row">
        <Select
          label="Pilot"
          value={pilot}
          onChange={(e) => set('pilot', e.target.value)}
          options={people.map((m) => ({ value: String(m.user.id), label: personName(m.user) }))}
        />
        <Select
          label="Campaign"
          {...bind('campaign')}
          options={[
            { value: '', label: 'None' },
            ...campaigns.map((c) => ({ value: String(c.id), label: c.title })),
          ]}
        />
      </div>
    </FormPanel>
  );
}

export function Flights({
  projectId,
  manage,
  campaigns,
}: {
  projectId: number;
  manage: boolean;
  campaigns: Campaign[];
}) {
  const [creating, setCreating] = useState(false);
  const { filters, setFilter, page, setPage } = useFilters({ from: '', to: '', sensor: '' as Sensor | '' });
  const flights = useQuery({
    queryKey: ['geo-flights', projectId, 'list', filters, page],
    queryFn: () =>
      call(
        api.GET('/api/projects/{id}/flights', {
          params: {
            path: { id: projectId },
            query: {
              page,
              page_size: PAGE_SIZE,
              ...(filters.from ? { date_from: filters.from } : {}),
              ...(filters.to ? { date_to: filters.to } : {}),
              ...(filters.sensor ? { sensor: filters.sensor } : {}),
            },
          },
        }),
      ),
    placeholderData: (previous) => previous,
  });
  const campaignName = new Map(campaigns.map((c) => [c.id, c.title]));
  const columns: Column<Flight>[] = [
    { header: 'Flight', cell: (f) => <Link to={`/flights/${f.id}`}>{flightName(f)}</Link> },
    { header: 'Sensor', cell: (f) => `${f.sensor} · ${f.platform}` },
    { header: 'Altitude', cell: (f) => `${f.altitude} m` },
    { header: 'Overlap', cell: (f) => `${f.side_overlap}% / ${f.forward_overlap}%` },
    { header: 'Campaign', cell: (f) => (f.campaign_id ? (campaignName.get(f.campaign_id) ?? '—') : '—') },
    { header: 'State', cell: (f) => (f.read_only ? <span className="badge">Locked</span> : 'Open') },
  ];
  return (
    <section className="panel" aria-labelledby="flights-h">
      <h2 id="flights-h">Flights</h2>
      {manage && !creating ? (
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New flight
        </button>
      ) : null}
      {creating ? (
        <FlightForm projectId={projectId} campaigns={campaigns} onDone={() => setCreating(false)} />
      ) : null}
      <div className="toolbar">
        <Field
          label="From"
          type="date"
          value={filters.from}
          onChange={(e) => setFilter({ from: e.target.value })}
        />
        <Field
          label="To"
          type="date"
          value={filters.to}
          onChange={(e) => setFilter({ to: e.target.value })}
        />
        <Select
          label="Sensor filter"
          value={filters.sensor}
          onChange={(e) => setFilter({ sensor: e.target.value as Sensor | '' })}
          options={choices(SENSORS, 'All sensors')}
        />
      </div>
      <PagedTable
        query={flights}
        caption="Flights"
        loading="Loading flights"
        empty="No flights match."
        rowKey={(f) => f.id}
        columns={columns}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
    </section>
  );
}
