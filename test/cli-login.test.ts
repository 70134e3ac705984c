import {loginIn} from './helpers/saved-servers.js';
import {existsSync, readFileSync, statSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {type CliRun, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';

const mcpScope = 'https://www.fastmail.com/dev/mcp';
const strayCallbackBrowser = fileURLToPath(new URL('helpers/stray-callback-browser.mjs', import.meta.url));
let sandbox: Sandbox;
const home = temporaryHome();
const otherHome = temporaryHome();
const env = () => ({MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});
// Every output is scanned for the sandbox's tokens, codes, verifiers and secrets (helpers/secret-scan.ts).
const cli = async (args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> => runCli(args, {...env(), ...extraEnv});

/** Whether a browser xdg-open would find is installed (then the no-browser case cannot be shown here). */
function hasBrowser(): boolean {
	return ['www-browser', 'x-www-browser', 'links2', 'elinks', 'links', 'lynx', 'w3m', 'firefox', 'chromium', 'google-chrome'].some(name => (process.env['PATH'] ?? '').split(':').some(directory => existsSync(`${directory}/${name}`)));
}

const json = (run: CliRun) => JSON.parse(run.stdout) as Record<string, any>;
const storeFile = () => `${home.path}/servers.json`;
const stored = () => JSON.parse(readFileSync(storeFile(), 'utf8')) as {servers: Record<string, any>};

beforeAll(async () => {
	sandbox = await startTestSandbox();
});

afterAll(async () => {
	await sandbox.close();
	home.remove();
	otherHome.remove();
});

describe('login against the Fastmail-like sandbox', () => {
	it('registers with the default scopes in `scope`, logs in through the browser and saves the server', async () => {
		const run = await cli(['login', sandbox.mcpUrl, '--json', '--name', 'fastmail']);
		expect(run.stderr).toContain(`${sandbox.issuer}/oauth/authorize?`);
		// Without --timeout: 5 minutes for the browser.
		expect(run.stderr).toContain('(waiting up to 5m)');
		expect(run.code).toBe(0);

		// What the authorization server received: the seed bug was a registration without these scopes.
		const registration = JSON.parse(sandbox.requests.registration.at(-1)!.body);
		expect(registration.scope).toBe(`${mcpScope} offline_access`);
		const authorization = sandbox.requests.authorization.at(-1)!.query;
		expect(authorization).toMatchObject({scope: `${mcpScope} offline_access`, resource: sandbox.mcpUrl, code_challenge_method: 'S256', client_id: json(run)['client'].clientId});
		const token = new URLSearchParams(sandbox.requests.token.at(-1)!.body);
		expect(token.get('grant_type')).toBe('authorization_code');
		expect(token.get('resource')).toBe(sandbox.mcpUrl);
		expect(token.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);

		const result = json(run);
		expect(result).toMatchObject({ok: true, server: {name: 'fastmail', mcpUrl: sandbox.mcpUrl, issuer: sandbox.issuer}, scopes: [mcpScope, 'offline_access']});
		expect(result['tokens']).toMatchObject({grantedScopes: expect.arrayContaining([mcpScope]), hasRefreshToken: true, isJwt: true});
		expect(result['check']).toMatchObject({ok: true, toolCount: expect.any(Number)});
		expect(statSync(storeFile()).mode & 0o777).toBe(0o600);
	});

	it('sends exactly the scopes given with --scopes, in registration and authorization', async () => {
		const run = await cli(['login', sandbox.mcpUrl, '--json', '--scopes', mcpScope, '--name', 'narrow'], {MCP_AUTH_WIZARD_HOME: otherHome.path});
		expect(run.code).toBe(0);
		expect(JSON.parse(sandbox.requests.registration.at(-1)!.body).scope).toBe(mcpScope);
		expect(sandbox.requests.authorization.at(-1)!.query['scope']).toBe(mcpScope);
		expect(json(run)['tokens']).toMatchObject({hasRefreshToken: false, missingScopes: []});
		// A whole login through the CLI: with two suites at once on two cores, over 30 s.
	}, 90_000);

	it('--trace prints each exchange as it ends, named by what it is, with headers and bodies, secrets masked', async () => {
		const run = await cli(['login', sandbox.mcpUrl, '--trace', '--name', 'traced', '--replace'], {MCP_AUTH_WIZARD_HOME: otherHome.path});
		expect(run.code).toBe(0);
		const {stderr} = run;
		// As it happens: the discovery's exchanges come before the registration is reported.
		expect(stderr.indexOf('resource metadata: GET')).toBeGreaterThan(-1);
		expect(stderr.indexOf('resource metadata: GET')).toBeLessThan(stderr.indexOf('Registered client'));
		expect(stderr).toMatch(/registration: POST \S+\/oauth\/register -> 201 \(\d+ ms\)/);
		expect(stderr).toMatch(/token exchange: POST \S+ -> 200/);
		expect(stderr).toMatch(/MCP tools\/list: POST \S+\/mcp -> 200/);
		expect(stderr).toContain('  > content-type: application/x-www-form-urlencoded');
		expect(stderr).not.toMatch(/^\{"id":/m);
	});

	it('keeps several logins of one server (accounts), each by its name, and never replaces one without a word', async () => {
		const before = stored();
		const registrations = sandbox.requests.registration.length;
		// Without --name the server's one login would be replaced: asked at a terminal, refused here.
		const refused = await cli(['login', sandbox.mcpUrl]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain(`${sandbox.mcpUrl} is saved already as "fastmail": this login replaces its client and tokens.`);
		expect(refused.stderr).toContain('Pass --replace to replace it. To keep it and add another login, pass --name with a new name');
		// A name another server's login has is refused too, before any request.
		const taken = await cli(['login', 'http://127.0.0.1:9/mcp', '--name', 'fastmail']);
		expect(taken.code).toBe(2);
		expect(taken.stderr).toContain(`"fastmail" is the saved login of another server (${sandbox.mcpUrl})`);
		expect(sandbox.requests.registration).toHaveLength(registrations);
		expect(stored()).toEqual(before);

		// A new name adds a login of its own beside the first, which stays as it was.
		expect((await cli(['login', sandbox.mcpUrl, '--json', '--no-verify', '--name', 'personal'])).code).toBe(0);
		expect(Object.keys(stored().servers).sort()).toEqual(['fastmail', 'personal']);
		expect(stored().servers['fastmail']).toEqual(before.servers['fastmail']);
		// The URL names no single login now: the commands say which there are.
		const ambiguous = await cli(['status', sandbox.mcpUrl]);
		expect(ambiguous.code).toBe(2);
		expect(ambiguous.stderr).toContain(`${sandbox.mcpUrl} has 2 saved logins: fastmail, personal`);
		// Its own name logs in to it again, and says so.
		const again = await cli(['login', sandbox.mcpUrl, '--json', '--no-verify', '--name', 'personal']);
		expect(again.code).toBe(0);
		expect(again.stderr).toContain('Logging in to "personal" again: this login replaces its client and tokens.');
		expect((await cli(['remove', 'personal', '--yes'])).code).toBe(0);
		expect(Object.keys(stored().servers)).toEqual(['fastmail']);
	}, 90_000);

	it('refuses --scopes with a character a scope cannot hold (RFC 6749 3.3), before any request', async () => {
		const registrations = sandbox.requests.registration.length;
		const run = await cli(['login', sandbox.mcpUrl, '--scopes', 'mail "read"']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('--scopes: "\\"read\\"" holds a double quote, which a scope cannot hold');
		expect(run.stderr).toContain('RFC 6749 3.3');
		expect(sandbox.requests.registration).toHaveLength(registrations);
	});

	// This machine (and CI) has no browser: the xdg-open that ships in dist/ finds none and exits 3.
	it.skipIf(hasBrowser())('says that no browser was opened where the system\'s opener finds none, and keeps waiting for the URL to be opened', async () => {
		const run = await runCli(['login', sandbox.mcpUrl, '--timeout', '2s', '--name', 'no-browser'], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: undefined, DISPLAY: undefined, WAYLAND_DISPLAY: undefined});
		expect(run.stderr).toContain('Could not open a browser (the system\'s opener exited with 3: no method available: no browser is set up)');
		expect(run.stderr).not.toContain('Browser opened');
		expect(run.stderr).toContain('No login callback from the browser within 2 s');
	});

	it('refuses a stray request to the redirect URI (an old tab) with a 400, says so, and goes on waiting for the real one', async () => {
		const run = await cli(['login', sandbox.mcpUrl, '--json', '--no-verify', '--name', 'old-tab', '--replace'], {MCP_AUTH_WIZARD_HOME: otherHome.path, BROWSER: strayCallbackBrowser});
		expect(run.stderr).toMatch(/Refused a request to http:\/\/127\.0\.0\.1:\d+\/callback that is not this login's \(an old tab\?\): The callback carries a different state than the login started with\. Still waiting for this login's callback\./);
		expect(run.code).toBe(0);
		expect(json(run)).toMatchObject({ok: true, server: {name: 'old-tab'}});
	});

	it('waits for the browser as long as --timeout says, also past 24.8 days (a longer timer would fire at once)', async () => {
		const run = await cli(['login', sandbox.mcpUrl, '--json', '--timeout', '30d', '--no-verify', '--name', 'patient', '--replace'], {MCP_AUTH_WIZARD_HOME: otherHome.path});
		expect(run.stderr).toContain('waiting up to 30d');
		expect(run.code).toBe(0);
		expect(json(run)).toMatchObject({ok: true, server: {name: 'patient'}});
	});

	it('shows the server\'s 400 verbatim and exits 1 when the registration has no scope (the seed bug)', async () => {
		const registrations = sandbox.requests.registration.length;
		const run = await cli(['login', sandbox.mcpUrl, '--scopes', '', '--name', 'no-scope']);
		expect(run.code).toBe(1);
		expect(sandbox.requests.registration).toHaveLength(registrations + 1);
		expect(JSON.parse(sandbox.requests.registration.at(-1)!.body)).not.toHaveProperty('scope');
		expect(run.stderr).toContain('{"error_description":"invalid_request no scope","error":"invalid_request"}');
		expect(run.stderr).toContain('HTTP 400');
		expect(run.stderr).toMatch(/Try: This server wants a scope in the registration: choose at least one of the scopes it advertises/);
		expect(run.stderr).not.toContain('--scopes, or the defaults');
		expect(run.stderr).not.toMatch(/\n\s+at /); // No stack trace.
	});

	it('reports a denied login with the server\'s words and exit 1', async () => {
		const run = await cli(['login', sandbox.mcpUrl, '--json', '--name', 'denied', '--replace'], {SCRIPTED_BROWSER_ACTION: 'deny'});
		expect(run.code).toBe(1);
		expect(json(run)).toMatchObject({ok: false, error: {step: 'authorization', message: expect.stringContaining('access_denied')}});
	});
});

describe('the saved server', () => {
	it('status shows the token state and granted scopes without network', async () => {
		const run = await cli(['status', 'fastmail', '--json']);
		expect(run.code).toBe(0);
		expect(json(run)).toMatchObject({ok: true, status: expect.stringMatching(/^valid for/), tokens: {hasRefreshToken: true}});
	});

	it('refresh gets new tokens with `resource` and saves them', async () => {
		const before = loginIn(stored(), sandbox.mcpUrl).tokens.accessToken;
		const run = await cli(['refresh', 'fastmail', '--json']);
		expect(run.code).toBe(0);
		const token = new URLSearchParams(sandbox.requests.token.at(-1)!.body);
		expect(token.get('grant_type')).toBe('refresh_token');
		expect(token.get('resource')).toBe(sandbox.mcpUrl);
		expect(loginIn(stored(), sandbox.mcpUrl).tokens.accessToken).not.toBe(before);
	});

	it('verify runs initialize and tools/list with the saved token', async () => {
		const run = await cli(['verify', sandbox.mcpUrl, '--json']);
		expect(run.code).toBe(0);
		expect(json(run)).toMatchObject({ok: true, check: {ok: true, serverName: expect.any(String), toolCount: expect.any(Number)}});
		expect(sandbox.requests.mcp.at(-1)!.headers['authorization']).toMatch(/^Bearer /);
	});

	it('list shows the saved servers; remove forgets one', async () => {
		const list = await cli(['list']);
		expect(list.code).toBe(0);
		expect(list.stdout).toContain('fastmail');
		expect(list.stdout).toContain(sandbox.mcpUrl);
		// Without a terminal to ask in, a removal needs --yes, and says what would be lost.
		const unconfirmed = await cli(['remove', 'fastmail']);
		expect(unconfirmed.code).toBe(2);
		expect(unconfirmed.stderr).toContain('Everything saved for this server is deleted');
		expect(json(await cli(['list', '--json']))['servers']).toHaveLength(1);
		expect((await cli(['remove', 'fastmail', '--yes'])).code).toBe(0);
		expect(json(await cli(['list', '--json']))['servers']).toEqual([]);
	});
});

describe('bad usage', () => {
	it.each([
		[['login'], 'needs the MCP server URL'],
		[['login', 'http://example.com/mcp'], 'Plain http is not allowed'],
		[['login', 'https://example.com/mcp', '--callback-port', '99999'], '--callback-port must be a port'],
		[['login', 'https://example.com/mcp', '--timeout', 'soon'], '--timeout must be a duration'],
		[['status', 'nope'], 'No saved server "nope"'],
		[['frobnicate'], 'Unknown command'],
	])('%j exits 2 with a hint', async (args, message) => {
		const run = await cli(args);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain(message);
		expect(run.stderr).not.toMatch(/\n\s+at /);
	});

	it('takes a value that starts with "-" as the value of the flag before it (a client secret often does)', async () => {
		const run = await cli(['login', 'http://127.0.0.1:1/mcp', '--client-id', 'abc', '--client-secret', '-Xyz123', '--json']);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: false, error: {step: 'probe'}});
		expect(run.code).toBe(1);
	});

	it('without a subcommand and without a TTY prints the help and exits 2', async () => {
		const run = await cli([]);
		expect(run.code).toBe(2);
		expect(run.stdout + run.stderr).toContain('Usage');
	});

	it('--help says what it is once, and every exit code, 130 for Ctrl-C included', async () => {
		const run = await cli(['--help']);
		expect(run.code).toBe(0);
		expect(run.stdout.match(/see every step/g)).toHaveLength(1);
		expect(run.stdout).toContain('Exit codes: 0 success, 1 the login or check failed, 2 bad usage, 130 interrupted (Ctrl-C).');
	});
});
