// Queries of the rooms screens, and the live feed of a room's messages over WebSocket /api/ws.
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, call, type Ok } from '../../api/client';

export type Room = Ok<'/api/rooms/{id}', 'get'>;
export type Message = Ok<'/api/rooms/{id}/messages', 'get'>['results'][number];
export type Panel = Ok<'/api/rooms/{id}/panels/{panel_id}', 'get'>;
export type RoomFile = Ok<'/api/rooms/{id}/files', 'get'>[number];
export type ResultTable = NonNullable<Message['table']>;
export type Layout = Panel['layout'];

export function useRoom(id: number) {
  return useQuery({
    queryKey: ['room', id],
    queryFn: () => call(api.GET('/api/rooms/{id}', { params: { path: { id } } })),
    enabled: Number.isInteger(id) && id > 0,
  });
}

const messagesKey = (roomId: number) => ['room-messages', roomId] as const;

/** Every message of the room in id order (paged forward until the end), kept current by the live feed. */
export function useMessages(roomId: number) {
  return useQuery({
    queryKey: messagesKey(roomId),
    queryFn: async () => {
      const all: Message[] = [];
      let after = 0;
      for (;;) {
        const page = await call(
          api.GET('/api/rooms/{id}/messages', {
            params: { path: { id: roomId }, query: { after, limit: 200 } },
          }),
        );
        all.push(...page.results);
        if (page.next_after === null) return all;
        after = page.next_after;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Puts a message into the room's list: a new one at its place by id, an edited or deleted one in place. */
export function mergeMessage(client: QueryClient, message: Message): void {
  client.setQueryData<Message[]>(messagesKey(message.room), (list) => {
    if (!list) return list;
    const at = list.findIndex((m) => m.id === message.id);
    if (at >= 0) return list.map((m) => (m.id === message.id ? message : m));
    return [...list, message].sort((a, b) => a.id - b.id);
  });
}

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Subscribes to the room on /api/ws (authenticated by the session cookie sent with the upgrade), asks for what
 * it missed since the last message it holds, and reconnects with a growing pause when the connection drops.
 */
export function useLiveRoom(roomId: number): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    let socket: WebSocket | null = null;
    let stopped = false;
    let retry = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const lastId = () => client.getQueryData<Message[]>(messagesKey(roomId))?.at(-1)?.id ?? 0;

    const connect = () => {
      const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/ws`;
      socket = new WebSocket(url);
      setState('connecting');
      socket.onopen = () => socket?.send(JSON.stringify({ type: 'auth' }));
      socket.onmessage = async (event) => {
        let frame: { type?: string; code?: string; message?: Message };
        try {
          frame = JSON.parse(String(event.data));
        } catch {
          return;
        }
        if (frame.type === 'ready') {
          socket?.send(JSON.stringify({ type: 'subscribe', room_id: roomId, after: lastId() }));
        } else if (frame.type === 'subscribed') {
          retry = 0;
          setState('live');
        } else if (frame.type === 'message' && frame.message) {
          mergeMessage(client, frame.message);
        } else if (frame.type === 'error' && frame.code === 'unauthorized') {
          // The access cookie expired: renew the session through the API, then connect again.
          await fetch('/api/auth/refresh', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          }).catch(() => null);
          socket?.close();
        }
      };
      socket.onclose = () => {
        if (stopped) return;
        setState('offline');
        timer = setTimeout(connect, Math.min(10_000, 500 * 2 ** retry++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [roomId, client]);
  return state;
}

export function useSend(roomId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      call(api.POST('/api/rooms/{id}/messages', { params: { path: { id: roomId } }, body: { text } })),
    onSuccess: (message) => mergeMessage(client, message),
  });
}

export function usePanels(roomId: number) {
  return useQuery({
    queryKey: ['room-panels', roomId],
    queryFn: () =>
      call(
        api.GET('/api/rooms/{id}/panels', {
          params: { path: { id: roomId }, query: { page_size: 200 } },
        }),
      ),
  });
}

/** Pins a bot answer to the dashboard, below the panels already there. */
export function usePin(roomId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (message: Message) => {
      const panels = await client.fetchQuery({
        queryKey: ['room-panels', roomId],
        queryFn: () =>
          call(
            api.GET('/api/rooms/{id}/panels', {
              params: { path: { id: roomId }, query: { page_size: 200 } },
            }),
          ),
      });
      const bottom = Math.max(0, ...panels.results.map((p) => p.layout.y + p.layout.h));
      const name = (message.text.split('\n')[0] ?? '').slice(0, 120).trim() || `Answer ${message.id}`;
      return call(
        api.POST('/api/rooms/{id}/panels', {
          params: { path: { id: roomId } },
          body: { name, layout: { x: 0, y: bottom, w: 6, h: 5 }, config: { message_id: message.id } },
        }),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['room-panels', roomId] }),
  });
}

export const shareUrl = (token: string) =>
  `${window.location.origin}/shared/rooms/${encodeURIComponent(token)}`;
