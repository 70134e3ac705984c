import {UsageError, WizardError} from '../core/errors.js';
import {checkMcp} from '../core/mcp-check.js';
import {summarizeTokens, refreshTokens} from '../core/tokens.js';
import type {SavedServer, ServerStore} from '../store/types.js';
import {changeDone, recordCheck, recordRefreshFailure, recordTokens} from '../store/changes.js';
import {confirmationFor} from '../store/what-is-lost.js';
import {type CommandContext, confirmChange, requireServer} from './context.js';
import {checkLines, publicServer, shownTokenLines, summaryLines} from './format.js';
import {serverStatus, statusLabel} from '../store/status.js';
import {exitCode} from './output.js';

function summaryOf(server: SavedServer) {
	return server.tokens && summarizeTokens(server.tokens, server.scopes);
}

function serverLine(server: SavedServer): string {
	return `${server.name}  ${statusLabel(serverStatus(server))}  ${server.mcpUrl}  (${server.scopes.join(' ') || 'no scope'})`;
}

export async function runList(context: CommandContext): Promise<number> {
	const store = await context.openStore();
	const servers = store.list();
	context.output.result(
		{ok: true, storePath: store.path, servers: servers.map(server => ({name: server.name, mcpUrl: server.mcpUrl, issuer: server.issuer, status: statusLabel(serverStatus(server)), scopes: server.scopes}))},
		() => (servers.length === 0 ? ['No saved servers. Log in with: mcp-auth-wizard login <url>'] : servers.map(server => serverLine(server))),
	);
	return exitCode.ok;
}

/** The saved tokens, or what to do without them: log in again. */
function requireTokens(server: SavedServer, step: 'token' | 'mcp-check'): NonNullable<SavedServer['tokens']> {
	if (!server.tokens) {
		throw new WizardError(step, `${server.name} has no access token`, `Log in again: mcp-auth-wizard reauthorize ${server.name}`);
	}

	return server.tokens;
}

export async function runStatus(context: CommandContext, nameOrUrl: string | undefined, options: {readonly showToken?: boolean} = {}): Promise<number> {
	if (options.showToken && nameOrUrl === undefined) {
		throw new UsageError('--show-token needs a saved server', 'mcp-auth-wizard status <server> --show-token');
	}

	const store = await context.openStore();
	if (nameOrUrl === undefined) return runList(context);
	const server = requireServer(store, nameOrUrl, 'status');
	// Asked for explicitly: the one place a token is shown whole (for curl or another client).
	const accessToken = options.showToken ? requireTokens(server, 'token').accessToken : undefined;
	const summary = summaryOf(server);
	context.output.result({ok: true, server: publicServer(server), status: statusLabel(serverStatus(server)), tokens: summary, ...(accessToken === undefined ? {} : {accessToken})}, () => [
		`${server.name}: ${statusLabel(serverStatus(server))}`,
		`  MCP URL:       ${server.mcpUrl}`,
		`  issuer:        ${server.issuer}`,
		`  client:        ${server.client ? `${server.client.clientId} (${server.client.source}, ${server.client.authMethod})` : 'none (the registration was forgotten): reauthorize registers one'}`,
		...(summary ? summaryLines(summary) : ['  no tokens: log in again']),
		...(server.lastCheck ? [`Last check ${server.lastCheck.at}:`, ...checkLines(server.lastCheck.result)] : []),
		...(accessToken === undefined ? [] : shownTokenLines(accessToken, server.mcpUrl)),
	]);
	return exitCode.ok;
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

export async function runRefresh(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'refresh');
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
	const updated: SavedServer = (await recordTokens(store, server.mcpUrl, tokens)) ?? {...server, tokens};
	const summary = summarizeTokens(tokens, server.scopes);
	context.output.result({ok: true, server: server.name, tokens: summary}, () => [`Refreshed ${server.name}: ${statusLabel(serverStatus(updated))}`, ...summaryLines(summary)]);
	return exitCode.ok;
}

export async function runVerify(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'verify');
	const {accessToken} = requireTokens(server, 'mcp-check');
	const result = await checkMcp(server.mcpUrl, accessToken, {http: context.http, signal: context.signal});
	await recordCheck(store, server.mcpUrl, result);
	context.output.result({ok: result.ok, server: server.name, check: result}, () => checkLines(result));
	return result.ok ? exitCode.ok : exitCode.failed;
}

export async function runRemove(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'remove');
	const {question, details} = confirmationFor('remove', server);
	await confirmChange(context, question, details);
	await store.remove(server.mcpUrl);
	context.output.result({ok: true, removed: server.name, mcpUrl: server.mcpUrl}, () => [changeDone({kind: 'remove'}, server.name)]);
	return exitCode.ok;
}
