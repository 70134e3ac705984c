import {loginIn} from './helpers/saved-servers.js';
import {readFileSync, writeFileSync} from 'node:fs';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {type CliRun, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';

// verify, verify --call and status --show-token with a saved access token that has expired (or that the
// MCP server refuses): refreshed first, or once after the 401, and said. A token that has expired by its
// saved expiry is made by writing that expiry; one the server refuses, by spoiling its signature.
let sandbox: Sandbox;
const home = temporaryHome();
const storeFile = () => `${home.path}/servers.json`;
const cli = async (args: string[], options = {}): Promise<CliRun> => runCli(args, {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser}, options);
type Store = {servers: Record<string, {mcpUrl: string; tokens: {accessToken: string; expiresAt: string; obtainedAt: string}}>};
const stored = () => loginIn(JSON.parse(readFileSync(storeFile(), 'utf8')) as Store, sandbox.mcpUrl)!.tokens;
const refreshes = () => sandbox.requests.token.filter(request => new URLSearchParams(request.body).get('grant_type') === 'refresh_token').length;

/** Writes the saved access token's expiry, `offsetMs` from now (the MCP server still decides by its own). */
function setSavedExpiry(offsetMs: number): void {
	const file = JSON.parse(readFileSync(storeFile(), 'utf8')) as Store;
	const {tokens} = loginIn(file, sandbox.mcpUrl)!;
	tokens.expiresAt = new Date(Date.now() + offsetMs).toISOString();
	// An hour-long token: its last minute is the one refreshed in (a short one, its last fifth).
	tokens.obtainedAt = new Date(Date.now() + offsetMs - 3_600_000).toISOString();
	writeFileSync(storeFile(), JSON.stringify(file), {mode: 0o600});
}

/** Makes the saved access token one the MCP server refuses (its signature no longer matches). */
function spoilSavedToken(): void {
	const file = JSON.parse(readFileSync(storeFile(), 'utf8')) as Store;
	const tokens = loginIn(file, sandbox.mcpUrl)!.tokens;
	tokens.accessToken = `${tokens.accessToken.slice(0, -4)}AAAA`;
	writeFileSync(storeFile(), JSON.stringify(file), {mode: 0o600});
}

beforeAll(async () => {
	sandbox = await startTestSandbox();
});

beforeEach(async () => {
	const login = await cli(['login', sandbox.mcpUrl, '--name', 'mail', '--no-verify', '--json']);
	expect(login.code).toBe(0);
});

afterAll(async () => {
	await sandbox.close();
	home.remove();
});

describe('a saved access token that has expired', () => {
	it('verify refreshes it first, says so, and checks with the new one', async () => {
		setSavedExpiry(-5 * 60_000);
		const before = refreshes();
		const run = await cli(['verify', 'mail', '--json']);
		expect(run.stderr).toMatch(/The access token of mail expired 5m \d+s ago: refreshing it first\./);
		expect(run.stderr).toContain('Refreshed: valid for');
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: true, refreshed: true, check: {ok: true}});
		expect(refreshes()).toBe(before + 1);
	});

	it('verify --call refreshes it first and calls the tool', async () => {
		setSavedExpiry(-1000);
		const run = await cli(['verify', 'mail', '--call', 'whoami', '--json']);
		expect(run.stderr).toContain('refreshing it first');
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: true, tool: 'whoami'});
	});

	it('status --show-token prints a token that works: the refreshed one', async () => {
		setSavedExpiry(30_000);
		const old = stored().accessToken;
		const run = await cli(['status', 'mail', '--show-token'], {showsAccessToken: true});
		expect(run.code).toBe(0);
		expect(run.stderr).toMatch(/The access token of mail expires in \d+s: refreshing it first\./);
		const shown = run.stdout.trim().split('\n').at(-1);
		expect(shown).toBe(stored().accessToken);
		expect(shown).not.toBe(old);
	});
});

describe('a saved access token the MCP server refuses', () => {
	it('verify refreshes once after the 401 and checks again', async () => {
		// The saved expiry says the token is good; the MCP server knows better.
		spoilSavedToken();
		const before = refreshes();
		const run = await cli(['verify', 'mail', '--json']);
		expect(run.stderr).toContain(`${sandbox.mcpUrl} refused the access token of mail (HTTP 401): refreshing it first.`);
		expect(run.stderr).toContain('Trying again.');
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: true, refreshed: true});
		expect(refreshes()).toBe(before + 1);
	});
});

describe('two processes that need a token at once', () => {
	it('refresh once between them (the refresh token rotates: used twice, the grant would be lost), and both get the new token', async () => {
		setSavedExpiry(-60_000);
		const before = refreshes();
		const [first, second] = await Promise.all([cli(['status', 'mail', '--show-token'], {showsAccessToken: true}), cli(['status', 'mail', '--show-token'], {showsAccessToken: true})]);
		expect(first.code).toBe(0);
		expect(second.code).toBe(0);
		expect(refreshes()).toBe(before + 1);
		const shown = [first, second].map(run => run.stdout.trim().split('\n').at(-1));
		expect(shown).toEqual([stored().accessToken, stored().accessToken]);
	});
});
