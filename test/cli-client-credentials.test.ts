import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Client} from '@modelcontextprotocol/client';
import {StdioClientTransport} from '@modelcontextprotocol/client/stdio';
import {afterAll, beforeAll, describe, expect, it, onTestFinished, vi} from 'vitest';
import {type JsonServer, asMetadata, startJsonServer} from './helpers/json-server.js';
import {cliPath, runCli, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';
import {type StrictMcpServer, startStrictMcpServer} from './helpers/strict-mcp-server.js';

// A client acting as itself (SEP-1046) through the built CLI: an authorization server of our own that
// takes only the client_credentials grant, and a strict MCP server that takes the token it issues.
let authorizationServer: JsonServer;
let mcp: StrictMcpServer;
const home = temporaryHome();
const tokenRequests: URLSearchParams[] = [];
const cli = async (args: string[], env: Record<string, string> = {}) => runCli(args, {MCP_AUTH_WIZARD_HOME: home.path, ...env});
const saved = () => Object.values((JSON.parse(readFileSync(join(home.path, 'servers.json'), 'utf8')) as {servers: Record<string, any>}).servers)[0];

beforeAll(async () => {
	authorizationServer = await startJsonServer(origin => ({
		'GET /.well-known/oauth-authorization-server': {body: asMetadata(origin, {grant_types_supported: ['client_credentials'], token_endpoint_auth_methods_supported: ['client_secret_basic']})},
		'POST /token': request => {
			const form = new URLSearchParams(request.body);
			tokenRequests.push(form);
			const basic = Buffer.from('robot:robot-secret-0123456789').toString('base64');
			if (form.get('grant_type') !== 'client_credentials' || request.headers.authorization !== `Basic ${basic}`) return {status: 401, body: {error: 'invalid_client'}};
			// Already expired as it is issued: the next use must get a new one.
			return {body: {access_token: 'good-token', token_type: 'Bearer', expires_in: tokenRequests.length === 1 ? 0 : 3600}};
		},
	}));
	mcp = await startStrictMcpServer({tools: ['echo'], authorizationServers: [authorizationServer.origin]});
});

afterAll(async () => {
	await Promise.all([authorizationServer.close(), mcp.close()]);
	home.remove();
});

describe('login --client-credentials', () => {
	it('gets a token with no user and no browser, and a new one by the same grant once it has expired (token, reauthorize, the proxy)', async () => {
		const login = await cli(['login', mcp.url, '--client-credentials', '--client-id', 'robot', '--json'], {MCP_AUTH_WIZARD_CLIENT_SECRET: 'robot-secret-0123456789'});
		expect(login.code, login.stderr).toBe(0);
		expect(JSON.parse(login.stdout)).toMatchObject({ok: true, grant: 'client_credentials', check: {ok: true}});
		expect(login.stdout).not.toContain('robot-secret-0123456789');
		// The scope the resource metadata advertises; no offline_access (no refresh token comes of this grant).
		expect(Object.fromEntries(tokenRequests[0]!)).toEqual({grant_type: 'client_credentials', resource: mcp.url, scope: 'x'});
		expect(saved()).toMatchObject({grant: 'client_credentials', client: {clientId: 'robot', authMethod: 'client_secret_basic'}});

		// The saved token has expired: `token` gets a new one by the grant, no refresh token needed.
		// It prints the token whole: what the command is for.
		const token = await runCli(['token', saved().name], {MCP_AUTH_WIZARD_HOME: home.path}, {showsAccessToken: true});
		expect(token.code, token.stderr).toBe(0);
		expect(token.stdout.trim()).toBe('good-token');
		expect(tokenRequests).toHaveLength(2);

		const reauthorized = await cli(['reauthorize', saved().name, '--no-verify']);
		expect(reauthorized.code, reauthorized.stderr).toBe(0);
		expect(reauthorized.stderr).toContain('client_credentials, as robot');
		expect(tokenRequests).toHaveLength(3);

		// Its credentials go to no other authorization server than the one they belong to.
		const file = JSON.parse(readFileSync(join(home.path, 'servers.json'), 'utf8')) as {servers: Record<string, {issuer: string}>};
		const realIssuer = file.servers[saved().name]!.issuer;
		file.servers[saved().name]!.issuer = 'https://another.example';
		writeFileSync(join(home.path, 'servers.json'), JSON.stringify(file), {mode: 0o600});
		const moved = await cli(['reauthorize', saved().name, '--no-verify']);
		expect(moved.code).toBe(1);
		expect(moved.stderr).toContain('The authorization server changed from https://another.example');
		expect(tokenRequests).toHaveLength(3);
		file.servers[saved().name]!.issuer = realIssuer;
		writeFileSync(join(home.path, 'servers.json'), JSON.stringify(file), {mode: 0o600});

		const transport = new StdioClientTransport({command: process.execPath, args: [cliPath, 'proxy', saved().name, '--no-login'], env: {...process.env, MCP_AUTH_WIZARD_HOME: home.path} as Record<string, string>, stderr: 'pipe'});
		const client = new Client({name: 'cc-test', version: '1.0.0'});
		onTestFinished(async () => client.close());
		await client.connect(transport);
		expect((await client.listTools()).tools.map(tool => tool.name)).toEqual(['echo']);
	}, 90_000);

	it('says what is missing: the secret or the key, a readable key; and a key without the grant', async () => {
		const noSecret = await cli(['login', mcp.url, '--name', 'robot-2', '--client-credentials', '--client-id', 'robot'], {MCP_AUTH_WIZARD_CLIENT_SECRET: ''});
		expect(noSecret.code).toBe(2);
		expect(noSecret.stderr).toContain('--client-credentials needs the client\'s secret or private key');
		const elsewhere = await cli(['status', '--client-credentials']);
		expect(elsewhere.code).toBe(2);
		expect(elsewhere.stderr).toContain('--client-credentials and --private-key go with login');
		const keyAlone = await cli(['login', mcp.url, '--name', 'robot-2', '--private-key', '/nonexistent.pem']);
		expect(keyAlone.code).toBe(2);
		expect(keyAlone.stderr).toContain('--private-key goes with --client-credentials');
		const unreadable = await cli(['login', mcp.url, '--name', 'robot-2', '--client-credentials', '--client-id', 'robot', '--private-key', join(home.path, 'missing.pem')]);
		expect(unreadable.code).toBe(2);
		expect(unreadable.stderr).toContain('--private-key: cannot read');
		writeFileSync(join(home.path, 'junk.pem'), 'not a key');
		const junk = await cli(['login', mcp.url, '--name', 'robot-2', '--client-credentials', '--client-id', 'robot', '--private-key', join(home.path, 'junk.pem')]);
		expect(junk.stderr).toContain('The private key is not one that can be read');
		expect(junk.stderr).not.toMatch(/\n\s+at /);
	}, 60_000);

	it('refuses a login by a grant the authorization server does not list, before any token request', async () => {
		const idToken = join(home.path, 'id-token.jwt');
		writeFileSync(idToken, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln', {mode: 0o600});
		const before = tokenRequests.length;
		const enterprise = await cli(['login', mcp.url, '--name', 'robot-3', '--enterprise', '--idp-issuer', 'http://127.0.0.1:9/idp', '--idp-client-id', 'app', '--id-token', idToken, '--client-id', 'robot'], {MCP_AUTH_WIZARD_CLIENT_SECRET: 'robot-secret-0123456789'});
		expect(enterprise.code).toBe(1);
		expect(enterprise.stderr).toContain(`${authorizationServer.origin} does not take the urn:ietf:params:oauth:grant-type:jwt-bearer grant (its grant_types_supported: client_credentials)`);
		expect(enterprise.stderr).toContain('Log in as a user instead: mcp-auth-wizard login <url> without --enterprise.');
		expect(tokenRequests).toHaveLength(before);
	});
});

describe('the sandbox\'s client-credentials profile', () => {
	it('issues tokens to its pre-registered client acting as itself, which its MCP server takes, and new ones by the same grant', async () => {
		// Tokens of 6 seconds: long enough for the login's own check on a loaded machine.
		const sandbox = await startTestSandbox({profile: 'client-credentials', accessTokenTtlSeconds: 6});
		onTestFinished(async () => sandbox.close());
		const other = temporaryHome();
		onTestFinished(() => other.remove());
		const env = {MCP_AUTH_WIZARD_HOME: other.path, MCP_AUTH_WIZARD_CLIENT_SECRET: sandbox.preregisteredClient!.clientSecret};
		const login = await runCli(['login', sandbox.mcpUrl, '--client-credentials', '--client-id', sandbox.preregisteredClient!.clientId, '--json'], env);
		expect(login.code, login.stderr).toBe(0);
		expect(JSON.parse(login.stdout)).toMatchObject({grant: 'client_credentials', check: {ok: true}});
		const {expiresAt} = (JSON.parse(readFileSync(join(other.path, 'servers.json'), 'utf8')) as {servers: Record<string, {tokens: {expiresAt: string}}>}).servers['127.0.0.1']!.tokens;
		await vi.waitFor(() => {
			expect(Date.now()).toBeGreaterThan(Date.parse(expiresAt));
		}, {timeout: 20_000, interval: 100});
		const verify = await runCli(['verify', '127.0.0.1', '--json'], env);
		expect(verify.code, verify.stderr).toBe(0);
		// A new token by the same grant (on a loaded machine perhaps once more, its lead time reached).
		const grants = sandbox.requests.token.map(request => new URLSearchParams(request.body).get('grant_type'));
		expect(grants.length).toBeGreaterThanOrEqual(2);
		expect(new Set(grants)).toEqual(new Set(['client_credentials']));
	}, 60_000);
});
