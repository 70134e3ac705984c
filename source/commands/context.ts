import {UsageError} from '../core/errors.js';
import type {HttpClient} from '../core/http.js';
import type {SavedServer, ServerStore} from '../store/types.js';
import type {Output} from './output.js';

/** Everything a subcommand gets from cli.ts: the only place that touches `process`. */
export type CommandContext = {
	readonly output: Output;
	readonly http: HttpClient;
	readonly env: NodeJS.ProcessEnv;
	readonly signal: AbortSignal;
	readonly openStore: () => Promise<ServerStore>;
};

/** A saved server by name or URL, or a usage error that lists what is saved. */
export function requireServer(store: ServerStore, nameOrUrl: string | undefined, command: string): SavedServer {
	if (nameOrUrl === undefined) {
		throw new UsageError(`${command} needs a saved server`, `mcp-auth-wizard ${command} <name or URL>; see saved servers with \`mcp-auth-wizard list\`.`);
	}

	const server = store.find(nameOrUrl);
	if (!server) {
		const names = store.list().map(saved => saved.name);
		throw new UsageError(`No saved server "${nameOrUrl}"`, names.length > 0 ? `Saved servers: ${names.join(', ')}.` : 'Nothing is saved yet: log in first with `mcp-auth-wizard login <url>`.');
	}

	return server;
}
