import {clientCredentialsTokens} from '../core/client-credentials.js';
import {WizardError} from '../core/errors.js';
import type {HttpClient} from '../core/http.js';
import {formatDuration} from '../core/text.js';
import {isRevokedGrant, refreshLeadMs, refreshTokens, summarizeTokens, type TokenSet} from '../core/tokens.js';
import {recordRefreshFailure, recordTokens} from './changes.js';
import {logInAgainCommand, renewable} from './status.js';
import type {SavedServer, ServerStore} from './types.js';

/** What the keeper did, for the caller to tell the user. */
export type TokenKeeperEvent =
	/** `why`: expired, expiring, refused by the MCP server, or asked for. */
	| {readonly type: 'refreshing'; readonly why: string; readonly tokenEndpoint: string}
	| {readonly type: 'refreshed'; readonly tokens: TokenSet}
	/** Another process refreshed while this one waited for its turn: its tokens are used. */
	| {readonly type: 'refreshed-elsewhere'; readonly tokens: TokenSet}
	/** Needed a refresh, but there is no refresh token (or no client): the user must log in again. */
	| {readonly type: 'cannot-refresh'; readonly why: string};

export type KeepOptions = {
	readonly http: HttpClient;
	readonly signal?: AbortSignal;
	readonly onEvent?: (event: TokenKeeperEvent) => void;
	/** The MCP server has just refused the access token (HTTP 401, RFC 6750 3.1 invalid_token). */
	readonly rejected?: boolean;
	/** Refresh now, whatever the expiry says (the refresh command, the token screen's r). */
	readonly force?: boolean;
	/** The refresh itself (core's refreshTokens unless a caller, or its test, provides another). */
	readonly refresh?: typeof refreshTokens;
	/** How to log in again once the refresh token was refused, as the caller words it; default: the reauthorize command. */
	readonly logInAgain?: string;
};

/** The saved tokens, or what to do without them: log in again. */
export function requireTokens(server: SavedServer, step: 'token' | 'mcp-check' = 'token'): TokenSet {
	if (!server.tokens) throw new WizardError(step, `${server.name} has no access token`, `Log in again: ${logInAgainCommand(server)}`);
	return server.tokens;
}

function noRefreshToken(server: SavedServer): WizardError {
	// An ID-JAG is had only for a new ID token (SEP-990): there is nothing to renew it with here.
	if (server.grant === 'jwt-bearer') return new WizardError('refresh', `${server.name} has no refresh token, and its token came from an ID-JAG that cannot be renewed without a new ID token`, `Log in again with a new ID token from the identity provider: ${logInAgainCommand(server)}`);
	return new WizardError('refresh', `${server.name} has no refresh token`, `Log in again: mcp-auth-wizard reauthorize ${server.name}${server.scopes.includes('offline_access') ? '' : ' (add offline_access to the scopes for a refresh token)'}`);
}

/** Why these tokens should not be used as they are, or undefined when they are good for a while. */
function whyRefresh(server: SavedServer, tokens: TokenSet, options: KeepOptions): string | undefined {
	if (options.force) return 'asked for';
	if (options.rejected) return `${server.mcpUrl} refused the access token of ${server.name} (HTTP 401)`;
	const {expiresInSeconds} = summarizeTokens(tokens, server.scopes);
	if (expiresInSeconds === undefined || expiresInSeconds * 1000 > refreshLeadMs(tokens)) return undefined;
	return expiresInSeconds <= 0 ? `The access token of ${server.name} expired ${formatDuration(-expiresInSeconds)} ago` : `The access token of ${server.name} expires in ${formatDuration(expiresInSeconds)}`;
}

/**
 * The one place that keeps a saved server's tokens fresh: hands back the server with an access token to
 * use now, refreshed first (RFC 6749 6, with `resource`, RFC 8707) when it has expired, expires within a
 * minute (a fifth of a shorter lifetime, see refreshLeadMs), was refused by the MCP server, or `force`. One refresh at a time per server across processes
 * (the store's `exclusively`): a process that waited finds the tokens another one saved meanwhile and
 * uses them, so a rotated refresh token is never sent twice. An `invalid_grant` clears the saved tokens
 * and keeps the client; any other failure keeps them. Without a refresh token the server is handed back
 * as it is (the MCP server's answer then says to log in again).
 */
export async function keepFresh(store: ServerStore, server: SavedServer, options: KeepOptions): Promise<{server: SavedServer; refreshed: boolean}> {
	const held = requireTokens(server);
	const why = whyRefresh(server, held, options);
	if (why === undefined) return {server, refreshed: false};
	// A client acting as itself has no refresh token: the same grant gives a new access token (RFC 6749 4.4.3).
	if (!renewable(server)) {
		options.onEvent?.({type: 'cannot-refresh', why});
		if (options.force) throw noRefreshToken(server);

		return {server, refreshed: false};
	}

	return store.exclusively(server.name, async () => {
		// Read again now that it is our turn: another process may have refreshed while we waited.
		const current = store.find(server.name) ?? server;
		const tokens = requireTokens(current);
		if (tokens.accessToken !== held.accessToken && whyRefresh(current, tokens, {...options, force: false, rejected: false}) === undefined) {
			options.onEvent?.({type: 'refreshed-elsewhere', tokens});
			return {server: current, refreshed: true};
		}

		const {client} = current;
		if (!client || (current.grant !== 'client_credentials' && tokens.refreshToken === undefined)) throw noRefreshToken(current);
		options.onEvent?.({type: 'refreshing', why, tokenEndpoint: current.authorizationServer.token_endpoint ?? '?'});
		let fresh: TokenSet;
		try {
			const common = {http: options.http, metadata: current.authorizationServer, client, resource: current.resource, signal: options.signal};
			fresh = tokens.refreshToken === undefined
				? await clientCredentialsTokens({...common, scopes: current.scopes})
				: await (options.refresh ?? refreshTokens)({...common, refreshToken: tokens.refreshToken});
		} catch (error) {
			throw await refreshFailed(store, current, error, options.logInAgain ?? logInAgainCommand(current));
		}

		const saved = (await recordTokens(store, current.name, fresh)) ?? {...current, tokens: fresh};
		options.onEvent?.({type: 'refreshed', tokens: fresh});
		return {server: saved, refreshed: true};
	});
}

/**
 * A refresh failed: an `invalid_grant` (RFC 6749 5.2: the refresh token expired or was revoked) clears
 * the saved tokens and keeps the client (see recordRefreshFailure), and the error then says so and how
 * to log in again; any other failure keeps them for the next try.
 */
async function refreshFailed(store: ServerStore, server: SavedServer, error: unknown, logInAgain: string): Promise<unknown> {
	if (!isRevokedGrant(error) || !(error instanceof WizardError)) return error;
	let hint: string;
	try {
		const cleared = await recordRefreshFailure(store, server.name, error);
		hint = cleared ? `The refresh token is expired or revoked, so the saved tokens were cleared (the client registration is kept): ${logInAgain}.` : `The refresh token is expired or revoked: ${logInAgain}.`;
	} catch (storeError) {
		hint = `The refresh token is expired or revoked: ${logInAgain}. The saved tokens could not be cleared: ${storeError instanceof Error ? storeError.message : String(storeError)}.`;
	}

	return new WizardError(error.step, error.message, hint, error.answer, {cause: error});
}

/**
 * Runs `use` with a fresh access token, and once more after a refresh when the MCP server answers 401
 * (unless the token was just refreshed: a new token refused again is not the token's age).
 */
export async function withFreshToken<T extends {readonly ok: boolean; readonly status?: number}>(store: ServerStore, server: SavedServer, options: Omit<KeepOptions, 'rejected' | 'force'>, use: (server: SavedServer) => Promise<T>): Promise<{result: T; server: SavedServer; refreshed: boolean}> {
	const first = await keepFresh(store, server, options);
	const result = await use(first.server);
	if (result.ok || result.status !== 401 || first.refreshed || !renewable(first.server)) return {result, ...first};
	const second = await keepFresh(store, first.server, {...options, rejected: true});
	return {result: await use(second.server), server: second.server, refreshed: true};
}
