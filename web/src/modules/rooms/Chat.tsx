// The conversation: questions and the bot's answers (text, the SQL it ran, a result table, a Vega-Lite chart),
// arriving live. A bot answer with a table or chart can be pinned to the room's dashboard.
import { useEffect, useRef, useState } from 'react';
import { ErrorBox, formatDate, Loading } from '../../ui/ui';
import { type LiveState, type Message, useMessages, usePin, useSend } from './api';
import { ResultTable } from './ResultTable';
import { VegaChart } from './VegaChart';

const LIVE_LABEL: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline, reconnecting…',
};

function BotAnswer({ message, roomId, canPin }: { message: Message; roomId: number; canPin: boolean }) {
  const pin = usePin(roomId);
  const [pinned, setPinned] = useState(false);
  return (
    <>
      {message.error ? <p className="error small">{message.error}</p> : null}
      {message.chart ? (
        <VegaChart spec={message.chart} title={`Chart: ${message.text.slice(0, 80)}`} />
      ) : null}
      {message.table ? (
        <ResultTable table={message.table} caption={`Result of answer ${message.id}`} />
      ) : null}
      {message.sql ? (
        <details className="rm-sql">
          <summary>SQL</summary>
          <pre>{message.sql}</pre>
        </details>
      ) : null}
      {canPin && (message.chart || message.table) ? (
        <div className="actions">
          <button
            type="button"
            className="small"
            disabled={pin.isPending || pinned}
            onClick={() => pin.mutate(message, { onSuccess: () => setPinned(true) })}
          >
            {pinned ? 'Pinned to the dashboard' : 'Pin to dashboard'}
          </button>
        </div>
      ) : null}
      <ErrorBox error={pin.error} />
    </>
  );
}

function Bubble({ message, roomId, canPin }: { message: Message; roomId: number; canPin: boolean }) {
  const bot = message.kind === 'bot';
  return (
    <li className={bot ? 'rm-msg rm-bot' : 'rm-msg rm-user'} aria-label={bot ? 'Answer' : 'Question'}>
      <div className="rm-meta muted small">
        {bot ? 'Analyst' : 'You asked'} · {formatDate(message.created_at)}
        {message.edited_at ? ' · edited' : ''}
      </div>
      {message.deleted ? (
        <p className="muted">This message was deleted.</p>
      ) : (
        <>
          <p className="rm-text">{message.text}</p>
          {bot ? <BotAnswer message={message} roomId={roomId} canPin={canPin} /> : null}
        </>
      )}
    </li>
  );
}

export function Chat({ roomId, live, canPin }: { roomId: number; live: LiveState; canPin: boolean }) {
  const messages = useMessages(roomId);
  const send = useSend(roomId);
  const [text, setText] = useState('');
  const end = useRef<HTMLDivElement>(null);
  const list = messages.data ?? [];
  const last = list.at(-1);
  const waiting = last?.kind === 'user' && !last.deleted;

  useEffect(() => {
    if (last) end.current?.scrollIntoView({ block: 'end' });
  }, [last]);

  const onSubmit = (e: { preventDefault(): void }) => {
    e.preventDefault();
    const q = text.trim();
    if (q) send.mutate(q, { onSuccess: () => setText('') });
  };

  return (
    <section className="panel rm-chat" aria-labelledby="rm-chat-h">
      <div className="card-head">
        <h2 id="rm-chat-h">Chat</h2>
        <span className={`badge rm-live-${live}`} role="status">
          {LIVE_LABEL[live]}
        </span>
      </div>
      <ErrorBox error={messages.error} />
      {messages.isLoading ? <Loading what="Loading messages" /> : null}
      {messages.data && list.length === 0 ? (
        <p className="muted">
          No messages yet. Add a CSV, TSV, Parquet or JSON file, then ask, for example, “columns”, “count by
          region” or “average amount by region”.
        </p>
      ) : null}
      <ol className="rm-messages" aria-live="polite" aria-relevant="additions">
        {list.map((m) => (
          <Bubble key={m.id} message={m} roomId={roomId} canPin={canPin} />
        ))}
      </ol>
      {waiting ? <Loading what="The analyst is answering" /> : null}
      <div ref={end} />
      <form className="rm-ask" onSubmit={onSubmit} aria-label="Ask a question">
        <label htmlFor="rm-question" className="visually-hidden">
          Question
        </label>
        <textarea
          id="rm-question"
          rows={2}
          maxLength={20000}
          placeholder="Ask about the room's data"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) onSubmit(e);
          }}
        />
        <button type="submit" className="primary" disabled={!text.trim() || send.isPending}>
          Ask
        </button>
      </form>
      <ErrorBox error={send.error} />
    </section>
  );
}
