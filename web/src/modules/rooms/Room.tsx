// One room: the chat with its files beside it, or the dashboard; owners can make a read-only share link.
import { useMutation } from '@tanstack/react-query';
import { Link, NavLink, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { ErrorBox, Loading, PageHeader } from '../../ui/ui';
import { shareUrl, useLiveRoom, useRoom } from './api';
import './rooms.css';
import { Chat } from './Chat';
import { Dashboard } from './Dashboard';
import { FilesPanel } from './FilesPanel';
import { ShareLink } from './ShareLink';

function Share({ roomId }: { roomId: number }) {
  const rotate = useMutation({
    mutationFn: () => call(api.POST('/api/rooms/{id}/token', { params: { path: { id: roomId } } })),
  });
  return (
    <>
      <button
        type="button"
        disabled={rotate.isPending}
        onClick={() => {
          // The link shown when the room was made may be in use: say what a new one does.
          if (window.confirm('A new link stops the previous one from working. Make a new link?'))
            rotate.mutate();
        }}
      >
        New share link
      </button>
      {rotate.data ? <ShareLink url={shareUrl(rotate.data.token)} /> : null}
      <ErrorBox error={rotate.error} />
    </>
  );
}

export default function RoomPage({ view }: { view: 'chat' | 'dashboard' }) {
  const id = Number(useParams().id);
  const room = useRoom(id);
  const live = useLiveRoom(id);
  if (!Number.isInteger(id) || id <= 0) return <ErrorBox error={new Error('This is not a room address.')} />;
  const role = room.data?.role ?? null;
  const owner = role === 'OWNER';
  return (
    <>
      <p className="breadcrumb">
        <Link to="/rooms">Rooms</Link>
      </p>
      {room.isLoading ? <Loading what="Loading the room" /> : null}
      <ErrorBox error={room.error} />
      {room.data ? (
        <>
          <PageHeader title={room.data.name}>
            <span className="badge">{room.data.type === 'DASHBOARD' ? 'Dashboard' : 'Chat'}</span>
          </PageHeader>
          <nav className="rm-tabs" aria-label="Room views">
            <NavLink to={`/rooms/${id}`} end>
              Chat
            </NavLink>
            <NavLink to={`/rooms/${id}/dashboard`}>Dashboard</NavLink>
          </nav>
          {owner ? <Share roomId={id} /> : null}
          {view === 'chat' ? (
            <div className="rm-layout">
              <Chat roomId={id} live={live} canPin={owner} />
              <FilesPanel roomId={id} canEdit={role !== null} />
            </div>
          ) : (
            <Dashboard roomId={id} canManage={owner} />
          )}
        </>
      ) : null}
    </>
  );
}
