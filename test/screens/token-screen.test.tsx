import {afterEach, expect, it, vi} from 'vitest';
import {clockTime} from '../../source/components/countdown.js';
import {TokenScreen, type TokenScreenProps} from '../../source/screens/token-screen.js';
import type {CheckState, RefreshState} from '../../source/wizard/token-state.js';
import {advanceClock, frameWith, press, render} from '../helpers/ink.js';
import {accessToken, fastmailMcpScope, fastmailTokens} from '../helpers/screen-fixtures.js';

const start = Date.parse('2026-03-02T10:00:00.000Z');
const savedPath = '/home/alice/.config/mcp-auth-wizard/servers.json';

function props(overrides: Partial<TokenScreenProps> = {}): TokenScreenProps {
	return {
		mcpUrl: 'https://api.fastmail.com/mcp',
		tokens: fastmailTokens(Date.now()),
		grant: 'authorization_code',
		requestedScopes: [fastmailMcpScope, 'offline_access'],
		refresh: {kind: 'idle'},
		check: {kind: 'idle'},
		saved: {kind: 'saved', name: 'api.fastmail.com', path: savedPath},
		onRefresh: vi.fn(),
		onCheck: vi.fn(),
		onLogInAgain: vi.fn(),
		...overrides,
	};
}

afterEach(() => {
	vi.useRealTimers();
});

it('shows the token masked, never whole, the scopes granted and where it was saved', async () => {
	const {lastFrame, unmount} = await render(<TokenScreen {...props()}/>);
	const frame = await frameWith(lastFrame, 'Logged in to https://api.fastmail.com/mcp');
	expect(frame).not.toContain(accessToken);
	expect(frame).not.toContain(accessToken.slice(0, 20));
	expect(frame).toContain(`${accessToken.slice(0, 6)}…(${accessToken.length} chars)`);
	expect(frame).toContain('Bearer, a JWT');
	expect(frame).toContain(`✓ ${fastmailMcpScope} granted`);
	// offline_access is left out of the response's scope, but the refresh token grants it.
	expect(frame).toContain('✓ offline_access granted');
	expect(frame).toMatch(/Refresh token +yes/);
	expect(frame).toContain(`Saved as api.fastmail.com in ${savedPath}`);
	expect(frame).toContain('r refresh now · v check with MCP · Esc back · t trace · q quit');
	unmount();
});

it('counts down to the expiry every second', async () => {
	vi.useFakeTimers({shouldAdvanceTime: false});
	vi.setSystemTime(start);
	const {lastFrame, unmount} = await render(<TokenScreen {...props({tokens: fastmailTokens(start)})}/>);
	// Lets the first frame and the clock's effect (its interval on the fake clock) happen.
	await advanceClock(0);
	expect(lastFrame()).toContain('expires in 1h 0m 0s');
	await advanceClock(1000);
	expect(lastFrame()).toContain('expires in 59m 59s');
	await advanceClock(2000);
	expect(lastFrame()).toContain('expires in 59m 57s');
	unmount();
});

it('says how long ago the token expired', async () => {
	const {lastFrame, unmount} = await render(<TokenScreen {...props({tokens: fastmailTokens(Date.now(), {expiresAt: new Date(Date.now() - 12_000).toISOString()})})}/>);
	await frameWith(lastFrame, 'expired 12s ago');
	unmount();
});

it('marks a requested scope that was not granted, and lists extra ones', async () => {
	const tokens = fastmailTokens(Date.now(), {refreshToken: undefined, scope: 'urn:ietf:params:oauth:scope:mail'});
	const {lastFrame, unmount} = await render(<TokenScreen {...props({tokens})}/>);
	const frame = await frameWith(lastFrame, 'NOT granted');
	expect(frame).toContain(`✗ ${fastmailMcpScope} NOT granted`);
	expect(frame).toContain('✗ offline_access NOT granted');
	expect(frame).toContain('+ also granted: urn:ietf:params:oauth:scope:mail');
	expect(frame).toMatch(/Refresh token +no/);
	expect(frame).toContain('no refresh token: log in again to get one · v check with MCP');
	unmount();
});

it('says when the server did not state the granted scopes', async () => {
	const tokens = fastmailTokens(Date.now(), {accessToken: 'opaque-token-0123456789abcdef', scope: undefined, expiresAt: undefined});
	const {lastFrame, unmount} = await render(<TokenScreen {...props({tokens})}/>);
	const frame = await frameWith(lastFrame, 'granted scopes not stated by the server (as requested, RFC 6749 5.1)');
	expect(frame).toContain('no expiry given');
	unmount();
});

it('refreshes on r and checks on v', async () => {
	const onRefresh = vi.fn();
	const onCheck = vi.fn();
	const {stdin, unmount} = await render(<TokenScreen {...props({onRefresh, onCheck})}/>);
	await press(stdin, 'r', 'v');
	expect(onRefresh).toHaveBeenCalledOnce();
	expect(onCheck).toHaveBeenCalledOnce();
	unmount();
});

it('says which grant made the token; a client acting as itself gets a new one by its grant, with no refresh token', async () => {
	const browser = await render(<TokenScreen {...props()}/>);
	expect(await frameWith(browser.lastFrame, 'Grant')).toMatch(/Grant +authorization code with PKCE \(your browser login\)/);
	browser.unmount();
	const device = await render(<TokenScreen {...props({grant: 'device_code'})}/>);
	expect(await frameWith(device.lastFrame, 'Grant')).toMatch(/Grant +device code \(RFC 8628: a login on another device\)/);
	device.unmount();
	const onRefresh = vi.fn();
	const nextRefreshAt = new Date(Date.now() + 3300 * 1000).toISOString();
	const itself = await render(<TokenScreen {...props({grant: 'client_credentials', tokens: fastmailTokens(Date.now(), {refreshToken: undefined}), nextRefreshAt, onRefresh})}/>);
	const frame = await frameWith(itself.lastFrame, 'Grant');
	expect(frame).toMatch(/Grant +client credentials: the client acting as itself, no user/);
	expect(frame).toMatch(/Refresh token +none needed: a new token by the same grant/);
	expect(frame).toContain('a new one by itself at');
	expect(frame).toContain('r get a new token');
	expect(frame).not.toContain('log in again to get one');
	await press(itself.stdin, 'r');
	expect(onRefresh).toHaveBeenCalledOnce();
	itself.unmount();
});

it('does not refresh without a refresh token', async () => {
	const onRefresh = vi.fn();
	const onCheck = vi.fn();
	const {stdin, unmount} = await render(<TokenScreen {...props({tokens: fastmailTokens(Date.now(), {refreshToken: undefined}), onRefresh, onCheck})}/>);
	await press(stdin, 'r', 'v');
	// v was taken after r: r was too, and did nothing.
	expect(onCheck).toHaveBeenCalledOnce();
	expect(onRefresh).not.toHaveBeenCalled();
	unmount();
});

it('shows the automatic refresh and each refresh state', async () => {
	const nextRefreshAt = new Date(Date.now() + 3300 * 1000).toISOString();
	const at = new Date().toISOString();
	const states: Array<[RefreshState, string]> = [
		[{kind: 'refreshing'}, 'Refreshing…'],
		[{kind: 'refreshed', at}, `refreshed at ${clockTime(at)}`],
		[{kind: 'failed', error: {message: 'The token endpoint answered HTTP 400: invalid_grant', hint: 'The refresh token is expired or revoked: log in again.'}}, 'Try: The refresh token is expired or revoked: log in again.'],
	];
	const {lastFrame, rerender, unmount} = await render(<TokenScreen {...props({nextRefreshAt})}/>);
	await frameWith(lastFrame, `refreshes by itself at ${clockTime(nextRefreshAt)}`);
	for (const [refresh, text] of states) {
		rerender(<TokenScreen {...props({nextRefreshAt, refresh})}/>);
		await frameWith(lastFrame, text);
	}

	unmount();
});

it('shows the MCP check running, passed and failed', async () => {
	const checks: Array<[CheckState, string[]]> = [
		[{kind: 'running'}, ['Calling the MCP server with the token…']],
		[{kind: 'done', result: {ok: true, serverName: 'fastmail', serverVersion: '1.4.0', protocolVersion: '2025-11-25', toolCount: 2, toolNames: ['search_email', 'get_email']}}, ['MCP check: ✓ fastmail 1.4.0, 2 tools (search_email, get_email), protocol 2025-11-25']],
		[
			{kind: 'done', result: {ok: false, status: 403, challenge: 'Bearer error="insufficient_scope", scope="https://www.fastmail.com/dev/mcp"', message: 'The token lacks a scope the server needs', hint: 'Log in again with the scope the challenge names.'}},
			['MCP check: ✗ failed HTTP 403: The token lacks a scope the server needs', 'WWW-Authenticate: Bearer error="insufficient_scope"', 'Try: Log in again with the scope the challenge names.'],
		],
	];
	const {lastFrame, rerender, unmount} = await render(<TokenScreen {...props()}/>);
	for (const [check, texts] of checks) {
		rerender(<TokenScreen {...props({check})}/>);
		for (const text of texts) await frameWith(lastFrame, text);
	}

	unmount();
});

it('says why the login was not saved', async () => {
	const {lastFrame, unmount} = await render(<TokenScreen {...props({saved: {kind: 'failed', message: 'EACCES: permission denied'}})}/>);
	await frameWith(lastFrame, 'Not saved: EACCES: permission denied');
	unmount();
});
