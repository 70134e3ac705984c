import {UsageError} from '../core/errors.js';
import {checkMcp} from '../core/mcp-check.js';
import {summarizeTokens} from '../core/tokens.js';
import type {SavedServer} from '../store/types.js';
import {changeDone, changeServer, recordCheck} from '../store/changes.js';
import {confirmationFor} from '../store/what-is-lost.js';
import {type CommandContext, confirmChange, requireServer} from './context.js';
import {refreshSaved, requireTokens, usableServer, withFreshToken} from './fresh-tokens.js';
import {checkLines, publicServer, shownTokenLines, summaryLines} from './format.js';
import {renewalNote, serverStatus, statusLabel} from '../store/status.js';
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

export async function runStatus(context: CommandContext, nameOrUrl: string | undefined, options: {readonly showToken?: boolean} = {}): Promise<number> {
	if (options.showToken && nameOrUrl === undefined) {
		throw new UsageError('--show-token needs a saved server', 'mcp-auth-wizard status <server> --show-token');
	}

	const store = await context.openStore();
	if (nameOrUrl === undefined) return runList(context);
	const saved = requireServer(store, nameOrUrl, 'status');
	// Asked for explicitly: the one place a token is shown whole (for curl or another client), so it is
	// one that works: refreshed first when it has expired or is about to.
	const server = options.showToken ? (await usableServer(context, store, saved)).server : saved;
	const accessToken = options.showToken ? requireTokens(server, 'token').accessToken : undefined;
	const summary = summaryOf(server);
	const renewal = renewalNote(server);
	context.output.result({ok: true, server: publicServer(server), status: statusLabel(serverStatus(server)), tokens: summary, ...(renewal === undefined ? {} : {renewal}), ...(accessToken === undefined ? {} : {accessToken})}, () => [
		`${server.name}: ${statusLabel(serverStatus(server))}`,
		`  MCP URL:       ${server.mcpUrl}`,
		`  issuer:        ${server.issuer}`,
		`  client:        ${server.client ? `${server.client.clientId} (${server.client.source}, ${server.client.authMethod})` : 'none (the registration was forgotten): reauthorize registers one'}`,
		...(server.identityProvider ? [`  identity provider: ${server.identityProvider.issuer ?? server.identityProvider.tokenEndpoint} (client ${server.identityProvider.clientId}; ID-JAG, enterprise-managed)`] : []),
		...(summary ? summaryLines(summary) : ['  no tokens: log in again']),
		...(renewal === undefined ? [] : [`  renewal:       ${renewal}`]),
		...(server.lastCheck ? [`Last check ${server.lastCheck.at}:`, ...checkLines(server.lastCheck.result)] : []),
		...(accessToken === undefined ? [] : shownTokenLines(accessToken, server.mcpUrl)),
	]);
	return exitCode.ok;
}

/**
 * `token <server>`: a valid access token on stdout and nothing else (refreshed first when it has
 * expired or is about to), for a client that takes a token from a command: `--header-json` prints the
 * header Claude Code's headersHelper wants. Without a name, the server Claude Code names in
 * CLAUDE_CODE_MCP_SERVER_URL.
 */
export async function runToken(context: CommandContext, nameOrUrl: string | undefined, options: {readonly headerJson: boolean}): Promise<number> {
	const store = await context.openStore();
	const fromClaudeCode = context.env['CLAUDE_CODE_MCP_SERVER_URL'];
	const saved = requireServer(store, nameOrUrl ?? (fromClaudeCode || undefined), 'token');
	const {server} = await usableServer(context, store, saved);
	const {accessToken} = requireTokens(server, 'token');
	const header = {Authorization: `Bearer ${accessToken}`};
	context.output.result(options.headerJson ? header : {ok: true, server: server.name, accessToken}, () => [options.headerJson ? JSON.stringify(header) : accessToken]);
	return exitCode.ok;
}

export async function runRefresh(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'refresh');
	const updated = await refreshSaved(context, store, server);
	const summary = summarizeTokens(updated.tokens!, server.scopes);
	context.output.result({ok: true, server: server.name, tokens: summary}, () => [`Refreshed ${server.name}: ${statusLabel(serverStatus(updated))}`, ...summaryLines(summary)]);
	return exitCode.ok;
}

export async function runVerify(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const saved = requireServer(store, nameOrUrl, 'verify');
	requireTokens(saved, 'mcp-check');
	const {result, server, refreshed} = await withFreshToken(context, store, saved, async current => checkMcp(current.mcpUrl, requireTokens(current, 'mcp-check').accessToken, {http: context.http, signal: context.signal}));
	await recordCheck(store, server.name, result);
	context.output.result({ok: result.ok, server: server.name, check: result, refreshed}, () => checkLines(result));
	return result.ok ? exitCode.ok : exitCode.failed;
}

export async function runRemove(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'remove');
	const {question, details} = confirmationFor('remove', server);
	await confirmChange(context, question, details);
	await changeServer(store, server.name, {kind: 'remove'});
	context.output.result({ok: true, removed: server.name, mcpUrl: server.mcpUrl}, () => [changeDone({kind: 'remove'}, server.name)]);
	return exitCode.ok;
}
