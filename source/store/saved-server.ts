import type {ClientCredentials} from '../core/client.js';
import type {Exchange} from '../core/http.js';
import type {AuthorizationServerMetadata} from '../core/metadata.js';
import type {RegistrationResult} from '../core/registration.js';
import type {IdentityProvider} from '../core/enterprise.js';
import type {LoginGrant, TokenSet} from '../core/tokens.js';
import type {SavedServer, ServerStore} from './types.js';
import {WizardError} from '../core/errors.js';
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
	readonly grant?: LoginGrant;
	/** jwt-bearer: the identity provider (never the ID token, which is not kept). */
	readonly identityProvider?: IdentityProvider;
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

/** A name for a new login: its host, made unique among the saved ones. */
export function uniqueServerName(servers: readonly SavedServer[], mcpUrl: string): string {
	const base = new URL(mcpUrl).hostname;
	const saved = new Set(servers.map(server => server.name));
	let name = base;
	for (let n = 2; saved.has(name); n++) name = `${base}-${n}`;
	return name;
}

/** The saved logins of an MCP server (one URL may hold several, each its own name). */
export function loginsOf(store: ServerStore, mcpUrl: string): SavedServer[] {
	return store.list().filter(server => sameResource(server.mcpUrl, mcpUrl));
}

/**
 * The saved form of a login under `name`: a login again replaces the previous one's client and tokens
 * but keeps its creation time and, for the same client, its registration.
 */
export function savedServerOf(outcome: LoginOutcome, previous: SavedServer | undefined, name: string): SavedServer {
	const now = new Date().toISOString();
	return {
		name,
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
		...(outcome.grant ? {grant: outcome.grant} : {}),
		...(outcome.identityProvider ? {identityProvider: outcome.identityProvider} : {}),
		tokens: outcome.tokens,
		lastLoginTrace: keptTrace(outcome.trace) ?? previous?.lastLoginTrace,
		createdAt: previous?.createdAt ?? now,
		updatedAt: now,
	};
}

/**
 * Saves a login as `name`, replacing that login of the same server; without a name, as a new login
 * named after the host. In one locked update: a name another server's login took meanwhile (another
 * process) is never overwritten; a name of our choosing is then chosen again, a given one refused.
 */
export async function saveLogin(store: ServerStore, outcome: LoginOutcome, name?: string): Promise<SavedServer> {
	for (;;) {
		const chosen = name ?? uniqueServerName(store.list(), outcome.mcpUrl);
		let server: SavedServer | undefined;
		let taken = false;
		await store.update(chosen, previous => {
			if (previous && (name === undefined || !sameResource(previous.mcpUrl, outcome.mcpUrl))) {
				if (name !== undefined) throw new WizardError('store', `Not saved: another saved login is called "${chosen}" (${previous.mcpUrl})`, 'Log in again with --name and a name of its own; see the saved ones with `mcp-auth-wizard list`.');
				taken = true;
				return previous;
			}

			server = savedServerOf(outcome, previous, chosen);
			return server;
		});
		// `update` resolved, so `change` ran: saved, or the name was taken since the list was read.
		if (!taken) return server!;
	}
}
