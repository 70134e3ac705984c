import {WizardError} from '../core/errors.js';
import {formatDuration} from '../core/text.js';
import {refreshTokens, summarizeTokens} from '../core/tokens.js';
import {recordRefreshFailure, recordTokens} from '../store/changes.js';
import type {SavedServer, ServerStore} from '../store/types.js';
import type {CommandContext} from './context.js';

/** A token that expires within this is refreshed before it is used (a request may take that long). */
export const refreshBeforeExpirySeconds = 60;

/** The saved tokens, or what to do without them: log in again. */
export function requireTokens(server: SavedServer, step: 'token' | 'mcp-check'): NonNullable<SavedServer['tokens']> {
	if (!server.tokens) {
		throw new WizardError(step, `${server.name} has no access token`, `Log in again: mcp-auth-wizard reauthorize ${server.name}`);
	}

	return server.tokens;
}

/**
 * A refresh failed: an `invalid_grant` clears the saved tokens (see recordRefreshFailure), and the
 * error then says so; any other failure keeps them for the next try.
 */
async function refreshFailed(store: ServerStore, server: SavedServer, error: unknown): Promise<unknown> {
	const cleared = await recordRefreshFailure(store, server.mcpUrl, error);
	if (!cleared || !(error instanceof WizardError)) return error;
	const hint = `${error.hint} Its saved tokens were cleared (the client registration is kept): mcp-auth-wizard reauthorize ${server.name}`;
	return new WizardError(error.step, error.message, hint, error.answer, {cause: error});
}

/** Refreshes the saved tokens now (RFC 6749 6) and saves the new ones; the server as saved afterwards. */
export async function refreshSaved(context: CommandContext, store: ServerStore, server: SavedServer): Promise<SavedServer> {
	const refreshToken = server.tokens?.refreshToken;
	// Tokens go with their client: forgetting the registration forgets both.
	const {client} = server;
	if (refreshToken === undefined || !client) {
		throw new WizardError('refresh', `${server.name} has no refresh token`, `Log in again: mcp-auth-wizard reauthorize ${server.name}${server.scopes.includes('offline_access') ? '' : ' (add offline_access to the scopes for a refresh token)'}`);
	}

	context.output.note(`Refreshing at ${server.authorizationServer.token_endpoint ?? '?'}`);
	const tokens = await refreshTokens({http: context.http, metadata: server.authorizationServer, client, refreshToken, resource: server.resource, signal: context.signal}).catch(async (error: unknown) => {
		throw await refreshFailed(store, server, error);
	});
	return (await recordTokens(store, server.mcpUrl, tokens)) ?? {...server, tokens};
}

/** Why the saved access token should not be used as it is, or undefined when it is good for a while. */
function whyNotUsable(server: SavedServer, now: number): string | undefined {
	const {expiresInSeconds} = summarizeTokens(requireTokens(server, 'token'), server.scopes, now);
	if (expiresInSeconds === undefined || expiresInSeconds > refreshBeforeExpirySeconds) return undefined;
	return expiresInSeconds <= 0 ? `The access token of ${server.name} expired ${formatDuration(-expiresInSeconds)} ago` : `The access token of ${server.name} expires in ${formatDuration(expiresInSeconds)}`;
}

/**
 * The saved server with an access token to use now: refreshed first (and saved) when it has expired or
 * expires within a minute, or when the MCP server has just refused it (`rejected`: a 401, RFC 6750
 * 3.1 invalid_token). Said on stderr. Without a refresh token it is left as it is: the MCP server's
 * answer then says to log in again.
 */
export async function usableServer(context: CommandContext, store: ServerStore, server: SavedServer, options: {readonly rejected?: boolean} = {}): Promise<{server: SavedServer; refreshed: boolean}> {
	const why = options.rejected ? `${server.mcpUrl} refused the access token of ${server.name} (HTTP 401)` : whyNotUsable(server, Date.now());
	if (why === undefined) return {server, refreshed: false};
	if (server.tokens?.refreshToken === undefined || !server.client) {
		context.output.note(`${why}, and there is no refresh token: log in again with mcp-auth-wizard reauthorize ${server.name}`);
		return {server, refreshed: false};
	}

	context.output.note(`${why}: refreshing it first.`);
	const refreshed = await refreshSaved(context, store, server);
	const {expiresInSeconds} = summarizeTokens(refreshed.tokens!, refreshed.scopes);
	context.output.note(`Refreshed${expiresInSeconds === undefined ? '' : `: valid for ${formatDuration(expiresInSeconds, {withSeconds: false})}`}.${options.rejected ? ' Trying again.' : ''}`);
	return {server: refreshed, refreshed: true};
}

/**
 * Runs `use` with a fresh access token, and once more after a refresh when the MCP server answers 401
 * (unless the token was just refreshed: a new token refused again is not the token's age).
 */
export async function withFreshToken<T extends {readonly ok: boolean; readonly status?: number}>(context: CommandContext, store: ServerStore, server: SavedServer, use: (server: SavedServer) => Promise<T>): Promise<{result: T; server: SavedServer; refreshed: boolean}> {
	const first = await usableServer(context, store, server);
	const result = await use(first.server);
	if (result.ok || result.status !== 401 || first.refreshed || first.server.tokens?.refreshToken === undefined) return {result, ...first};
	const second = await usableServer(context, store, first.server, {rejected: true});
	return {result: await use(second.server), server: second.server, refreshed: true};
}
