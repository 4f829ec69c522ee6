// The files module: resumable (tus) and plain uploads into the blob store, and the files they become.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';

export async function filesModule(_app: App, _deps: Deps): Promise<void> {}
