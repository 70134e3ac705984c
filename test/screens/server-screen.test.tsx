import {afterEach, describe, expect, it, vi} from 'vitest';
import {clockTime} from '../../source/components/countdown.js';
import type {ClientCredentials} from '../../source/core/client.js';
import {SharedKeysContext} from '../../source/components/keymap.js';
import {ServerScreen, type ServerScreenProps} from '../../source/screens/server-screen.js';
import {serverStatus} from '../../source/store/status.js';
import type {ServerActivity} from '../../source/wizard/server-state.js';
import {advanceClock, frameWith, keys, press, render, unwrapped} from '../helpers/ink.js';
import {failedCheck, fastmailServer, loginTrace, passedCheck, serversInEveryStatus, start} from '../helpers/saved-servers.js';
import {accessToken, fastmailMcpScope, registrationAccessToken} from '../helpers/screen-fixtures.js';

const refreshToken = 'refresh-0123456789abcdef';
const checkedAt = new Date(start - 60_000).toISOString();
const fastmail = fastmailServer({lastCheck: {at: checkedAt, result: passedCheck}, lastLoginTrace: loginTrace});

const preRegisteredClient: ClientCredentials = {clientId: 'acme-cli', clientSecret: 'ab12cd34ef56ab12cd34ef56ab12cd34', authMethod: 'client_secret_basic', source: 'pre-registered'};
const acme = fastmailServer({name: 'acme', client: preRegisteredClient, registration: undefined, tokens: undefined});

function callbacks() {
	return {onAction: vi.fn(), onView: vi.fn(), onConfirm: vi.fn(), onCancel: vi.fn(), onRename: vi.fn(), onExport: vi.fn()};
}

function props(overrides: Partial<ServerScreenProps> = {}): ServerScreenProps {
	return {server: fastmail, view: 'summary', activity: {kind: 'idle'}, renaming: false, height: 30, now: () => start, ...callbacks(), ...overrides};
}

/** Nothing but `called` was called. */
function expectOnly(calls: ReturnType<typeof callbacks>, called?: keyof ReturnType<typeof callbacks>) {
	for (const [name, fn] of Object.entries(calls)) {
		if (name !== called) expect(fn, name).not.toHaveBeenCalled();
	}
}

/** The frame as one line, runs of spaces and line breaks made one space: to find a sentence Ink wrapped. */
function flat(frame: string | undefined): string {
	return (frame ?? '').replaceAll(/\s+/g, ' ');
}

afterEach(() => {
	vi.useRealTimers();
});

describe('summary', () => {
	it('shows the server, client, tokens and last check, secrets masked', async () => {
		const {lastFrame, unmount} = await render(<ServerScreen {...props()}/>);
		const frame = await frameWith(lastFrame, 'fastmail');
		expect(frame).toMatch(/MCP URL +https:\/\/api\.fastmail\.com\/mcp/);
		expect(frame).toMatch(/Issuer +https:\/\/api\.fastmail\.com/);
		expect(frame).toMatch(/Status +✓ valid for 42m/);
		expect(frame).toMatch(new RegExp(`Scopes asked +${fastmailMcpScope} offline_access`));
		expect(frame).toMatch(/Client +fm-client-7f3a \(registered here, token endpoint auth none\)/);
		expect(frame).not.toContain('Client secret');
		expect(frame).toMatch(new RegExp(`Access token +${accessToken.slice(0, 6)}…\\(${accessToken.length} chars\\) \\(Bearer, a JWT\\)`));
		expect(frame).toMatch(/Expiry +expires in 42m 0s/);
		// offline_access is left out of the response's scope, but the refresh token grants it.
		expect(frame).toMatch(new RegExp(`Scopes +✓ ${fastmailMcpScope} granted\\n +✓ offline_access granted`));
		expect(frame).toMatch(/Refresh token +yes/);
		expect(frame).toContain(`Last MCP check  today ${clockTime(checkedAt)}: ✓ sandbox-fastmail 1.0.0, 2 tools`);
		expect(frame).toMatch(new RegExp(`Registered +today ${clockTime(fastmail.registration!.registeredAt)}`));
		expect(frame).toMatch(new RegExp(`Saved +today ${clockTime(fastmail.updatedAt)}`));
		expect(flat(frame)).toContain('a re-authorize · r refresh now · v check with MCP · n rename · k forget tokens · g registration JSON · l last login trace · e export · d forget the registration · x remove · Esc back to the list · t trace · q quit');
		for (const secret of [accessToken, accessToken.slice(0, 20), refreshToken, refreshToken.slice(0, 10), registrationAccessToken]) expect(unwrapped(frame)).not.toContain(secret);
		unmount();
	});

	it('masks the secret of a pre-registered client, and says there are no tokens', async () => {
		const {lastFrame, unmount} = await render(<ServerScreen {...props({server: acme})}/>);
		const frame = await frameWith(lastFrame, 'acme');
		expect(frame).toMatch(/Client +acme-cli \(pre-registered, token endpoint auth client_secret_basic\)/);
		expect(frame).toMatch(/Client secret +ab12cd…\(32 chars\)/);
		expect(unwrapped(frame)).not.toContain(preRegisteredClient.clientSecret);
		expect(frame).toMatch(/Status +✗ needs login/);
		expect(frame).toMatch(/Tokens +none saved: a re-authorizes/);
		expect(frame).toMatch(/Registered +pre-registered: not registered here/);
		expect(frame).toMatch(/Last MCP check +never\n/);
		const hints = flat(frame);
		expect(hints).toContain('a re-authorize · n rename · g registration JSON');
		expect(hints).not.toContain('v check with MCP');
		expect(hints).not.toContain('k forget tokens');
		expect(hints).not.toContain('d forget the registration');
		unmount();
	});

	it('shows a failed check with the status, the message and what to try', async () => {
		const server = fastmailServer({lastCheck: {at: checkedAt, result: failedCheck}});
		const {lastFrame, unmount} = await render(<ServerScreen {...props({server})}/>);
		const frame = flat(await frameWith(lastFrame, 'fastmail'));
		expect(frame).toContain('Status ! last check failed (HTTP 401)');
		expect(frame).toContain(`today ${clockTime(checkedAt)}: ✗ failed HTTP 401: The MCP server rejected the access token (HTTP 401 invalid_token)`);
		expect(frame).toContain(`Try: ${failedCheck.ok ? '' : failedCheck.hint}`);
		unmount();
	});

	it('marks a requested scope that was not granted', async () => {
		const server = fastmailServer({tokens: {...fastmail.tokens!, refreshToken: undefined, scope: 'urn:ietf:params:oauth:scope:mail'}});
		const {lastFrame, unmount} = await render(<ServerScreen {...props({server})}/>);
		const frame = await frameWith(lastFrame, 'NOT granted');
		expect(flat(frame)).toContain(`✗ ${fastmailMcpScope} NOT granted ✗ offline_access NOT granted`);
		expect(frame).toContain('+ also granted: urn:ietf:params:oauth:scope:mail');
		expect(frame).toMatch(/Refresh token +no/);
		unmount();
	});

	it('ticks the status and the expiry every second', async () => {
		vi.useFakeTimers({shouldAdvanceTime: false});
		vi.setSystemTime(start);
		const linear = serversInEveryStatus.find(({label}) => label === 'expires in 30s')!.server;
		const {lastFrame, unmount} = await render(<ServerScreen {...props({server: linear, now: undefined})}/>);
		await advanceClock(0);
		expect(lastFrame()).toMatch(/Status +! expires in 30s/);
		expect(lastFrame()).toMatch(/Expiry +expires in 30s/);
		await advanceClock(1000);
		expect(lastFrame()).toMatch(/Status +! expires in 29s/);
		expect(lastFrame()).toMatch(/Expiry +expires in 29s/);
		await advanceClock(30_000);
		expect(lastFrame()).toMatch(/Status +↻ expired, refresh token available/);
		expect(lastFrame()).toMatch(/Expiry +expired 1s ago/);
		unmount();
	});

	it('maps each key to its action or view', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props(calls)}/>);
		await frameWith(lastFrame, 'fastmail');
		await press(stdin, 'a', 'r', 'v', 'n', 'k', 'e', 'd', 'x');
		expect(calls.onAction.mock.calls.map(([action]) => action)).toEqual(['reauthorize', 'refresh', 'check', 'rename', 'forget-tokens', 'export', 'forget-registration', 'remove']);
		await press(stdin, 'g', 'l');
		expect(calls.onView.mock.calls.map(([view]) => view)).toEqual(['registration', 'trace']);
		// Esc on the summary is the App's (back to the list), and other keys do nothing.
		await press(stdin, keys.escape, 'y', 'z', '1', keys.enter);
		expect(calls.onAction).toHaveBeenCalledTimes(8);
		expect(calls.onView).toHaveBeenCalledTimes(2);
		expect(calls.onCancel).not.toHaveBeenCalled();
		expect(calls.onConfirm).not.toHaveBeenCalled();
		expect(calls.onExport).not.toHaveBeenCalled();
		unmount();
	});

	it('offers no refresh, token forgetting or registration forgetting where there is none', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({server: acme, ...calls})}/>);
		await frameWith(lastFrame, 'acme');
		await press(stdin, 'r', 'k', 'd');
		// A key that does work, after them: they were taken, and did nothing.
		await press(stdin, 'g');
		expectOnly(calls, 'onView');
		expect(calls.onView).toHaveBeenCalledExactlyOnceWith('registration');
		unmount();
	});

	it('shows the refresh or check under way, and ignores r and v meanwhile', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, rerender, unmount} = await render(<ServerScreen {...props({activity: {kind: 'busy', action: 'refresh'}, ...calls})}/>);
		await frameWith(lastFrame, 'Refreshing…');
		rerender(<ServerScreen {...props({activity: {kind: 'busy', action: 'check'}, ...calls})}/>);
		await frameWith(lastFrame, 'Checking…');
		await press(stdin, 'r', 'v', 'g');
		expect(calls.onView).toHaveBeenCalledOnce();
		expect(calls.onAction).not.toHaveBeenCalled();
		unmount();
	});

	it('shows how the last action ended', async () => {
		const states: Array<[ServerActivity, string[]]> = [
			[{kind: 'done', message: 'Refreshed: the new token expires in 1h 0m 0s'}, ['✓ Refreshed: the new token expires in 1h 0m 0s']],
			[
				{kind: 'failed', error: {message: 'The token endpoint answered HTTP 400: invalid_grant', hint: 'The refresh token is expired or revoked: log in again.', answer: {url: 'https://api.fastmail.com/oauth/refresh', status: 400, body: '{"error":"invalid_grant"}'}}},
				['The token endpoint answered HTTP 400: invalid_grant', 'The server said (HTTP 400 from https://api.fastmail.com/oauth/refresh):', '{"error":"invalid_grant"}', 'Try: The refresh token is expired or revoked: log in again.'],
			],
		];
		const {lastFrame, rerender, unmount} = await render(<ServerScreen {...props()}/>);
		await frameWith(lastFrame, 'fastmail');
		for (const [activity, texts] of states) {
			rerender(<ServerScreen {...props({activity})}/>);
			for (const text of texts) await frameWith(lastFrame, text);
		}

		unmount();
	});
});

describe('a client acting as itself (client credentials)', () => {
	it('offers no browser re-authorization, and renews its expired token with r, by its grant', async () => {
		const {refreshToken: _refreshToken, ...tokens} = fastmail.tokens!;
		const key = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIP0000000000000000000000000000000000000000000\n-----END PRIVATE KEY-----\n';
		const itself = {...fastmail, grant: 'client_credentials' as const, client: {clientId: 'robot', privateKey: key, authMethod: 'private_key_jwt' as const, source: 'pre-registered' as const}, tokens: {...tokens, expiresAt: new Date(start - 1000).toISOString()}};
		expect(serverStatus(itself, start)).toEqual({kind: 'expired-refreshable', byGrant: true});
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({server: itself, ...calls})}/>);
		const frame = flat(await frameWith(lastFrame, 'acts as itself'));
		expect(frame).toContain('r get a new token (acts as itself)');
		expect(frame).toMatch(/Status +↻ expired, renews by its grant/);
		expect(frame).not.toContain('a re-authorize');
		expect(frame).toContain('Refresh token none needed: a new token by the same grant (client credentials)');
		expect(frame).toContain('Private key kept in the store, never shown (private_key_jwt)');
		expect(frame).not.toContain('MC4CAQAw');
		await press(stdin, 'a', 'r');
		expect(calls.onAction.mock.calls.map(([action]) => action)).toEqual(['refresh']);
		unmount();
	});
});

describe('confirming', () => {
	const cases = [
		{
			confirming: 'forget-tokens',
			server: fastmail,
			texts: ['Forget the tokens of fastmail?', 'The access and refresh tokens are deleted from this machine; the client registration stays, so a re-authorization skips registering.'],
			absent: ['registers a new client', 'Everything saved'],
		},
		{
			confirming: 'forget-registration',
			server: fastmail,
			texts: ['Forget the client registration of fastmail?', 'The client fm-client-7f3a and its tokens are deleted from this machine; the next login registers a new client.', 'The authorization server may still list the old client.'],
			absent: ['registration stays', 'Everything saved'],
		},
		{
			confirming: 'remove',
			server: fastmail,
			texts: ['Remove fastmail?', 'Everything saved for this server is deleted from this machine: its name (fastmail), the client registration (fm-client-7f3a), the tokens, the last MCP check and the last login\'s trace.', 'The authorization server may still list the client.'],
			absent: ['registration stays'],
		},
		{
			confirming: 'forget-tokens',
			server: fastmailServer({name: 'acme', client: preRegisteredClient, registration: undefined, tokens: {...fastmail.tokens!, refreshToken: undefined}}),
			texts: ['The access token is deleted from this machine; the pre-registered client acme-cli stays, so a re-authorization uses it again.'],
			absent: ['refresh tokens', 'skips registering'],
		},
		{
			confirming: 'remove',
			server: acme,
			texts: ['Remove acme?', 'Everything saved for this server is deleted from this machine: its name (acme) and the pre-registered client id (acme-cli).'],
			absent: ['the tokens', 'the last MCP check', 'may still list'],
		},
	] as const;

	for (const {confirming, server, texts, absent} of cases) {
		it(`says what ${confirming} loses (${server.name}), and asks y/N`, async () => {
			const calls = callbacks();
			const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({server, confirming, ...calls})}/>);
			const frame = await frameWith(lastFrame, '[y/N]');
			// The box wraps long lines: compare with its borders and line breaks taken out.
			const text = flat(frame.replaceAll('│', ''));
			for (const expected of texts) expect(text).toContain(expected);
			for (const unexpected of absent) expect(text).not.toContain(unexpected);
			expect(frame).toContain('y yes · n / Esc no');
			// The summary's keys are off.
			await press(stdin, 'a', 'x', 'g', 'y');
			expectOnly(calls, 'onConfirm');
			expect(calls.onConfirm).toHaveBeenCalledOnce();
			unmount();
		});
	}

	it('n, Esc and Enter say no', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({confirming: 'remove', ...calls})}/>);
		await frameWith(lastFrame, '[y/N]');
		await press(stdin, 'n', keys.escape, keys.enter);
		expect(calls.onCancel).toHaveBeenCalledTimes(3);
		expectOnly(calls, 'onCancel');
		unmount();
	});
});

describe('renaming', () => {
	it('submits the new name, trimmed, and takes every key meanwhile', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({renaming: true, ...calls})}/>);
		await frameWith(lastFrame, 'New name: fastmail');
		expect(lastFrame()).toContain('Enter rename · Esc cancel');
		await press(stdin, ' work x ', keys.enter);
		expect(calls.onRename).toHaveBeenCalledExactlyOnceWith('fastmail work x');
		expectOnly(calls, 'onRename');
		unmount();
	});

	it('never submits an empty name, and Esc cancels', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({renaming: true, ...calls})}/>);
		await frameWith(lastFrame, 'New name: fastmail');
		await press(stdin, ...Array.from({length: 'fastmail'.length}, () => '\u007F'), ' ', keys.enter);
		await press(stdin, keys.escape);
		expectOnly(calls, 'onCancel');
		expect(calls.onCancel).toHaveBeenCalledOnce();
		unmount();
	});
});

describe('exporting', () => {
	it('offers seven clients on 1-7, and Esc cancels', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({exporting: {kind: 'choosing'}, ...calls})}/>);
		const frame = await frameWith(lastFrame, 'Export fastmail for:');
		for (const line of ['1 Codex', '2 Claude Code', '3 VS Code', '4 Cursor', '5 Claude Desktop', '6 Windsurf', '7 another client that starts commands']) expect(frame).toContain(line);
		expect(frame).toContain('1-7 choose · Esc cancel');
		await press(stdin, '1', '2', '3', '4', '5', '6', '7', '8', 'x');
		expect(calls.onExport.mock.calls.map(([target]) => target)).toEqual(['codex', 'claude-code', 'vscode', 'cursor', 'claude-desktop', 'windsurf', 'mcp-remote']);
		await press(stdin, keys.escape);
		expect(calls.onCancel).toHaveBeenCalledOnce();
		expect(calls.onAction).not.toHaveBeenCalled();
		unmount();
	});

	it('shows where the text goes, the text verbatim and the notes; Esc closes it', async () => {
		const text = ['[mcp_servers.fastmail]', 'url = "https://api.fastmail.com/mcp"', '', 'bearer_token_env_var = "FASTMAIL_MCP_TOKEN"'].join('\n');
		const exporting = {kind: 'shown', target: 'codex', where: 'Add to ~/.codex/config.toml:', text, notes: ['Set FASTMAIL_MCP_TOKEN before starting codex.', 'The token expires in 42m: refresh it here, then export again.'], format: 'toml'} as const;
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({exporting, ...calls})}/>);
		const frame = await frameWith(lastFrame, 'Add to ~/.codex/config.toml:');
		for (const line of text.split('\n').filter(Boolean)) expect(frame.split('\n')).toContain(line);
		for (const note of exporting.notes) expect(frame).toContain(note);
		expect(frame).toContain('Esc close');
		await press(stdin, '1', 'x', keys.escape);
		expectOnly(calls, 'onCancel');
		expect(calls.onCancel).toHaveBeenCalledOnce();
		unmount();
	});

	it('says what w does to the client\'s file before it is pressed, offers w only then, and says the other ways are printed above', async () => {
		// A tab in the text is shown as spaces: the terminal would draw it wider than Ink counts it.
		const base = {kind: 'shown', target: 'cursor', where: '/home/me/.cursor/mcp.json: merge into "mcpServers".', text: '{\n\t"mcpServers": {}\n}', notes: [], format: 'json', others: ['Or Cursor logs in by itself, with the client registered here (its own tokens)']} as const;
		const add = {...base, write: {file: '/home/me/.cursor/mcp.json', before: undefined, edit: {kind: 'add', text: '{}'}}} as const;
		const calls = callbacks();
		const onWriteExport = vi.fn();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({exporting: add, ...calls, onWriteExport})}/>);
		const frame = await frameWith(lastFrame, 'w adds it to /home/me/.cursor/mcp.json, keeping a backup.');
		expect(frame).toContain('Also printed above: Cursor logs in by itself');
		expect(frame.split('\n')).toContain('  "mcpServers": {}');
		expect(frame).not.toContain('\t');
		expect(frame).toContain('w write to the client\'s config');
		await press(stdin, 'w');
		expect(onWriteExport).toHaveBeenCalledOnce();
		unmount();

		for (const [write, line] of [
			[{...add.write, edit: {kind: 'replace', text: '{}', previous: {}}}, 'w replaces the entry of the same name in /home/me/.cursor/mcp.json'],
			[{...add.write, edit: {kind: 'same'}}, '/home/me/.cursor/mcp.json has this entry already.'],
			['Not added to /home/me/.cursor/mcp.json: it is not valid JSON', 'Not added to /home/me/.cursor/mcp.json'],
		] as const) {
			const shown = await render(<ServerScreen {...props({exporting: {...base, write}, ...callbacks()})}/>);
			expect(await frameWith(shown.lastFrame, line)).not.toContain('w write');
			shown.unmount();
		}
	});
});

describe('registration view', () => {
	it('shows the request and the response, secrets masked', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({view: 'registration', height: 80, ...calls})}/>);
		const frame = await frameWith(lastFrame, 'fastmail · client registration');
		expect(frame).toContain('Request (POST https://api.fastmail.com/oauth/register)');
		expect(frame).toContain('"client_name": "mcp-auth-wizard"');
		expect(frame).toContain(`Response (registered today ${clockTime(fastmail.registration!.registeredAt)})`);
		expect(frame).toContain('"client_id": "fm-client-7f3a"');
		expect(frame).toContain('"registration_access_token": "rat-01…(36 chars)"');
		expect(frame).not.toContain(registrationAccessToken);
		expect(flat(frame)).toContain('↑↓ scroll · l last login trace · g back to the summary · Esc back to the list · t trace · q quit');
		// Esc is the App's here too (back to the list).
		await press(stdin, 'a', 'x', keys.escape, 'g', 'l');
		expect(calls.onView.mock.calls.map(([view]) => view)).toEqual(['summary', 'trace']);
		expectOnly(calls, 'onView');
		unmount();
	});

	it('scrolls within its height', async () => {
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({view: 'registration', height: 14})}/>);
		const frame = await frameWith(lastFrame, 'more lines');
		expect(frame.split('\n').length).toBeLessThanOrEqual(14);
		expect(frame).not.toContain('"client_id"');
		await press(stdin, keys.end);
		await frameWith(lastFrame, '"client_id": "fm-client-7f3a"');
		unmount();
	});

	it('says a pre-registered client has none', async () => {
		const {lastFrame, unmount} = await render(<ServerScreen {...props({server: acme, view: 'registration'})}/>);
		await frameWith(lastFrame, 'pre-registered: no registration');
		unmount();
	});
});

describe('trace view', () => {
	it('shows the last login\'s exchanges', async () => {
		const calls = callbacks();
		const {lastFrame, stdin, unmount} = await render(<ServerScreen {...props({view: 'trace', ...calls})}/>);
		const frame = await frameWith(lastFrame, 'fastmail · last login trace (2 exchanges, secrets masked)');
		expect(frame).toContain('probe POST https://api.fastmail.com/mcp 401 120 ms');
		expect(frame).toContain('token exchange POST https://api.fastmail.com/oauth/refresh 200 80 ms');
		expect(flat(frame)).toContain('↑↓ scroll · g registration JSON · l back to the summary · Esc back to the list · t trace · q quit');
		await press(stdin, keys.escape, 'l', 'g');
		expect(calls.onView.mock.calls.map(([view]) => view)).toEqual(['summary', 'registration']);
		expectOnly(calls, 'onView');
		unmount();
	});

	it('says when no trace was saved', async () => {
		const {lastFrame, unmount} = await render(<ServerScreen {...props({server: acme, view: 'trace'})}/>);
		await frameWith(lastFrame, 'No trace saved for this server\'s last login.');
		unmount();
	});
});

it.each([
	['the summary', {}, 'back'],
	['the rename field', {renaming: true}, 'onCancel'],
	['a question', {confirming: 'remove'}, 'onCancel'],
	['the export picker', {exporting: {kind: 'choosing'}}, 'onCancel'],
	['an export shown', {exporting: {kind: 'shown', target: 'codex', where: '', text: '', notes: [], format: 'toml'}}, 'onCancel'],
] as const)('on %s, Esc goes where it says (back to the list, or cancels)', async (_name, mode, expected) => {
	const back = vi.fn();
	const shown = props(mode);
	const {stdin, lastFrame, unmount} = await render(
		<SharedKeysContext.Provider value={{back, quit: vi.fn(), trace: vi.fn()}}>
			<ServerScreen {...shown}/>
		</SharedKeysContext.Provider>,
	);
	await press(stdin, keys.escape);
	expect(back).toHaveBeenCalledTimes(expected === 'back' ? 1 : 0);
	expect(shown.onCancel).toHaveBeenCalledTimes(expected === 'onCancel' ? 1 : 0);
	// The key line offers Esc with what it does there, once.
	expect(flat(lastFrame()).match(/Esc/g)).toHaveLength(1);
	unmount();
});
