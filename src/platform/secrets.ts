// The server secret signs access tokens and derives Label Studio legacy tokens. SECRET_KEY when set (every
// process of a deployment must share it); otherwise a random key kept in DATA_DIR/secret.key, created once.
import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { StartupError } from './errors.ts';

export interface Secrets {
  jwtKey: Uint8Array;
  legacyTokenKey: Buffer;
  /** Encrypts secrets the server must read back (webhook signing secrets) at rest. */
  dataKey: Buffer;
}

function stored(dataDir: string): string {
  const file = path.join(path.resolve(dataDir), 'secret.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const key = randomBytes(32).toString('hex');
    writeFileSync(file, `${key}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw new StartupError(`cannot create ${file}: ${(err as Error).message}; set SECRET_KEY instead`);
  }
}

export function loadSecrets(config: Config): Secrets {
  const master = config.SECRET_KEY ?? stored(config.DATA_DIR);
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', master, 'groundtruth', label, 32));
  return {
    jwtKey: new Uint8Array(derive('jwt-hs256')),
    legacyTokenKey: derive('legacy-api-token'),
    dataKey: derive('data-at-rest-aes-256-gcm'),
  };
}
