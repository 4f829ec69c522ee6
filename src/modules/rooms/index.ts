// The rooms module (seed 001, NVEIL): chat with your data, the bot's answers live over WebSocket, dashboards
// of pinned answers shared by token, licenses and seats.
import websocket from '@fastify/websocket';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import type { StorageQuota } from '../files/index.ts';
import { createAnalysisEngine } from './engine/engine.ts';
import { licensesRoutes } from './licenses.routes.ts';
import { createLicenses } from './licenses.ts';
import { createLiveHub } from './live.ts';
import { createMessagesService } from './messages.service.ts';
import { createPanelResults } from './panel-results.ts';
import { createPanelsService } from './panels.service.ts';
import { createRoomData } from './room-data.ts';
import { roomsRoutes } from './rooms.routes.ts';
import { createRoomsService } from './rooms.service.ts';
import { wsRoutes } from './ws.routes.ts';

export { QUESTIONS } from './engine/analyst.ts';
export type { MessagesService } from './messages.service.ts';

export async function roomsModule(app: App, deps: Deps) {
  const { LLM_BASE_URL, LLM_API_KEY, LLM_MODEL, LLM_TIMEOUT_MS } = deps.config;
  const engine = createAnalysisEngine(
    LLM_BASE_URL && LLM_MODEL
      ? { baseUrl: LLM_BASE_URL, apiKey: LLM_API_KEY ?? null, model: LLM_MODEL, timeoutMs: LLM_TIMEOUT_MS }
      : null,
  );
  const hub = createLiveHub(deps.database, deps.listener, app.log);
  const licenses = createLicenses(deps);
  const rooms = createRoomsService(deps, licenses, (org, room, user) => hub.revoke(org, room, user));
  const roomData = createRoomData(deps);
  const messages = createMessagesService(deps, engine, hub, licenses, roomData, app.log);
  roomsRoutes(
    app,
    rooms,
    createPanelsService(deps, createPanelResults(engine, roomData), roomData, licenses),
    messages,
  );
  licensesRoutes(app, licenses);
  await app.register(async (scope: App) => {
    await scope.register(websocket, { options: { maxPayload: 64 * 1024 } });
    wsRoutes(scope, hub, messages, deps.authenticate);
  });
  hub.start();
  app.addHook('onClose', async () => {
    hub.stop();
    await messages.idle();
    await engine.close();
  });
  // Uploads (the files module) count against the plan's storage limit.
  const storageQuota: StorageQuota = (tx, organizationId, bytes) =>
    licenses.assertStorageAllowed(tx, organizationId, bytes);
  return { messages, storageQuota };
}
