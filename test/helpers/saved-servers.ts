import type {Exchange} from '../../source/core/http.js';
import type {McpCheckResult} from '../../source/core/mcp-check.js';
import type {SavedServer} from '../../source/store/types.js';
import {fastmailDiscovery, fastmailMcpScope, fastmailRegistered, fastmailRequest, fastmailTokens} from './screen-fixtures.js';

/** The fixed "now" of the saved-server fixtures: every expiry is relative to it. */
export const start = Date.parse('2026-03-02T10:00:00.000Z');

const minute = 60_000;

/** A saved server, with the trace field SavedServer is about to gain. */
export type SavedServerFixture = SavedServer & {readonly lastLoginTrace?: readonly Exchange[]};

/** Fastmail as saved after a login at `start` minus 18 minutes: registered client, tokens valid for 42 minutes. */
export function fastmailServer(overrides: Partial<SavedServerFixture> = {}): SavedServerFixture {
	const loggedIn = start - (18 * minute);
	return {
		name: 'fastmail',
		mcpUrl: 'https://api.fastmail.com/mcp',
		resource: 'https://api.fastmail.com/mcp',
		issuer: 'https://api.fastmail.com',
		authorizationServer: fastmailDiscovery.authorizationServer!.metadata,
		client: fastmailRegistered.client,
		registration: {request: fastmailRequest, response: fastmailRegistered.response, registeredAt: new Date(loggedIn).toISOString()},
		scopes: [fastmailMcpScope, 'offline_access'],
		tokens: fastmailTokens(loggedIn, {expiresAt: new Date(start + (42 * minute)).toISOString()}),
		createdAt: new Date(loggedIn).toISOString(),
		updatedAt: new Date(loggedIn).toISOString(),
		...overrides,
	};
}

export const passedCheck: McpCheckResult = {ok: true, serverName: 'sandbox-fastmail', serverVersion: '1.0.0', protocolVersion: '2025-11-25', toolCount: 2, toolNames: ['search_email', 'get_email']};

export const failedCheck: McpCheckResult = {
	ok: false,
	status: 401,
	challenge: 'Bearer error="invalid_token"',
	message: 'The MCP server rejected the access token (HTTP 401 invalid_token)',
	hint: 'The token expired, was revoked, or was issued for another server: refresh it, or log in again.',
};

function other(name: string, host: string, overrides: Partial<SavedServerFixture>): SavedServerFixture {
	return fastmailServer({name, mcpUrl: `https://${host}/mcp`, resource: `https://${host}/mcp`, issuer: `https://auth.${host}`, scopes: ['read', 'offline_access'], ...overrides});
}

/** One server in each status at `start`, with its label. */
export const serversInEveryStatus: ReadonlyArray<{readonly server: SavedServerFixture; readonly label: string; readonly mark: string}> = [
	{server: fastmailServer(), label: 'valid for 42m', mark: '✓'},
	{server: other('linear', 'mcp.linear.app', {tokens: fastmailTokens(start - (59 * minute) - 30_000, {expiresAt: new Date(start + 30_000).toISOString()})}), label: 'expires in 30s', mark: '!'},
	{server: other('notion', 'mcp.notion.com', {tokens: fastmailTokens(start - (2 * 60 * minute), {expiresAt: new Date(start - (60 * minute)).toISOString()})}), label: 'expired, refresh token available', mark: '↻'},
	{server: other('github', 'api.githubcopilot.com', {tokens: fastmailTokens(start - (2 * 60 * minute), {expiresAt: new Date(start - (60 * minute)).toISOString(), refreshToken: undefined})}), label: 'expired, needs login', mark: '✗'},
	{server: other('sentry', 'mcp.sentry.dev', {tokens: undefined}), label: 'needs login', mark: '✗'},
	{
		server: other('asana', 'mcp.asana.com', {
			tokens: fastmailTokens(start - (20 * minute), {expiresAt: new Date(start + (40 * minute)).toISOString()}),
			lastCheck: {at: new Date(start - (5 * minute)).toISOString(), result: failedCheck},
		}),
		label: 'last check failed (HTTP 401)',
		mark: '!',
	},
];

/** A short redacted trace of a login. */
export const loginTrace: readonly Exchange[] = [
	{
		id: 1,
		step: 'probe',
		method: 'POST',
		url: 'https://api.fastmail.com/mcp',
		startedAt: new Date(start - (18 * minute)).toISOString(),
		status: 401,
		timings: {total: 120},
		request: {headers: {}},
		response: {headers: {}, body: ''},
	},
	{
		id: 2,
		step: 'token',
		method: 'POST',
		url: 'https://api.fastmail.com/oauth/refresh',
		startedAt: new Date(start - (18 * minute)).toISOString(),
		status: 200,
		timings: {total: 80},
		request: {headers: {}, body: 'grant_type=authorization_code&code=abc…(32 chars)'},
		response: {headers: {}, body: '{}'},
	},
];

/** The one login of `mcpUrl` in a store file as read from disk (keyed by name); the object itself, to change and write back. */
export function loginIn<T extends {mcpUrl: string}>(file: {servers: Record<string, T>}, mcpUrl: string): T | undefined {
	return Object.values(file.servers).find(server => server.mcpUrl === mcpUrl);
}
