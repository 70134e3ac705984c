import type {ClientCredentials} from '../core/client.js';
import type {Exchange} from '../core/http.js';
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
	/** The login's HTTP exchanges, already redacted. */
	readonly trace?: readonly Exchange[];
};

/** Enough of a login's trace for the details view; bodies are cut, as a trace may hold large answers. */
function keptTrace(trace: readonly Exchange[] | undefined): readonly Exchange[] | undefined {
	if (!trace) return undefined;
	const cut = (body: string | undefined) => (body !== undefined && body.length > 4096 ? `${body.slice(0, 4096)}…` : body);
	return trace.slice(-40).map(exchange => ({
		...exchange,
		request: {...exchange.request, body: cut(exchange.request.body)},
		response: exchange.response && {...exchange.response, body: cut(exchange.response.body) ?? ''},
	}));
}

/** A name for a new server: its host, made unique among the saved ones (as `store.list()` reads them now). */
export function uniqueServerName(store: ServerStore, mcpUrl: string): string {
	const base = new URL(mcpUrl).hostname;
	const saved = store.list();
	const taken = (name: string) => saved.some(server => server.name === name && !sameResource(server.mcpUrl, mcpUrl));
	let name = base;
	for (let n = 2; taken(name); n++) name = `${base}-${n}`;
	return name;
}

/**
 * The saved form of a login: a new login replaces the old one's client and tokens but keeps its name
 * (unless one is given), creation time and, for the same client, its registration.
 */
export function savedServerOf(store: ServerStore, outcome: LoginOutcome, previous: SavedServer | undefined, name?: string): SavedServer {
	const now = new Date().toISOString();
	return {
		name: name ?? previous?.name ?? uniqueServerName(store, outcome.mcpUrl),
		mcpUrl: outcome.mcpUrl,
		resource: outcome.resource,
		issuer: outcome.issuer,
		authorizationServer: outcome.metadata,
		client: outcome.client,
		// A client logged in with again (re-authorization) keeps the registration it had.
		registration: outcome.registration
			? {request: outcome.registration.request, response: outcome.registration.response, registeredAt: now}
			: previous?.client?.clientId === outcome.client.clientId
				? previous.registration
				: undefined,
		scopes: outcome.scopes,
		tokens: outcome.tokens,
		lastLoginTrace: keptTrace(outcome.trace) ?? previous?.lastLoginTrace,
		createdAt: previous?.createdAt ?? now,
		updatedAt: now,
	};
}

/**
 * Saves a login, keyed by MCP URL (see savedServerOf). All of it in one locked update, so the name
 * and creation time kept, and the unique name chosen, are those on disk at that moment, not when the
 * store was opened (another process may have saved since).
 */
export async function saveLogin(store: ServerStore, outcome: LoginOutcome, name?: string): Promise<SavedServer> {
	let server: SavedServer | undefined;
	await store.update(outcome.mcpUrl, previous => {
		server = savedServerOf(store, outcome, previous, name);
		return server;
	});
	// `update` resolved, so `change` ran and set it.
	return server!;
}
