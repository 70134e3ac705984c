import {spawn} from 'node:child_process';
import {afterAll, describe, expect, it} from 'vitest';
import type {Sandbox, SandboxFaults, SandboxProfile} from '../source/sandbox/index.js';
import {type CliRun, cliPath, collectOutput, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';

// A login through the built CLI to every kind of server the spec allows, asserting what the servers
// received; and the refusals, which must stop before any authorization request.
const home = temporaryHome();
const started: Sandbox[] = [];
afterAll(async () => {
	await Promise.all(started.map(sandbox => sandbox.close()));
	home.remove();
});

async function sandboxFor(profile: SandboxProfile, faults?: SandboxFaults): Promise<Sandbox> {
	const sandbox = await startTestSandbox({profile, faults});
	started.push(sandbox);
	return sandbox;
}

const login = async (sandbox: Sandbox, ...flags: string[]): Promise<CliRun> =>
	runCli(['login', sandbox.mcpUrl, '--json', '--no-verify', '--timeout', '20s', ...flags], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});

/** What every login sends, whatever the server: PKCE S256 and `resource` in both requests. */
function expectPkceAndResource(sandbox: Sandbox): {authorization: Record<string, string>; token: URLSearchParams} {
	const authorization = sandbox.requests.authorization.at(-1)!.query;
	const token = new URLSearchParams(sandbox.requests.token.at(-1)!.body);
	expect(authorization['code_challenge_method']).toBe('S256');
	expect(authorization['code_challenge']).toMatch(/^[\w-]{43}$/);
	expect(token.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
	expect(authorization['resource']).toBe(sandbox.mcpUrl);
	expect(token.get('resource')).toBe(sandbox.mcpUrl);
	return {authorization, token};
}

// Each test starts a sandbox (oidc-provider) and runs whole logins through the built CLI: with two suites
// at once on two cores, one took over 30 s.
describe('a login to every kind of server', {timeout: 90_000}, () => {
	// Resource metadata at the root or named only in the challenge: core/discovery.test.ts and the
	// conformance suite's metadata scenarios; the step-up profile: cli-step-up.test.ts.
	it.each(['openid-tenant', 'iss-required'] as const)('%s: discovered, registered with the scope, public client', async profile => {
		const sandbox = await sandboxFor(profile);
		const run = await login(sandbox);
		expect(run.stderr).not.toContain('Error');
		expect(run.code).toBe(0);
		const {authorization, token} = expectPkceAndResource(sandbox);
		const registration = JSON.parse(sandbox.requests.registration.at(-1)!.body) as Record<string, unknown>;
		expect(registration['scope']).toBe(authorization['scope']);
		expect(authorization['scope']).toContain(sandbox.mcpScope);
		expect(token.get('client_id')).toBe(authorization['client_id']);
		expect(sandbox.requests.token.at(-1)!.headers['authorization']).toBeUndefined();
		expect(JSON.parse(run.stdout)).toMatchObject({ok: true, server: {issuer: sandbox.issuer}, tokens: {grantedScopes: expect.arrayContaining([sandbox.mcpScope])}});
	});

	it('device-flow: --device logs in on "another device" with the code (RFC 8628), no browser login, no listener', async () => {
		const sandbox = await sandboxFor('device-flow');
		const run = await login(sandbox, '--device', '--name', 'device');
		expect(run.code).toBe(0);
		const userCode = /enter the code (\w{4}-\w{4})/.exec(run.stderr)?.[1];
		expect(run.stderr).toContain(`On any device, open ${sandbox.issuer}/oauth2/device and enter the code ${userCode}`);
		expect(run.stderr).toContain(`or open this address, which holds the code: ${sandbox.issuer}/oauth2/device?user_code=${userCode}`);
		// A client for this grant only: no redirect URI, no authorization request.
		const registration = JSON.parse(sandbox.requests.registration.at(-1)!.body) as Record<string, unknown>;
		expect(registration).toMatchObject({grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [], scope: `${sandbox.mcpScope} offline_access`});
		expect(registration).not.toHaveProperty('redirect_uris');
		expect(sandbox.requests.authorization).toHaveLength(0);
		expect(Object.fromEntries(new URLSearchParams(sandbox.requests.deviceAuthorization.at(-1)!.body))).toMatchObject({scope: `${sandbox.mcpScope} offline_access`, resource: sandbox.mcpUrl});
		const token = new URLSearchParams(sandbox.requests.token.at(-1)!.body);
		expect(token.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:device_code');
		expect(token.get('resource')).toBe(sandbox.mcpUrl);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: true, tokens: {hasRefreshToken: true, grantedScopes: expect.arrayContaining([sandbox.mcpScope])}});
		// The saved login refreshes like any other.
		const refresh = await runCli(['refresh', 'device', '--json'], {MCP_AUTH_WIZARD_HOME: home.path});
		expect(refresh.code).toBe(0);
		// Its client cannot log in with a browser: a browser re-authorization registers one that can.
		const registrations = sandbox.requests.registration.length;
		const again = await runCli(['reauthorize', 'device', '--json', '--no-verify', '--timeout', '20s'], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});
		expect(again.code).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({clientReused: false, clientDecision: 'Registering a new client: the client was registered for logins on another device only.'});
		expect(sandbox.requests.registration).toHaveLength(registrations + 1);
	}, 90_000);

	it('device-flow: a refusal on the other device ends the login with what happened', async () => {
		const sandbox = await sandboxFor('device-flow');
		const denied = await runCli(['login', sandbox.mcpUrl, '--json', '--device', '--name', 'device-denied'], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser, SCRIPTED_BROWSER_ACTION: 'deny'});
		expect(denied.code).toBe(1);
		expect(JSON.parse(denied.stdout)).toMatchObject({ok: false, error: {step: 'authorization', message: 'The login on the other device was refused (access_denied)'}});
	}, 90_000);

	it('device-flow: a browser login offers the device login where no browser opens; a server without it refuses --device before registering', async () => {
		const sandbox = await sandboxFor('device-flow');
		// A browser that cannot start: the browser login says the device login is there.
		const noBrowser = await runCli(['login', sandbox.mcpUrl, '--timeout', '1s', '--name', 'device-hint'], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: '/nonexistent-browser'});
		expect(noBrowser.stderr).toContain('This server also lets you log in on another device with a code: run the same command with --device.');
		// Its client may do both, so that a later login can take either way.
		expect(JSON.parse(sandbox.requests.registration.at(-1)!.body)).toMatchObject({grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'], response_types: ['code']});
		// A server without it: --device is refused before anything is registered.
		const fastmail = await sandboxFor('fastmail');
		const refused = await runCli(['login', fastmail.mcpUrl, '--json', '--device', '--name', 'no-device'], {MCP_AUTH_WIZARD_HOME: home.path});
		expect(refused.code).toBe(1);
		expect(JSON.parse(refused.stdout)).toMatchObject({ok: false, error: {message: expect.stringContaining('offers no login on another device')}});
		expect(fastmail.requests.registration).toHaveLength(0);
	}, 90_000);

	it('legacy-2025-03-26: the default endpoints, and no scope where none is advertised', async () => {
		const sandbox = await sandboxFor('legacy-2025-03-26');
		const run = await login(sandbox);
		expect(run.code).toBe(0);
		expect(run.stderr).toContain('/authorize, /token and /register');
		const {authorization} = expectPkceAndResource(sandbox);
		expect(authorization).not.toHaveProperty('scope');
		expect(JSON.parse(sandbox.requests.registration.at(-1)!.body)).not.toHaveProperty('scope');
		expect(sandbox.requests.token.at(-1)!.path).toBe('/token');
	});

	it('preregistered: no registration, the client secret in HTTP Basic only', async () => {
		const sandbox = await sandboxFor('preregistered');
		const {clientId, clientSecret} = sandbox.preregisteredClient!;
		const run = await login(sandbox, '--client-id', clientId, '--client-secret', clientSecret);
		expect(run.code).toBe(0);
		expect(sandbox.requests.registration).toHaveLength(0);
		const {authorization, token} = expectPkceAndResource(sandbox);
		expect(authorization['client_id']).toBe(clientId);
		expect(sandbox.requests.token.at(-1)!.headers['authorization']).toMatch(/^Basic /);
		expect(token.has('client_secret')).toBe(false);
		expect(`${run.stdout}${run.stderr}`).not.toContain(clientSecret);
	});

	it('preregistered: the client secret from MCP_AUTH_WIZARD_CLIENT_SECRET or from standard input (--client-secret -), never the command line', async () => {
		const sandbox = await sandboxFor('preregistered');
		const {clientId, clientSecret} = sandbox.preregisteredClient!;
		const basic = `Basic ${Buffer.from(`${new URLSearchParams({a: clientId}).toString().slice(2)}:${new URLSearchParams({a: clientSecret}).toString().slice(2)}`).toString('base64')}`;

		const fromEnvironment = await runCli(['login', sandbox.mcpUrl, '--json', '--no-verify', '--timeout', '20s', '--client-id', clientId, '--name', 'env'], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser, MCP_AUTH_WIZARD_CLIENT_SECRET: clientSecret});
		expect(fromEnvironment.code).toBe(0);
		expect(sandbox.requests.token.at(-1)!.headers['authorization']).toBe(basic);

		const child = spawn(process.execPath, [cliPath, 'login', sandbox.mcpUrl, '--json', '--no-verify', '--timeout', '20s', '--client-id', clientId, '--client-secret', '-', '--name', 'stdin', '--replace'], {
			env: {...process.env, MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		child.stdin.end(`${clientSecret}\n`);
		const fromStdin = await collectOutput(child);
		expect(fromStdin.code).toBe(0);
		expect(sandbox.requests.token.at(-1)!.headers['authorization']).toBe(basic);
		expect(child.spawnargs).not.toContain(clientSecret);
	});

	it('says what to do when --client-secret - gets nothing on standard input', async () => {
		const sandbox = await sandboxFor('preregistered');
		const child = spawn(process.execPath, [cliPath, 'login', sandbox.mcpUrl, '--json', '--client-id', 'x', '--client-secret', '-'], {env: {...process.env, MCP_AUTH_WIZARD_HOME: home.path}, stdio: ['pipe', 'pipe', 'pipe']});
		child.stdin.end();
		const run = await collectOutput(child);
		expect(run.code).toBe(2);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: false, error: {step: 'usage', message: '--client-secret - read no secret from standard input'}});
		expect(sandbox.requests.authorization).toHaveLength(0);
	});

	it('client-metadata-document: the document URL is the client id, no registration', async () => {
		const sandbox = await sandboxFor('client-metadata-document');
		const documentUrl = sandbox.clientMetadataDocumentUrl!;
		const run = await login(sandbox, '--client-metadata-url', documentUrl);
		expect(run.code).toBe(0);
		expect(sandbox.requests.registration).toHaveLength(0);
		const {authorization, token} = expectPkceAndResource(sandbox);
		expect(authorization['client_id']).toBe(documentUrl);
		expect(token.get('client_id')).toBe(documentUrl);
		expect(sandbox.requests.clientMetadata.length).toBeGreaterThan(0);
	});
});

describe('refusals', {timeout: 90_000}, () => {
	it.each([
		[{resourceMismatch: true}, 'resource-metadata', 'not "'],
		[{issuerMismatch: true}, 'authorization-server-metadata', 'issuer'],
		[{noS256: true}, 'authorization-server-metadata', 'S256'],
	] as const)('%j stops before any authorization request', async (faults, step, words) => {
		const sandbox = await sandboxFor('fastmail', faults);
		const run = await login(sandbox);
		expect(run.code).toBe(1);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: false, error: {step, message: expect.stringContaining(words)}});
		expect(sandbox.requests.registration).toHaveLength(0);
		expect(sandbox.requests.authorization).toHaveLength(0);
	});

	it('a callback without the iss the server promises is refused, and the code is not redeemed', async () => {
		const sandbox = await sandboxFor('iss-required', {omitIss: true});
		const run = await login(sandbox);
		expect(run.code).toBe(1);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: false, error: {step: 'callback', message: expect.stringContaining('iss')}});
		expect(sandbox.requests.authorization).toHaveLength(1);
		expect(sandbox.requests.token).toHaveLength(0);
	});
});
