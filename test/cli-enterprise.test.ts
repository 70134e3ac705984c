import {spawn} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type JsonServer, asMetadata, startJsonServer} from './helpers/json-server.js';
import {cliPath, collectOutput, runCli, temporaryHome} from './helpers/run-cli.js';
import {recordSecret} from './helpers/secret-scan.js';
import {type StrictMcpServer, startStrictMcpServer} from './helpers/strict-mcp-server.js';

// login --enterprise (SEP-990) through the built CLI: an identity provider and an authorization server
// of our own, strict about what they take, and a strict MCP server that takes the token the
// authorization server issues for the ID-JAG.

const tokenExchange = 'urn:ietf:params:oauth:grant-type:token-exchange';
const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const idJagType = 'urn:ietf:params:oauth:token-type:id-jag';
const clientSecret = 'mcp-secret-0123456789';
const idpClientSecret = 'idp-secret-9876543210';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (header: Record<string, unknown>, payload: Record<string, unknown>) => `${b64(header)}.${b64(payload)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;

let idp: JsonServer;
let as: JsonServer;
let mcp: StrictMcpServer;
const home = temporaryHome();
const idTokenFile = join(home.path, 'id-token.jwt');
let idToken = '';
/** Every ID-JAG the identity provider issued, by jti. */
const issued: string[] = [];
/** The identity provider refuses every ID token while set. */
let idpRefuses = false;

const env = {MCP_AUTH_WIZARD_HOME: home.path, MCP_AUTH_WIZARD_CLIENT_SECRET: clientSecret};
const cli = async (args: string[], extra: Record<string, string> = {}) => runCli(args, {...env, ...extra});
const servers = () => (existsSync(join(home.path, 'servers.json')) ? (JSON.parse(readFileSync(join(home.path, 'servers.json'), 'utf8')) as {servers: Record<string, any>}).servers : {});
const enterpriseArgs = () => ['--enterprise', '--idp-issuer', idp.origin, '--idp-client-id', 'idp-client', '--id-token', idTokenFile, '--client-id', 'mcp-client-1'];

beforeAll(async () => {
	idp = await startJsonServer(origin => ({
		'GET /.well-known/openid-configuration': {body: {issuer: origin, token_endpoint: `${origin}/token`, grant_types_supported: [tokenExchange], token_endpoint_auth_methods_supported: ['none', 'client_secret_basic']}},
		'POST /token'(request) {
			const form = new URLSearchParams(request.body);
			// Its client is public (client_id in the body) or, with its secret, HTTP Basic only (as listed).
			const basic = request.headers.authorization;
			if (basic !== undefined && (basic !== `Basic ${Buffer.from(`idp-client:${idpClientSecret}`).toString('base64')}` || form.has('client_secret'))) return {status: 401, body: {error: 'invalid_client'}};
			if (idpRefuses || form.get('subject_token') !== idToken) return {status: 400, body: {error: 'invalid_grant', error_description: 'Invalid ID token'}};
			if (form.get('grant_type') !== tokenExchange || form.get('requested_token_type') !== idJagType || (basic === undefined && form.get('client_id') !== 'idp-client')) return {status: 400, body: {error: 'invalid_request'}};
			// As an identity provider does: the audience and resource asked for, the client it knows the MCP client as.
			const idJag = jwt({alg: 'ES256', typ: 'oauth-id-jag+jwt'}, {iss: origin, sub: 'alice@example.com', aud: form.get('audience'), resource: form.get('resource'), client_id: 'mcp-client-1', scope: form.get('scope'), exp: Math.floor(Date.now() / 1000) + 300, jti: `jag-${issued.length + 1}`});
			issued.push(idJag);
			recordSecret('ID-JAG', idJag);
			return {body: {access_token: idJag, issued_token_type: idJagType, token_type: 'N_A'}};
		},
	}));
	as = await startJsonServer(origin => ({
		'GET /.well-known/oauth-authorization-server': {body: asMetadata(origin, {grant_types_supported: [jwtBearer], token_endpoint_auth_methods_supported: ['client_secret_basic']})},
		'POST /token'(request) {
			const form = new URLSearchParams(request.body);
			if (request.headers.authorization !== `Basic ${Buffer.from(`mcp-client-1:${clientSecret}`).toString('base64')}`) return {status: 401, body: {error: 'invalid_client'}};
			if (form.get('grant_type') !== jwtBearer || form.get('assertion') !== issued.at(-1)) return {status: 400, body: {error: 'invalid_grant'}};
			return {body: {access_token: 'good-token', token_type: 'Bearer', expires_in: 3600, scope: form.get('scope')}};
		},
	}));
	mcp = await startStrictMcpServer({tools: ['echo'], authorizationServers: [as.origin]});
	idToken = jwt({alg: 'ES256'}, {iss: idp.origin, sub: 'alice@example.com', aud: 'idp-client', exp: Math.floor(Date.now() / 1000) + 3600});
	writeFileSync(idTokenFile, `${idToken}\n`, {mode: 0o600});
	recordSecret('id token', idToken);
	recordSecret('client secret', clientSecret);
	recordSecret('client secret', idpClientSecret);
});

afterAll(async () => {
	await Promise.all([idp.close(), as.close(), mcp.close()]);
	home.remove();
});

describe('login --enterprise', () => {
	it('exchanges the ID token for an ID-JAG and the ID-JAG for a token, saves the login without the ID token, and says that renewing it needs a new one', async () => {
		const login = await cli(['login', mcp.url, ...enterpriseArgs(), '--json']);
		expect(login.code, login.stderr).toBe(0);
		expect(JSON.parse(login.stdout)).toMatchObject({
			ok: true,
			grant: 'jwt-bearer',
			enterprise: {
				identityProvider: {issuer: idp.origin, tokenEndpoint: `${idp.origin}/token`, clientId: 'idp-client'},
				idJag: {typ: 'oauth-id-jag+jwt', claims: {iss: idp.origin, sub: 'alice@example.com', aud: as.origin, resource: mcp.url, client_id: 'mcp-client-1', scope: 'x', jti: 'jag-1'}, warnings: []},
			},
			renewal: expect.stringContaining('a new ID token, by a login at the identity provider in the browser: mcp-auth-wizard reauthorize') as string,
			check: {ok: true},
		});
		// Each exchange said on stderr, the claims of the ID-JAG among them.
		expect(login.stderr).toContain(`Identity provider ${idp.origin}: token endpoint ${idp.origin}/token`);
		expect(login.stderr).toContain(`Token exchange at ${idp.origin}/token (RFC 8693): the ID token for an ID-JAG, as idp-client (none), audience ${as.origin}, resource ${mcp.url}, scopes x`);
		expect(login.stderr).toMatch(new RegExp(`ID-JAG eyJ.*typ oauth-id-jag\\+jwt .*: iss ${idp.origin}, sub alice@example\\.com, aud ${as.origin}, resource ${mcp.url}, client_id mcp-client-1, scope x, jti jag-1`));
		expect(login.stderr).toContain(`JWT bearer grant at ${as.origin}/token (RFC 7523): the ID-JAG, as mcp-client-1 (client_secret_basic), resource ${mcp.url}`);

		// What the servers received: the ID token with the authorization server as audience and the MCP
		// server as resource; the ID-JAG with the client's Basic credentials.
		const exchange = new URLSearchParams(idp.requests.find(request => request.method === 'POST')!.body);
		expect(Object.fromEntries(exchange)).toMatchObject({subject_token: idToken, audience: as.origin, resource: mcp.url, client_id: 'idp-client'});
		const grant = as.requests.find(request => request.method === 'POST')!;
		expect(new URLSearchParams(grant.body).get('assertion')).toBe(issued[0]);

		const text = readFileSync(join(home.path, 'servers.json'), 'utf8');
		expect(text).not.toContain(idToken);
		expect(text).not.toContain(issued[0]);
		const [saved] = Object.values(servers());
		expect(saved).toMatchObject({grant: 'jwt-bearer', identityProvider: {issuer: idp.origin, tokenEndpoint: `${idp.origin}/token`, clientId: 'idp-client'}, client: {clientId: 'mcp-client-1'}, tokens: {accessToken: 'good-token'}});
		expect(saved.tokens.refreshToken).toBeUndefined();

		const status = await cli(['status', saved.name]);
		expect(status.code, status.stderr).toBe(0);
		expect(status.stdout).toContain(`identity provider: ${idp.origin} (client idp-client; ID-JAG, enterprise-managed)`);
		expect(status.stdout).toContain(`renewal:       not by itself: the token came from an ID-JAG, and another one needs a new ID token, by a login at the identity provider in the browser: mcp-auth-wizard reauthorize ${saved.name}\n`);
		const statusJson = await cli(['status', saved.name, '--json']);
		expect(JSON.parse(statusJson.stdout)).toMatchObject({renewal: expect.stringMatching(/: mcp-auth-wizard reauthorize \S+$/) as string, server: {grant: 'jwt-bearer'}});

		// Nothing to renew it with: the keeper says a new enterprise login is needed; reauthorize would log in
		// at the identity provider in the browser for a new ID token, which this one cannot do.
		const refresh = await cli(['refresh', saved.name]);
		expect(refresh.code).toBe(1);
		expect(refresh.stderr).toContain('its token came from an ID-JAG that cannot be renewed without a new ID token');
		expect(refresh.stderr).toContain(`Try: Log in again with a new ID token from the identity provider: mcp-auth-wizard reauthorize ${saved.name}\n`);
		const reauthorize = await cli(['reauthorize', saved.name]);
		expect(reauthorize.code).toBe(1);
		expect(reauthorize.stderr).toContain(`Error (identity-provider): The identity provider ${idp.origin} names no authorization_endpoint in its metadata: it has no browser login`);
		expect(reauthorize.stderr).toContain(`Try: Log in with an ID token you already have instead (--id-token <file>). With a new ID token's file: mcp-auth-wizard login ${mcp.url} --name ${saved.name} --enterprise --idp-issuer ${idp.origin} --idp-client-id idp-client --client-id mcp-client-1 --client-secret - --id-token <file of a new ID token>\n`);
		expect(issued).toHaveLength(1);
	}, 90_000);

	it('reads the ID token from standard input, takes the identity provider\'s token endpoint as given, and prints the login for a person', async () => {
		const args = enterpriseArgs().map(arg => (arg === idTokenFile ? '-' : arg === '--idp-issuer' ? '--idp-token-endpoint' : arg === idp.origin ? `${idp.origin}/token` : arg));
		const child = spawn(process.execPath, [cliPath, 'login', mcp.url, '--name', 'second', ...args, '--no-verify'], {env: {...process.env, BROWSER: undefined, ...env}, stdio: ['pipe', 'pipe', 'pipe']});
		child.stdin.end(`${idToken}\n`);
		const login = await collectOutput(child);
		expect(login.code, login.stderr).toBe(0);
		expect(login.stdout).toContain(`Logged in to ${mcp.url} as "second" (client mcp-client-1, pre-registered, with an ID-JAG from the identity provider ${idp.origin}/token).`);
		// No issuer, so no browser login there: a new ID token from elsewhere.
		expect(login.stdout).toContain(`renewal:       not by itself: the token came from an ID-JAG, and another one needs a new ID token from the identity provider: mcp-auth-wizard login ${mcp.url} --name second --enterprise --idp-token-endpoint ${idp.origin}/token --idp-client-id idp-client --client-id mcp-client-1 --client-secret - --id-token <file of a new ID token>`);
		expect(login.stderr).toContain('ID token (claims read without verifying): iss');
		expect(servers()['second']).toMatchObject({grant: 'jwt-bearer'});
		// Its identity provider given by its token endpoint only: no browser login to get a new ID token by.
		const reauthorize = await cli(['reauthorize', 'second']);
		expect(reauthorize.code).toBe(1);
		expect(reauthorize.stderr).toContain('second is an enterprise login (an ID-JAG from the identity provider), and its ID token was not kept');
		expect(reauthorize.stderr).toContain(`Try: Log in again with a new ID token: mcp-auth-wizard login ${mcp.url} --name second --enterprise --idp-token-endpoint ${idp.origin}/token --idp-client-id idp-client --client-id mcp-client-1 --client-secret - --id-token <file of a new ID token>\n`);
		expect(servers()['second'].identityProvider).toEqual({tokenEndpoint: `${idp.origin}/token`, clientId: 'idp-client'});
	}, 90_000);

	it('sends the identity provider\'s client secret as its metadata lists (client_secret_basic), never shown', async () => {
		const login = await cli(['login', mcp.url, '--name', 'third', ...enterpriseArgs(), '--no-verify'], {MCP_AUTH_WIZARD_IDP_CLIENT_SECRET: idpClientSecret});
		expect(login.code, login.stderr).toBe(0);
		expect(login.stderr).toContain(`Token exchange at ${idp.origin}/token (RFC 8693): the ID token for an ID-JAG, as idp-client (client_secret_basic)`);
		const exchange = idp.requests.findLast(request => request.method === 'POST')!;
		expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`idp-client:${idpClientSecret}`).toString('base64')}`);
		expect(new URLSearchParams(exchange.body).has('client_secret')).toBe(false);
		// Never saved.
		expect(readFileSync(join(home.path, 'servers.json'), 'utf8')).not.toContain(idpClientSecret);
	}, 90_000);

	it('says on one screen that the identity provider refused the ID token, and saves nothing', async () => {
		idpRefuses = true;
		try {
			const login = await cli(['login', mcp.url, '--name', 'refused', ...enterpriseArgs()]);
			expect(login.code).toBe(1);
			expect(login.stderr).toContain(`Error (identity-provider): The token endpoint of the identity provider ${idp.origin} answered HTTP 400: invalid_grant (Invalid ID token)`);
			expect(login.stderr).toContain(`Try: The identity provider refused the ID token (expired, issued to another client, or not one it takes): log in to ${idp.origin} again for a new ID token, and log in here with it.`);
			expect(login.stderr).not.toMatch(/\n\s+at /);
			// The login's progress, then the error, the server's words and the hint: one screen.
			expect(login.stderr.trim().split('\n').length).toBeLessThan(12);
			expect(servers()['refused']).toBeUndefined();
		} finally {
			idpRefuses = false;
		}
	}, 90_000);

	it('says what is missing or wrong before anything is sent (exit 2)', async () => {
		writeFileSync(join(home.path, 'not-a-jwt.txt'), 'hello');
		const before = idp.requests.length + as.requests.length + mcp.requests.length;
		const usage = async (args: string[], extra: Record<string, string> = {}) => cli(args, extra);
		const without = (flag: string) => {
			const args = enterpriseArgs();
			const at = args.indexOf(flag);
			return [...args.slice(0, at), ...args.slice(at + 2)];
		};

		const cases: Array<[string[], Record<string, string>, string]> = [
			[['login', mcp.url, '--idp-issuer', 'https://idp.example.com'], {}, '--idp-issuer goes with --enterprise'],
			[['status', ...enterpriseArgs()], {}, '--enterprise goes with login'],
			[['login', mcp.url, ...without('--idp-issuer')], {}, '--enterprise needs the identity provider'],
			[['login', mcp.url, ...enterpriseArgs(), '--idp-token-endpoint', 'http://idp.example.com/token'], {}, '--idp-token-endpoint: "http://idp.example.com/token" is not an https URL'],
			[['login', mcp.url, ...without('--idp-client-id')], {}, '--enterprise needs --idp-client-id'],
			// Without an ID token the user logs in at the identity provider, which a bare token endpoint cannot offer.
			[['login', mcp.url, ...without('--id-token').filter(arg => arg !== '--idp-issuer' && arg !== idp.origin), '--idp-token-endpoint', `${idp.origin}/token`], {}, '--enterprise needs the user\'s ID token, or the identity provider\'s issuer to log in there'],
			[['login', mcp.url, ...enterpriseArgs(), '--callback-port', '8765'], {}, '--callback-port goes with a browser login, and --id-token needs none'],
			[['login', mcp.url, ...without('--client-id')], {}, '--enterprise needs --client-id'],
			[['login', mcp.url, ...enterpriseArgs()], {MCP_AUTH_WIZARD_CLIENT_SECRET: ''}, '--enterprise needs the MCP client\'s secret'],
			[['login', mcp.url, ...enterpriseArgs(), '--client-credentials'], {}, '--enterprise does not go with --client-credentials'],
			[['login', mcp.url, ...enterpriseArgs().map(arg => (arg === idTokenFile ? '-' : arg)), '--client-secret', '-'], {}, '--client-secret - and --id-token - cannot both read standard input'],
			[['login', mcp.url, ...enterpriseArgs().map(arg => (arg === idTokenFile ? join(home.path, 'missing.jwt') : arg))], {}, '--id-token: cannot read'],
			// The token itself where its file goes: masked, its claims not echoed.
			[['login', mcp.url, ...enterpriseArgs().map(arg => (arg === idTokenFile ? idToken : arg))], {}, `--id-token: cannot read ${idToken.slice(0, 6)}…(${idToken.length} chars) (ENOENT)`],
			[['login', mcp.url, ...enterpriseArgs().map(arg => (arg === idTokenFile ? join(home.path, 'not-a-jwt.txt') : arg))], {}, `--id-token: ${join(home.path, 'not-a-jwt.txt')} is not an ID token (a JWT`],
		];
		const runs = await Promise.all(cases.map(async ([args, extra]) => usage(args, extra)));
		for (const [index, run] of runs.entries()) {
			const [args, , said] = cases[index]!;
			expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
			expect(run.stderr).toContain(`Error: ${said}`);
			expect(run.stderr).toContain('Try: ');
		}

		expect(idp.requests.length + as.requests.length + mcp.requests.length).toBe(before);
	}, 120_000);
});
