import type {ClientCredentials} from '../core/client.js';
import type {AuthorizationServerMetadata} from '../core/metadata.js';
import type {RegistrationResult} from '../core/registration.js';
import type {TokenSet} from '../core/tokens.js';
import type {SavedServer, ServerStore} from './types.js';
import {sameResource} from '../core/urls.js';

/** What a finished login leaves to save. */
export type LoginOutcome = {
	readonly mcpUrl: string;
	readonly resource: string;
	readonly issuer: string;
	readonly metadata: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	readonly registration?: RegistrationResult;
	readonly scopes: readonly string[];
	readonly tokens: TokenSet;
};

/** A name for a new server: its host, made unique among the saved ones. */
export function uniqueServerName(store: ServerStore, mcpUrl: string): string {
	const base = new URL(mcpUrl).hostname;
	const taken = (name: string) => store.list().some(server => server.name === name && !sameResource(server.mcpUrl, mcpUrl));
	let name = base;
	for (let n = 2; taken(name); n++) name = `${base}-${n}`;
	return name;
}

/**
 * Saves a login, keyed by MCP URL: a new login replaces the old one's client and tokens but keeps its
 * name (unless one is given) and creation time.
 */
export function saveLogin(store: ServerStore, outcome: LoginOutcome, name?: string): SavedServer {
	const now = new Date().toISOString();
	const previous = store.find(outcome.mcpUrl);
	const server: SavedServer = {
		name: name ?? previous?.name ?? uniqueServerName(store, outcome.mcpUrl),
		mcpUrl: outcome.mcpUrl,
		resource: outcome.resource,
		issuer: outcome.issuer,
		authorizationServer: outcome.metadata,
		client: outcome.client,
		registration: outcome.registration && {request: outcome.registration.request, response: outcome.registration.response, registeredAt: now},
		scopes: outcome.scopes,
		tokens: outcome.tokens,
		createdAt: previous?.createdAt ?? now,
		updatedAt: now,
	};
	store.save(server);
	return server;
}
