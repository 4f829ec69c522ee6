// `npm run dev`: the API server (node --watch, restarts on change) and Vite's dev server with hot reload,
// which proxies /api to it. Open the address Vite prints (default http://localhost:5173).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createServer } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const apiPort = process.env.PORT ?? '8080';
const api = spawn(process.execPath, ['--watch', 'src/main.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PORT: apiPort, PUBLIC_URL: process.env.PUBLIC_URL ?? 'http://localhost:5173' },
});
process.env.API_URL ??= `http://localhost:${apiPort}`;
const vite = await createServer({ configFile: path.join(root, 'web/vite.config.ts') });
await vite.listen();
vite.printUrls();

const stop = async () => {
  api.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
api.on('exit', (code) => {
  if (code !== null && code !== 0) console.error(`API server exited with ${code}`);
});
