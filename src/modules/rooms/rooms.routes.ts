// /api/rooms, members, files, panels, messages; /api/shared/rooms/{token}. Thin: schema in, service call,
// schema out.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { MessagesService } from './messages.service.ts';
import type { PanelsService } from './panels.service.ts';
import * as S from './rooms.schemas.ts';
import type { RoomsService } from './rooms.service.ts';

const tags = ['rooms'];

export function roomsRoutes(
  app: App,
  rooms: RoomsService,
  panels: PanelsService,
  messages: MessagesService,
): void {
  app.post(
    '/api/rooms',
    {
      schema: {
        tags,
        summary:
          'Create a chat or dashboard room (you become its OWNER); the answer carries its share token once',
        body: S.RoomCreate,
        response: { 201: S.RoomWithToken, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await rooms.create(actorOf(request), request.body)),
  );
  app.get(
    '/api/rooms',
    {
      schema: {
        tags,
        summary: 'Rooms you are a member of (all rooms for organization owners and admins), newest first',
        querystring: S.RoomListQuery,
        response: { 200: Paged(S.Room), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await rooms.list(actorOf(request), { type: request.query.type }, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/rooms/:id',
    {
      schema: {
        tags,
        summary: 'One room',
        params: IdParams,
        response: { 200: S.Room, ...errors(400, 401, 404) },
      },
    },
    async (request) => rooms.get(actorOf(request), request.params.id),
  );
  app.patch(
    '/api/rooms/:id',
    {
      schema: {
        tags,
        summary: 'Rename a room or change its type',
        params: IdParams,
        body: S.RoomUpdate,
        response: { 200: S.Room, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => rooms.update(actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/rooms/:id',
    {
      schema: {
        tags,
        summary: 'Delete a room with its messages and panels (its files stay)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await rooms.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/rooms/:id/token',
    {
      schema: {
        tags,
        summary: 'Issue a new share token (the old one stops working)',
        params: IdParams,
        response: { 201: S.TokenAnswer, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await rooms.rotateToken(actorOf(request), request.params.id)),
  );

  app.get(
    '/api/rooms/:id/members',
    {
      schema: {
        tags,
        summary: "The room's members",
        params: IdParams,
        querystring: S.PageQuery,
        response: { 200: Paged(S.Member), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await rooms.members(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    '/api/rooms/:id/members',
    {
      schema: {
        tags,
        summary: 'Add a member of the organization to the room (or change their role); takes a license seat',
        params: IdParams,
        body: S.MemberAdd,
        response: { 201: S.Member, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await rooms.addMember(
            actorOf(request),
            request.params.id,
            request.body.user_id,
            request.body.role ?? 'MEMBER',
          ),
        ),
  );
  app.delete(
    '/api/rooms/:id/members/:user_id',
    {
      schema: {
        tags,
        summary: 'Remove a member (the OWNER), or leave the room (yourself)',
        params: S.RoomMemberParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await rooms.removeMember(actorOf(request), request.params.id, request.params.user_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/rooms/:id/files',
    {
      schema: {
        tags,
        summary:
          'Datasets attached to the room, each with its companion files and the table name the bot reads',
        params: IdParams,
        response: { 200: Type.Array(S.RoomFile, { maxItems: 1000 }), ...errors(400, 401, 404) },
      },
    },
    async (request) => rooms.files(actorOf(request), request.params.id),
  );
  app.post(
    '/api/rooms/:id/files',
    {
      schema: {
        tags,
        summary: 'Attach a dataset (a main file from POST /api/files; its companions come with it)',
        params: IdParams,
        body: S.AttachFile,
        response: { 201: S.RoomFile, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await rooms.attach(
            actorOf(request),
            request.params.id,
            request.body.file_id,
            request.body.panel_id ?? null,
          ),
        ),
  );
  app.delete(
    '/api/rooms/:id/files/:file_id',
    {
      schema: {
        tags,
        summary: 'Detach a dataset from the room (the file itself stays)',
        params: S.RoomFileParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await rooms.detach(actorOf(request), request.params.id, request.params.file_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/rooms/:id/messages',
    {
      schema: {
        tags,
        summary: 'Messages in order, paged forward by id (?after=): deleted ones keep their place, emptied',
        params: IdParams,
        querystring: S.MessageListQuery,
        response: { 200: S.MessagePage, ...errors(400, 401, 404) },
      },
    },
    async (request) =>
      messages.list(actorOf(request), request.params.id, request.query.after ?? 0, request.query.limit ?? 50),
  );
  app.post(
    '/api/rooms/:id/messages',
    {
      schema: {
        tags,
        summary: 'Ask a question: answers 201 with your message; the bot answer follows as its own message',
        params: IdParams,
        body: S.MessageText,
        response: { 201: S.Message, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await messages.post(actorOf(request), request.params.id, request.body.text)),
  );
  app.patch(
    '/api/rooms/:id/messages/:message_id',
    {
      schema: {
        tags,
        summary: 'Edit your own message',
        params: S.MessageParams,
        body: S.MessageText,
        response: { 200: S.Message, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      messages.edit(actorOf(request), request.params.id, request.params.message_id, request.body.text),
  );
  app.delete(
    '/api/rooms/:id/messages/:message_id',
    {
      schema: {
        tags,
        summary: 'Delete your own message (it keeps its place, emptied)',
        params: S.MessageParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await messages.remove(actorOf(request), request.params.id, request.params.message_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/rooms/:id/panels',
    {
      schema: {
        tags,
        summary: "The dashboard's panels",
        params: IdParams,
        querystring: S.PageQuery,
        response: { 200: Paged(S.Panel), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await panels.panels(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    '/api/rooms/:id/panels',
    {
      schema: {
        tags,
        summary: 'Add a panel (config.message_id pins a bot answer)',
        params: IdParams,
        body: S.PanelCreate,
        response: { 201: S.Panel, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await panels.createPanel(actorOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/rooms/:id/panels/:panel_id',
    {
      schema: {
        tags,
        summary: 'One panel',
        params: S.PanelParams,
        response: { 200: S.Panel, ...errors(400, 401, 404) },
      },
    },
    async (request) => panels.panel(actorOf(request), request.params.id, request.params.panel_id),
  );
  app.patch(
    '/api/rooms/:id/panels/:panel_id',
    {
      schema: {
        tags,
        summary: 'Move, resize, rename a panel or edit its chart spec',
        params: S.PanelParams,
        body: S.PanelUpdate,
        response: { 200: S.Panel, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      panels.updatePanel(actorOf(request), request.params.id, request.params.panel_id, request.body),
  );
  app.delete(
    '/api/rooms/:id/panels/:panel_id',
    {
      schema: {
        tags,
        summary: 'Delete a panel',
        params: S.PanelParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await panels.removePanel(actorOf(request), request.params.id, request.params.panel_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/shared/rooms/:room_token',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'A shared room or dashboard, read-only, by its room token (no account needed)',
        params: S.SharedParams,
        response: { 200: S.SharedRoom, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return panels.shared(request.params.room_token);
    },
  );
}
