import {WizardError} from '../core/errors.js';
import {checkMcp} from '../core/mcp-check.js';
import {summarizeTokens, refreshTokens} from '../core/tokens.js';
import type {SavedServer} from '../store/types.js';
import {type CommandContext, requireServer} from './context.js';
import {checkLines, publicServer, summaryLines, tokenState} from './format.js';
import {exitCode} from './output.js';

function summaryOf(server: SavedServer) {
	return server.tokens && summarizeTokens(server.tokens, server.scopes);
}

function serverLine(server: SavedServer): string {
	return `${server.name}  ${tokenState(server, summaryOf(server))}  ${server.mcpUrl}  (${server.scopes.join(' ') || 'no scope'})`;
}

export async function runList(context: CommandContext): Promise<number> {
	const store = await context.openStore();
	const servers = store.list();
	context.output.result(
		{ok: true, storePath: store.path, servers: servers.map(server => ({name: server.name, mcpUrl: server.mcpUrl, issuer: server.issuer, status: tokenState(server, summaryOf(server)), scopes: server.scopes}))},
		() => (servers.length === 0 ? ['No saved servers. Log in with: mcp-auth-wizard login <url>'] : servers.map(server => serverLine(server))),
	);
	return exitCode.ok;
}

export async function runStatus(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	if (nameOrUrl === undefined) return runList(context);
	const server = requireServer(store, nameOrUrl, 'status');
	const summary = summaryOf(server);
	context.output.result({ok: true, server: publicServer(server), status: tokenState(server, summary), tokens: summary}, () => [
		`${server.name}: ${tokenState(server, summary)}`,
		`  MCP URL:       ${server.mcpUrl}`,
		`  issuer:        ${server.issuer}`,
		`  client:        ${server.client.clientId} (${server.client.source}, ${server.client.authMethod})`,
		...(summary ? summaryLines(summary) : ['  no tokens: log in again']),
		...(server.lastCheck ? [`Last check ${server.lastCheck.at}:`, ...checkLines(server.lastCheck.result)] : []),
	]);
	return exitCode.ok;
}

export async function runRefresh(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'refresh');
	const refreshToken = server.tokens?.refreshToken;
	if (refreshToken === undefined) {
		throw new WizardError('refresh', `${server.name} has no refresh token`, `Log in again: mcp-auth-wizard login ${server.mcpUrl}${server.scopes.includes('offline_access') ? '' : ' (add offline_access to the scopes for a refresh token)'}`);
	}

	context.output.note(`Refreshing at ${server.authorizationServer.token_endpoint ?? '?'}`);
	const tokens = await refreshTokens({http: context.http, metadata: server.authorizationServer, client: server.client, refreshToken, resource: server.resource, signal: context.signal});
	const updated: SavedServer = {...server, tokens, updatedAt: new Date().toISOString()};
	store.save(updated);
	const summary = summarizeTokens(tokens, server.scopes);
	context.output.result({ok: true, server: server.name, tokens: summary}, () => [`Refreshed ${server.name}: ${tokenState(updated, summary)}`, ...summaryLines(summary)]);
	return exitCode.ok;
}

export async function runVerify(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'verify');
	if (!server.tokens) {
		throw new WizardError('mcp-check', `${server.name} has no access token`, `Log in again: mcp-auth-wizard login ${server.mcpUrl}`);
	}

	const result = await checkMcp(server.mcpUrl, server.tokens.accessToken, {http: context.http, signal: context.signal});
	store.save({...server, lastCheck: {at: new Date().toISOString(), result}, updatedAt: new Date().toISOString()});
	context.output.result({ok: result.ok, server: server.name, check: result}, () => checkLines(result));
	return result.ok ? exitCode.ok : exitCode.failed;
}

export async function runRemove(context: CommandContext, nameOrUrl: string | undefined): Promise<number> {
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'remove');
	store.remove(server.mcpUrl);
	context.output.result({ok: true, removed: server.name, mcpUrl: server.mcpUrl}, () => [`Removed ${server.name} (${server.mcpUrl}): its client registration and tokens are forgotten here.`]);
	return exitCode.ok;
}
