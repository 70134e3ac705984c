import {mkdirSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {App} from '../source/wizard/app.js';
import {createHttpClient} from '../source/core/http.js';
import {login} from '../source/core/login.js';
import {checkMcp} from '../source/core/mcp-check.js';
import type {Sandbox} from '../source/sandbox/index.js';
import {openConfStore} from '../source/store/conf-store.js';
import {saveLogin} from '../source/store/saved-server.js';
import {serverStatus} from '../source/store/status.js';
import type {ServerStore} from '../source/store/types.js';
import {coreSteps, type WizardServices} from '../source/wizard/services.js';
import {frameWith, keys, press, render} from './helpers/ink.js';
import {scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';

const mcpScope = 'https://www.fastmail.com/dev/mcp';
const home = temporaryHome();
// HOME: where export looks for the clients' files.
const env = {...process.env, BROWSER: scriptedBrowser, HOME: home.path, XDG_CONFIG_HOME: undefined};
const sandboxes: Record<string, Sandbox> = {};
let store: ServerStore;

/** A real login to a sandbox, saved under `name`. */
async function logIn(name: string, sandbox: Sandbox, scopes: string[]): Promise<void> {
	const http = createHttpClient();
	const result = await login(sandbox.mcpUrl, {http, env, scopes});
	const {discovery} = result;
	await saveLogin(store, {mcpUrl: sandbox.mcpUrl, resource: discovery.resource, issuer: discovery.authorizationServer.issuer, metadata: discovery.authorizationServer.metadata, client: result.client, registration: result.registration, scopes, tokens: result.tokens, trace: http.exchanges}, name);
}

function services(extra: Partial<WizardServices> = {}): WizardServices {
	return {http: createHttpClient(), store, env, options: {}, core: coreSteps, cwd: home.path, ...extra};
}

beforeAll(async () => {
	store = openConfStore({home: home.path});
	// Tokens minted by the sandbox with lifetimes that put each saved server in another state.
	const lifetimes = {valid: 3600, expiring: 50, refreshable: 1, expired: 1, failing: 3600};
	for (const [name, ttl] of Object.entries(lifetimes)) sandboxes[name] = await startTestSandbox({accessTokenTtlSeconds: ttl});
	await logIn('valid', sandboxes['valid']!, [mcpScope, 'offline_access']);
	await logIn('expiring', sandboxes['expiring']!, [mcpScope]);
	await logIn('refreshable', sandboxes['refreshable']!, [mcpScope, 'offline_access']);
	await logIn('expired', sandboxes['expired']!, [mcpScope]);
	await logIn('failing', sandboxes['failing']!, [mcpScope]);
	// The last check of "failing" was refused: its token is tampered with.
	const failing = store.find('failing')!;
	const result = await checkMcp(failing.mcpUrl, `${failing.tokens!.accessToken}x`, {http: createHttpClient()});
	await store.update(failing.name, current => current && {...current, lastCheck: {at: new Date().toISOString(), result}});
	// Until the one-second tokens are past their expiry.
	await vi.waitFor(() => {
		expect(serverStatus(store.find('expired')!).kind).toBe('needs-login');
		expect(serverStatus(store.find('refreshable')!).kind).toBe('expired-refreshable');
	}, {timeout: 5000, interval: 100});
});

afterAll(async () => {
	await Promise.all(Object.values(sandboxes).map(sandbox => sandbox.close()));
	home.remove();
});

describe('the saved-server list', () => {
	it('opens on the list, with each server\'s status computed live', async () => {
		expect(store.list().map(server => [server.name, serverStatus(server).kind])).toEqual([
			['expired', 'needs-login'],
			['expiring', 'valid'],
			['failing', 'check-failed'],
			['refreshable', 'expired-refreshable'],
			['valid', 'valid'],
		]);
		const {lastFrame, unmount} = await render(<App services={services()} />);
		try {
			const frame = await frameWith(lastFrame, 'Log in to a new server');
			expect(frame).toMatch(/valid\s+valid for (59|60)m/);
			expect(frame).toMatch(/expiring\s+expires in \d+s/);
			expect(frame).toContain('expired, refresh token available');
			expect(frame).toMatch(/expired\s+expired, needs login/);
			expect(frame).toContain('last check failed (HTTP 401)');
			expect(frame).toContain(sandboxes['valid']!.mcpUrl);
			// The list is the first screen: no Esc is offered, as there is nothing to go back to.
			expect(frame).toContain('↑↓ choose · Enter open · n new server · t trace · q quit');
			expect(frame).not.toContain('Esc');
		} finally {
			unmount();
		}
	});
});

describe('actions on a saved server', () => {
	async function open(name: string, extra: Partial<WizardServices> = {}) {
		const rendered = await render(<App services={services(extra)} />);
		await frameWith(rendered.lastFrame, 'Log in to a new server');
		const index = store.list().findIndex(server => server.name === name);
		await press(rendered.stdin, ...Array.from({length: index}, () => keys.down), keys.enter);
		await frameWith(rendered.lastFrame, sandboxes[name]?.mcpUrl ?? name);
		return rendered;
	}

	it('refreshes, renames and exports', async () => {
		const {stdin, lastFrame, frames, unmount} = await open('refreshable');
		const sandbox = sandboxes['refreshable']!;
		try {
			const tokens = sandbox.requests.token.length;
			await press(stdin, 'r');
			await frameWith(lastFrame, 'Refreshed');
			expect(new URLSearchParams(sandbox.requests.token.at(-1)!.body).get('grant_type')).toBe('refresh_token');
			expect(sandbox.requests.token).toHaveLength(tokens + 1);

			await press(stdin, 'n');
			await frameWith(lastFrame, 'Enter');
			await press(stdin, '-renamed', keys.enter);
			await frameWith(lastFrame, 'Renamed');
			expect(store.find('refreshable-renamed')).toBeDefined();

			// Cursor's file has an entry of that name already, from before.
			const cursorFile = `${home.path}/.cursor/mcp.json`;
			mkdirSync(`${home.path}/.cursor`);
			const before = '{\n  "mcpServers": {\n    "refreshable-renamed": {"url": "https://old.example/mcp", "headers": {"Authorization": "Bearer old-0123456789abcdef"}}\n  }\n}\n';
			writeFileSync(cursorFile, before);
			await press(stdin, 'e');
			await frameWith(lastFrame, 'Cursor');
			await press(stdin, '4');
			await frameWith(lastFrame, `w replaces the entry of the same name in ${cursorFile}`);
			// Printed whole above the frame, where the terminal wraps it and a copy takes it whole: the
			// proxy's entry, and the other way with the client registered here.
			const proxyEntry = {command: 'npx', args: ['-y', 'mcp-auth-wizard', 'proxy', 'refreshable-renamed'], env: {MCP_AUTH_WIZARD_HOME: home.path}};
			expect(frames.some(frame => frame.includes('"proxy",'))).toBe(true);
			expect(frames.some(frame => frame.includes(`"CLIENT_ID": "${store.find('refreshable-renamed')!.client!.clientId}"`))).toBe(true);
			// Said what it holds first; written on a second w.
			await press(stdin, 'w');
			await frameWith(lastFrame, 'Press w again to replace it');
			expect(lastFrame()).toContain('https://old.example/mcp');
			expect(frames.join('\n')).not.toContain('old-0123456789abcdef');
			expect(readFileSync(cursorFile, 'utf8')).toBe(before);
			await press(stdin, 'w');
			await frameWith(lastFrame, `Written to ${cursorFile}`);
			const backup = readdirSync(`${home.path}/.cursor`).find(file => file.endsWith('.bak'))!;
			expect(readFileSync(`${home.path}/.cursor/${backup}`, 'utf8')).toBe(before);
			expect(JSON.parse(readFileSync(cursorFile, 'utf8'))).toEqual({mcpServers: {'refreshable-renamed': proxyEntry}});
			expect(lastFrame()).not.toContain('w write');
			await press(stdin, 'f');
			const saved = /Saved to (\S+)/.exec(await frameWith(lastFrame, 'Saved to'))![1]!;
			expect(saved).toBe(`${home.path}/mcp-auth-wizard-refreshable-renamed-cursor.json`);
			expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual({mcpServers: {'refreshable-renamed': proxyEntry}});
			expect(statSync(saved).mode & 0o777).toBe(0o600);
			await press(stdin, keys.escape);
			await press(stdin, 'x');
			await frameWith(lastFrame, 'Remove');
			await press(stdin, 'n');
			expect(store.find('refreshable-renamed')).toBeDefined();
		} finally {
			unmount();
		}
	});

	it('writes into no other program\'s file in the demo, whose store is deleted when it ends', async () => {
		const {stdin, lastFrame, unmount} = await open('valid', {throwawayStore: true});
		try {
			await press(stdin, 'e');
			await frameWith(lastFrame, 'Windsurf');
			await press(stdin, '6');
			const frame = await frameWith(lastFrame, 'w is off in the demo');
			expect(frame).not.toContain('w write');
			await press(stdin, 'w');
			expect(() => statSync(`${home.path}/.codeium`)).toThrow();
		} finally {
			unmount();
		}
	});

	it('forgets tokens, then the registration, then removes the server, each after saying what is lost', async () => {
		const {stdin, lastFrame, unmount} = await open('expiring');
		try {
			await press(stdin, 'k');
			const question = await frameWith(lastFrame, 'Forget the tokens');
			expect(question).toContain('registration stays');
			await press(stdin, 'y');
			await frameWith(lastFrame, 'Forgot the tokens');
			expect(store.find('expiring')!.tokens).toBeUndefined();
			expect(store.find('expiring')!.registration).toBeDefined();
			// Without tokens there is nothing to refresh or check with: neither is offered, nor done.
			const forgotten = lastFrame()!;
			expect(forgotten).not.toContain('v check with MCP');
			expect(forgotten).not.toContain('r refresh now');
			await press(stdin, 'v');
			expect(lastFrame()).not.toMatch(/unexpected|Checking/i);

			await press(stdin, 'd');
			await frameWith(lastFrame, 'Forget the client registration');
			await press(stdin, 'y');
			await frameWith(lastFrame, 'registers a new client');
			expect(store.find('expiring')!.client).toBeUndefined();

			await press(stdin, 'x');
			await frameWith(lastFrame, 'Everything saved for this server');
			await press(stdin, 'y');
			await frameWith(lastFrame, 'Log in to a new server');
			expect(store.find('expiring')).toBeUndefined();
		} finally {
			unmount();
		}
	});

	it('checks a server with MCP', async () => {
		const {stdin, lastFrame, unmount} = await open('valid');
		try {
			await press(stdin, 'v');
			await frameWith(lastFrame, 'MCP check passed: sandbox-fastmail');
			expect(store.find('valid')!.lastCheck!.result.ok).toBe(true);
		} finally {
			unmount();
		}
	});

	it('checks a server whose token has expired after refreshing it, through the token keeper', async () => {
		const sandbox = sandboxes['valid']!;
		const refreshes = () => sandbox.requests.token.filter(request => new URLSearchParams(request.body).get('grant_type') === 'refresh_token').length;
		// Expired by its saved expiry (the sandbox's own token lives an hour: the refreshed one is checked
		// well within its life, on a loaded machine too).
		await store.update('valid', current => current && {...current, tokens: {...current.tokens!, expiresAt: new Date(Date.now() - 60_000).toISOString()}});
		const before = refreshes();
		const {stdin, lastFrame, unmount} = await open('valid');
		try {
			await press(stdin, 'v');
			await frameWith(lastFrame, 'MCP check passed: sandbox-fastmail');
			expect(refreshes()).toBe(before + 1);
			expect(serverStatus(store.find('valid')!).kind).toBe('valid');
		} finally {
			unmount();
		}
	});

	it('re-authorizes with the saved client straight to the login when the server still knows it', async () => {
		const {stdin, lastFrame, frames, unmount} = await open('valid');
		const sandbox = sandboxes['valid']!;
		const {clientId} = store.find('valid')!.client!;
		const registrations = sandbox.requests.registration.length;
		try {
			await press(stdin, 'a');
			await frameWith(lastFrame, 'authorization_endpoint');
			await press(stdin, keys.enter);
			const scopes = await frameWith(lastFrame, 'the scopes of your last login');
			expect(scopes).toContain(`scope: "${mcpScope} offline_access"`);
			await press(stdin, keys.enter);
			await frameWith(lastFrame, 'Saved as');
			expect(sandbox.requests.registration).toHaveLength(registrations);
			expect(sandbox.requests.authorization.at(-1)!.query['client_id']).toBe(clientId);
			// Said where the registration preview would have been; and a re-authorization replaces nothing else.
			expect(frames.some(frame => frame.includes(`Client: ${clientId}, saved with this server, logs in again: no new registration.`))).toBe(true);
			expect(frames.some(frame => frame.includes('Saved already as'))).toBe(false);
		} finally {
			unmount();
		}
	});

	it('says, before a new login to a server saved already, that it is saved beside it as another login', async () => {
		const rendered = await render(<App services={services()} />);
		const {stdin, lastFrame, unmount} = rendered;
		try {
			await frameWith(lastFrame, 'Log in to a new server');
			await press(stdin, 'n');
			await frameWith(lastFrame, 'Which MCP server');
			await press(stdin, ...sandboxes['valid']!.mcpUrl, keys.enter);
			const frame = (await frameWith(lastFrame, 'Saved already as')).replaceAll(/\s+/g, ' ');
			expect(frame).toContain('Saved already as "valid": this login is added as "127.0.0.1" (to log in to a saved one again: Esc, then a on it).');
		} finally {
			unmount();
		}
	});

	it('shows the registration preview again, and why, when the authorization server dropped the client', async () => {
		const saved = store.find('failing')!;
		const {registration_client_uri: uri, registration_access_token: token} = saved.registration!.response as Record<string, string>;
		expect((await fetch(uri!, {method: 'DELETE', headers: {authorization: `Bearer ${token}`}})).status).toBe(204);
		const {stdin, lastFrame, unmount} = await open('failing');
		try {
			await press(stdin, 'a');
			await frameWith(lastFrame, 'authorization_endpoint');
			await press(stdin, keys.enter, keys.enter);
			const preview = await frameWith(lastFrame, 'Registering a new client');
			expect(preview).toContain('no longer knows the client');
			expect(preview).toContain(`"scope": "${mcpScope}"`);
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '201');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, 'Saved as');
			expect(store.find('failing')!.client!.clientId).not.toBe(saved.client!.clientId);
		} finally {
			unmount();
		}
	});
});
