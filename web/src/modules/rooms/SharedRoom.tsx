// A room shared by its token, read-only and without an account: the dashboard's panels and, for a chat room,
// its latest answers. Outside the signed-in shell.
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, call } from '../../api/client';
import { Empty, ErrorBox, Loading, usePageTitle } from '../../ui/ui';
import { PanelGrid } from './PanelGrid';
import './rooms.css';
import { ResultTable } from './ResultTable';
import { VegaChart } from './VegaChart';

export default function SharedRoom() {
  const token = useParams().token ?? '';
  const shared = useQuery({
    queryKey: ['shared-room', token],
    queryFn: () =>
      call(api.GET('/api/shared/rooms/{room_token}', { params: { path: { room_token: token } } })),
    retry: false,
  });
  const data = shared.data;
  usePageTitle(data ? data.room.name : 'Shared dashboard');
  const answers = (data?.messages ?? []).filter((m) => m.kind === 'bot' && !m.deleted);
  return (
    <div className="rm-shared">
      <header className="topbar">
        <span className="brand">Groundtruth</span>
        <span className="muted">Shared read-only view</span>
      </header>
      <main id="main" className="content rm-shared-main">
        {shared.isLoading ? <Loading what="Loading the shared dashboard" /> : null}
        <ErrorBox error={shared.error} />
        {data ? (
          <>
            <h1>{data.room.name}</h1>
            {data.panels.length ? (
              <PanelGrid panels={data.panels} editable={false} />
            ) : answers.length === 0 ? (
              <Empty>Nothing has been pinned to this dashboard yet.</Empty>
            ) : null}
            {answers.length ? (
              <section aria-labelledby="rm-answers-h">
                <h2 id="rm-answers-h">Latest answers</h2>
                <ul className="rm-messages">
                  {answers.map((m) => (
                    <li key={m.id} className="rm-msg rm-bot">
                      <p className="rm-text">{m.text}</p>
                      {m.chart ? <VegaChart spec={m.chart} title={`Chart: ${m.text.slice(0, 80)}`} /> : null}
                      {m.table ? <ResultTable table={m.table} caption={`Result of answer ${m.id}`} /> : null}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
          </>
        ) : null}
      </main>
    </div>
  );
}
