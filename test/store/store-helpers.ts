import {collectOutput} from '../helpers/run-cli.js';
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {SavedServer} from '../../source/store/types.js';

/** The built store, for child processes (tests run after `npm run build`, which builds it beside dist/, never packed). */
export const builtStore = fileURLToPath(new URL('../../.build/modules/store/conf-store.js', import.meta.url));
export const storeWorker = fileURLToPath(new URL('store-worker.mjs', import.meta.url));

/** A directory of its own for one test; `remove` deletes it. */
export function temporaryDirectory(): {readonly path: string; remove(): void} {
	const path = mkdtempSync(join(tmpdir(), 'maw-store-'));
	return {path, remove: () => rmSync(path, {recursive: true, force: true})};
}

export function savedServer(mcpUrl: string, overrides: Partial<SavedServer> = {}): SavedServer {
	return {
		name: new URL(mcpUrl).hostname,
		mcpUrl,
		resource: mcpUrl,
		issuer: 'https://auth.example',
		authorizationServer: {issuer: 'https://auth.example', token_endpoint: 'https://auth.example/token'},
		client: {clientId: 'client-1', authMethod: 'none', source: 'registration'},
		scopes: ['mcp'],
		tokens: {accessToken: 'access-token-0123456789', tokenType: 'Bearer', refreshToken: 'refresh-token-0123456789', obtainedAt: '2025-01-01T00:00:00.000Z'},
		createdAt: '2025-01-01T00:00:00.000Z',
		updatedAt: '2025-01-01T00:00:00.000Z',
		...overrides,
	};
}

/** The store directory's entries other than the file itself (lock directories, temporary files, files moved aside). */
export const leftovers = (home: string) => readdirSync(home).filter(name => name !== 'servers.json');

export type WorkerRun = {readonly code: number | null; readonly stdout: string; readonly stderr: string};

/**
 * Runs store-worker.mjs in its own node process. `fileSizeLimit: 0` runs it under `ulimit -f 0`:
 * every write to a file fails (EFBIG), also as root, where permissions cannot stop a write.
 */
export async function runWorker(args: readonly string[], options: {readonly fileSizeLimit?: 0} = {}): Promise<WorkerRun> {
	const command = [process.execPath, storeWorker, builtStore, ...args];
	const child =
		options.fileSizeLimit === 0
			? spawn('sh', ['-c', 'ulimit -f 0; exec "$@"', 'sh', ...command], {stdio: ['ignore', 'pipe', 'pipe']})
			: spawn(command[0]!, command.slice(1), {stdio: ['ignore', 'pipe', 'pipe']});
	return collectOutput(child);
}
