// The organization's rooms you belong to; create a chat or dashboard room (its share link is shown once).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, call, type Ok } from '../../api/client';
import { useCurrentOrg } from '../../session';
import { Empty, ErrorBox, Field, formatDate, Loading, PageHeader, Pager, Select } from '../../ui/ui';
import { shareUrl } from './api';
import './rooms.css';
import { ShareLink } from './ShareLink';

const PAGE_SIZE = 50;
type Created = Ok<'/api/rooms', 'post'>;

function NewRoom({ onCreated }: { onCreated: (room: Created) => void }) {
  const [name, setName] = useState('');
  const [type, setType] = useState<'CHAT' | 'DASHBOARD'>('CHAT');
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: () => call(api.POST('/api/rooms', { body: { name: name.trim(), type } })),
    onSuccess: (room) => {
      setName('');
      onCreated(room);
      return client.invalidateQueries({ queryKey: ['rooms'] });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="toolbar" onSubmit={onSubmit} aria-label="New room">
      <Field
        label="Room name"
        required
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <Select
        label="Kind"
        value={type}
        onChange={(e) => setType(e.target.value as 'CHAT' | 'DASHBOARD')}
        options={[
          { value: 'CHAT', label: 'Chat' },
          { value: 'DASHBOARD', label: 'Dashboard' },
        ]}
      />
      <button type="submit" className="primary" disabled={!name.trim() || create.isPending}>
        Create room
      </button>
      <ErrorBox error={create.error} />
    </form>
  );
}

export default function Rooms() {
  const { org } = useCurrentOrg();
  const [page, setPage] = useState(1);
  const [created, setCreated] = useState<Created | null>(null);
  const rooms = useQuery({
    queryKey: ['rooms', org?.id, page],
    queryFn: () => call(api.GET('/api/rooms', { params: { query: { page, page_size: PAGE_SIZE } } })),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
  });
  return (
    <>
      <PageHeader title="Rooms" />
      <p className="muted">
        Chat with your data: add files to a room, ask questions, pin answers to a dashboard.
      </p>
      <NewRoom onCreated={setCreated} />
      {created ? (
        <>
          <p className="notice" role="status">
            Room “{created.name}” created. <Link to={`/rooms/${created.id}`}>Open it</Link>.
          </p>
          <ShareLink url={shareUrl(created.token)} />
        </>
      ) : null}
      <ErrorBox error={rooms.error} />
      {rooms.isLoading ? <Loading what="Loading rooms" /> : null}
      {rooms.data?.count === 0 ? <Empty>No rooms yet. Create one above.</Empty> : null}
      {rooms.data?.count ? (
        <ul className="cards">
          {rooms.data.results.map((r) => (
            <li key={r.id} className="card">
              <div className="card-head">
                <h2>
                  <Link to={`/rooms/${r.id}`}>{r.name}</Link>
                </h2>
                <span className="badge">{r.type === 'DASHBOARD' ? 'Dashboard' : 'Chat'}</span>
              </div>
              <p className="muted small">
                {r.role
                  ? `You are ${r.role === 'OWNER' ? 'an owner' : 'a member'}`
                  : 'Visible to administrators'}
                {' · '}updated {formatDate(r.updated_at)}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      {rooms.data ? (
        <Pager page={page} pageSize={PAGE_SIZE} count={rooms.data.count} onPage={setPage} />
      ) : null}
    </>
  );
}
