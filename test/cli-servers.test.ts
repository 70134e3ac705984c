import {loginIn} from './helpers/saved-servers.js';
import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {type CliRun, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';

let sandbox: Sandbox;
const home = temporaryHome();
const cli = async (...args: string[]): Promise<CliRun> => runCli(args, {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});
const json = (run: CliRun) => JSON.parse(run.stdout) as Record<string, any>;
const saved = () => loginIn(JSON.parse(readFileSync(`${home.path}/servers.json`, 'utf8')) as {servers: Record<string, any>}, sandbox.mcpUrl);

beforeAll(async () => {
	sandbox = await startTestSandbox();
	expect((await cli('login', sandbox.mcpUrl, '--name', 'mail', '--no-verify')).code).toBe(0);
});

afterAll(async () => {
	await sandbox.close();
	home.remove();
});

describe('re-authorization', () => {
	it('reuses the client the authorization server still knows, on its registered redirect URI', async () => {
		const {clientId} = saved().client;
		const redirectUri = saved().registration.response.redirect_uris[0];
		const registrations = sandbox.requests.registration.length;
		const run = await cli('reauthorize', 'mail', '--json', '--no-verify');
		// With its stderr: the registered redirect URI's port may have been taken meanwhile by another
		// program (two suites at once), which the login then says.
		expect(run.code, run.stderr).toBe(0);
		expect(json(run)).toMatchObject({clientReused: true, client: {clientId}});
		expect(run.stderr).toContain(`Reusing client ${clientId}`);
		expect(sandbox.requests.registration).toHaveLength(registrations);
		expect(sandbox.requests.authorization.at(-1)!.query).toMatchObject({client_id: clientId, redirect_uri: redirectUri});
	});

	it('registers again when the authorization server dropped the client', async () => {
		const {registration_client_uri: uri, registration_access_token: token} = saved().registration.response;
		const dropped = saved().client.clientId;
		expect((await fetch(uri, {method: 'DELETE', headers: {authorization: `Bearer ${token}`}})).status).toBe(204);
		const registrations = sandbox.requests.registration.length;
		const run = await cli('reauthorize', 'mail', '--json', '--no-verify');
		expect(run.code).toBe(0);
		expect(json(run)['clientReused']).toBe(false);
		expect(run.stderr).toContain('Registering a new client: the authorization server no longer knows the client');
		expect(sandbox.requests.registration).toHaveLength(registrations + 1);
		expect(saved().client.clientId).not.toBe(dropped);
	});

	it('registers again when the scopes outgrow the registration', async () => {
		const registrations = sandbox.requests.registration.length;
		const run = await cli('reauthorize', 'mail', '--scopes', 'https://www.fastmail.com/dev/mcp,offline_access,urn:ietf:params:oauth:scope:mail', '--no-verify');
		expect(run.code).toBe(0);
		expect(run.stderr).toContain('not registered for urn:ietf:params:oauth:scope:mail');
		expect(JSON.parse(sandbox.requests.registration.at(-1)!.body).scope).toBe('https://www.fastmail.com/dev/mcp offline_access urn:ietf:params:oauth:scope:mail');
		expect(sandbox.requests.registration).toHaveLength(registrations + 1);
	});
});

describe('changes to a saved server', () => {
	it('forget-tokens keeps the registration; forget-registration drops both; rename renames', async () => {
		const unconfirmed = await cli('forget-tokens', 'mail');
		expect(unconfirmed.code).toBe(2);
		expect(unconfirmed.stderr).toContain('Pass --yes');
		expect(saved().tokens).toBeDefined();
		const confirmed = await cli('forget-tokens', 'mail', '--yes');
		expect(confirmed.code).toBe(0);
		// Said what is lost, asked nothing.
		expect(confirmed.stderr).toContain('registration stays');
		expect(confirmed.stderr).not.toContain('?');
		expect(saved().tokens).toBeUndefined();
		expect(saved().registration).toBeDefined();
		expect(json(await cli('status', 'mail', '--json'))['status']).toBe('needs login');

		expect((await cli('rename', 'mail', 'fastmail-sandbox')).code).toBe(0);
		expect(saved().name).toBe('fastmail-sandbox');

		const forgot = await cli('forget-registration', 'fastmail-sandbox', '--yes');
		expect(forgot.stdout).toContain('registers a new client');
		expect(saved().client).toBeUndefined();
		expect(saved().registration).toBeUndefined();
		// The proxy needs no client (it registers one when it logs in); the other way does, and says so.
		const exported = await cli('export', 'fastmail-sandbox', '--for', 'codex');
		expect(exported.code).toBe(0);
		expect(exported.stdout).toContain('registration was forgotten');
	});

	it('export refuses a client it does not know', async () => {
		const usage = await cli('export', 'fastmail-sandbox', '--for', 'emacs');
		expect(usage.code).toBe(2);
		expect(usage.stderr).toContain('cursor, claude-desktop, windsurf');
	});
});
