import {loginIn} from './helpers/saved-servers.js';
import {chmodSync, readFileSync, statSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {closedAfterEach} from './helpers/cleanup.js';
import {type CliRun, runCli, type ScanOptions, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';

// Secrets: the one way to see a token whole, what a failed refresh does to the saved tokens,
// and the store's permissions, through the built CLI.
let sandbox: Sandbox;
const home = temporaryHome();
const track = closedAfterEach();
const cli = async (args: string[], options?: ScanOptions, where = home.path): Promise<CliRun> => runCli(args, {MCP_AUTH_WIZARD_HOME: where, BROWSER: scriptedBrowser}, options);
const json = (run: CliRun) => JSON.parse(run.stdout) as Record<string, any>;
const saved = (where = home.path, mcpUrl = sandbox.mcpUrl) => loginIn(JSON.parse(readFileSync(`${where}/servers.json`, 'utf8')) as {servers: Record<string, any>}, mcpUrl);
const mode = (path: string) => statSync(path).mode & 0o777;

async function logIn(mcpUrl: string, name: string, where = home.path): Promise<void> {
	const run = await cli(['login', mcpUrl, '--name', name, '--no-verify'], {}, where);
	expect(run.code, run.stderr).toBe(0);
}

beforeAll(async () => {
	sandbox = await startTestSandbox();
	await logIn(sandbox.mcpUrl, 'mail');
});

afterAll(async () => {
	await sandbox.close();
	home.remove();
});

describe('status --show-token', () => {
	it('prints the saved access token whole, on the last line, and says it is a secret', async () => {
		const run = await cli(['status', 'mail', '--show-token'], {showsAccessToken: true});
		expect(run.code).toBe(0);
		const lines = run.stdout.trimEnd().split('\n');
		expect(lines.at(-1)).toBe(saved().tokens.accessToken);
		expect(lines.at(-2)).toMatch(/^Access token, whole \(a secret: /);
	});

	it('adds accessToken to --json, whole', async () => {
		const run = await cli(['status', 'mail', '--json', '--show-token'], {showsAccessToken: true});
		expect(run.code).toBe(0);
		expect(json(run)).toMatchObject({ok: true, accessToken: saved().tokens.accessToken, tokens: {maskedAccessToken: expect.stringContaining('…')}});
	});

	it('without it, shows the token masked only', async () => {
		const run = await cli(['status', 'mail', '--json']);
		expect(json(run)).not.toHaveProperty('accessToken');
		expect(run.stdout).not.toContain(saved().tokens.accessToken);
	});

	it('needs a saved server', async () => {
		const run = await cli(['status', '--show-token']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('--show-token needs a saved server');
	});
});

describe('a failed refresh', () => {
	it('keeps the tokens when the authorization server cannot be reached', async () => {
		const other = temporaryHome();
		try {
			const closing = track(await startTestSandbox());
			await logIn(closing.mcpUrl, 'gone', other.path);
			const before = saved(other.path, closing.mcpUrl).tokens;
			await closing.close();

			const run = await cli(['refresh', 'gone', '--json'], {}, other.path);
			expect(run.code).toBe(1);
			expect(json(run)).toMatchObject({ok: false, error: {message: expect.stringContaining('refused')}});
			expect(json(run)['error'].hint).not.toContain('cleared');
			expect(saved(other.path, closing.mcpUrl).tokens).toEqual(before);
			expect(json(await cli(['status', 'gone', '--json'], {}, other.path))['status']).not.toMatch(/needs login/);
		} finally {
			other.remove();
		}
	});

	it('clears the tokens, and only them, when the server refuses the refresh token (invalid_grant)', async () => {
		const {tokens, client} = saved();
		// Another client uses the refresh token first: the sandbox rotates refresh tokens of public
		// clients, and treats the reuse of a rotated one as a replay, revoking the grant (RFC 9700 4.14.2).
		const stolen = await fetch(sandbox.endpoints.token, {
			method: 'POST',
			body: new URLSearchParams({grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: client.clientId, resource: sandbox.mcpUrl}),
		});
		expect(stolen.status).toBe(200);

		const run = await cli(['refresh', 'mail']);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('invalid_grant');
		expect(run.stderr).toContain(`The server said (HTTP 400 from ${sandbox.endpoints.token}):`);
		expect(run.stderr).toContain('Try: The refresh token is expired or revoked, so the saved tokens were cleared (the client registration is kept): mcp-auth-wizard reauthorize mail.');
		expect(saved().tokens).toBeUndefined();
		expect(saved().client).toEqual(client);
		expect(json(await cli(['status', 'mail', '--json']))['status']).toBe('needs login');
	});

	it('leaves nothing for --show-token, which says to log in again', async () => {
		const run = await cli(['status', 'mail', '--show-token', '--json']);
		expect(run.code).toBe(1);
		expect(json(run)).toMatchObject({ok: false, error: {message: 'mail has no access token', hint: 'Log in again: mcp-auth-wizard reauthorize mail'}});
	});
});

describe('the store\'s permissions', () => {
	it('list tightens a 0644 file in a 0755 directory to 0600 and 0700, and says so on stderr', async () => {
		const file = `${home.path}/servers.json`;
		chmodSync(file, 0o644);
		chmodSync(home.path, 0o755);

		const run = await cli(['list']);
		expect(run.code).toBe(0);
		expect(mode(file)).toBe(0o600);
		expect(mode(home.path)).toBe(0o700);
		expect(run.stderr).toContain(`Your saved servers file ${file} was readable by other users (mode 0644); it is now 0600`);
		expect(run.stderr).toContain(`The directory of your saved servers, ${home.path}, was open to other users (mode 0755); it is now 0700`);
		expect(run.stdout).toContain('mail');
	});
});
