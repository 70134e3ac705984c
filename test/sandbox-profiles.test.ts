import {Client, StreamableHTTPClientTransport} from '@modelcontextprotocol/client';
import * as oauth from 'oauth4webapi';
import {afterAll, beforeAll, describe, expect, it, onTestFinished, vi} from 'vitest';
import {mismatchedIssuer, sandboxProfiles, startSandbox, type Sandbox, type SandboxFaults, type SandboxProfile} from '../source/sandbox/index.js';
import {startJsonServer} from './helpers/json-server.js';
import {browse} from './helpers/scripted-browser.mjs';

// The servers are checked with plain fetch and oauth4webapi, not with source/core, so that these tests
// say what the sandbox serves whatever the client does.
const insecure = {[oauth.allowInsecureRequests]: true} as const;
// Not a listener: browse() stops before opening it. Loopback, so native clients match it on any port.
const redirectUri = 'http://127.0.0.1:9/callback';
const genericScope = 'mcp:tools';
const fastmailScope = 'https://www.fastmail.com/dev/mcp';
const mailScope = 'urn:ietf:params:oauth:scope:mail';

const sandboxes = new Map<SandboxProfile, Sandbox>();
const consoleCalls: unknown[][] = [];

beforeAll(async () => {
	const spies = (['log', 'info', 'warn', 'error'] as const).map(method =>
		vi.spyOn(console, method).mockImplementation((...data: unknown[]) => {
			consoleCalls.push(data);
		}));
	try {
		// All at once: oidc-provider's start-up notices must stay off the console even then.
		const started = await Promise.all(sandboxProfiles.map(async profile => startSandbox({profile})));
		for (const sandbox of started) sandboxes.set(sandbox.profile, sandbox);
	} finally {
		for (const spy of spies) spy.mockRestore();
	}
});

afterAll(async () => {
	await Promise.all([...sandboxes.values()].map(async sandbox => sandbox.close()));
});

function sandboxOf(profile: SandboxProfile): Sandbox {
	const sandbox = sandboxes.get(profile);
	if (!sandbox) throw new Error(`no sandbox for ${profile}`);
	return sandbox;
}

/** A sandbox of its own, closed when the test ends. */
async function startOwn(profile: SandboxProfile, faults: SandboxFaults): Promise<Sandbox> {
	const sandbox = await startSandbox({profile, faults});
	onTestFinished(async () => sandbox.close());
	return sandbox;
}

const originOf = (sandbox: Sandbox) => new URL(sandbox.mcpUrl).origin;

async function statusOf(url: string): Promise<number> {
	const response = await fetch(url);
	await response.body?.cancel();
	return response.status;
}

async function getJson(url: string): Promise<Record<string, unknown>> {
	const response = await fetch(url);
	expect(response.status, url).toBe(200);
	return (await response.json()) as Record<string, unknown>;
}

async function unauthorized(sandbox: Sandbox): Promise<{status: number; challenge: string | null}> {
	const response = await fetch(sandbox.mcpUrl, {
		method: 'POST',
		headers: {'content-type': 'application/json', accept: 'application/json, text/event-stream'},
		body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'tools/list'}),
	});
	await response.body?.cancel();
	return {status: response.status, challenge: response.headers.get('www-authenticate')};
}

function decodeClaims(token: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

async function discover(sandbox: Sandbox, algorithm: 'oauth2' | 'oidc'): Promise<oauth.AuthorizationServer> {
	const issuer = new URL(sandbox.issuer);
	return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, {algorithm, ...insecure}));
}

async function register(as: oauth.AuthorizationServer, scope: string | undefined): Promise<oauth.Client> {
	const response = await oauth.dynamicClientRegistrationRequest(as, {
		client_name: 'sandbox profile test',
		redirect_uris: [redirectUri],
		grant_types: ['authorization_code', 'refresh_token'],
		response_types: ['code'],
		token_endpoint_auth_method: 'none',
		application_type: 'native',
		...(scope === undefined ? {} : {scope}),
	}, insecure);
	return oauth.processDynamicClientRegistrationResponse(response);
}

type Authorization = {
	readonly as: oauth.AuthorizationServer;
	readonly client: oauth.Client;
	readonly scope?: string;
	/** Default: the MCP URL; undefined leaves `resource` out of both requests. */
	readonly resource?: string | undefined;
};

async function authorizationUrl(sandbox: Sandbox, input: Authorization) {
	const codeVerifier = oauth.generateRandomCodeVerifier();
	const state = oauth.generateRandomState();
	const resource = 'resource' in input ? input.resource : sandbox.mcpUrl;
	const url = new URL(input.as.authorization_endpoint!);
	url.search = new URLSearchParams({
		client_id: input.client.client_id,
		redirect_uri: redirectUri,
		response_type: 'code',
		state,
		code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
		code_challenge_method: 'S256',
		...(input.scope === undefined ? {} : {scope: input.scope}),
		...(resource === undefined ? {} : {resource}),
	}).toString();
	return {url, state, codeVerifier, resource};
}

/** The code flow with PKCE (and resource unless left out), signed in by the scripted browser. */
async function login(sandbox: Sandbox, input: Authorization & {readonly clientAuth?: oauth.ClientAuth}) {
	const {url, state, codeVerifier, resource} = await authorizationUrl(sandbox, input);
	const {callbackUrl} = await browse(url, {openCallback: false});
	const parameters = oauth.validateAuthResponse(input.as, input.client, callbackUrl, state);
	const response = await oauth.authorizationCodeGrantRequest(input.as, input.client, input.clientAuth ?? oauth.None(), parameters, redirectUri, codeVerifier, {
		...(resource === undefined ? {} : {additionalParameters: {resource}}),
		...insecure,
	});
	const tokens = await oauth.processAuthorizationCodeResponse(input.as, input.client, response);

	// What the servers received, as received, at this profile's paths.
	const authorization = sandbox.requests.authorization.at(-1);
	expect(authorization?.path).toBe(new URL(input.as.authorization_endpoint!).pathname);
	expect(authorization?.query).toMatchObject({client_id: input.client.client_id, code_challenge_method: 'S256', state});
	const token = sandbox.requests.token.at(-1);
	expect(token?.path).toBe(new URL(input.as.token_endpoint!).pathname);
	const body = new URLSearchParams(token?.body);
	expect(body.get('grant_type')).toBe('authorization_code');
	expect(body.get('code_verifier')).toBe(codeVerifier);
	expect(body.get('resource')).toBe(resource ?? null);
	return {tokens, callbackUrl};
}

type JsonRpcAnswer = {readonly status: number; readonly response: Response; readonly message: Record<string, unknown> | undefined};

async function mcpCall(sandbox: Sandbox, accessToken: string, method: string, params: Record<string, unknown> = {}): Promise<JsonRpcAnswer> {
	const response = await fetch(sandbox.mcpUrl, {
		method: 'POST',
		headers: {'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${accessToken}`},
		body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params}),
	});
	const text = await response.text();
	if (response.status !== 200) return {status: response.status, response, message: undefined};
	// JSON, or one SSE event carrying it.
	const data = (response.headers.get('content-type') ?? '').startsWith('text/event-stream')
		? text.split('\n').filter(line => line.startsWith('data:')).map(line => line.slice(5).trim()).join('')
		: text;
	return {status: response.status, response, message: JSON.parse(data) as Record<string, unknown>};
}

async function toolNames(sandbox: Sandbox, accessToken: string): Promise<string[]> {
	const {status, message} = await mcpCall(sandbox, accessToken, 'tools/list');
	expect(status).toBe(200);
	return ((message?.['result'] as {tools: Array<{name: string}>}).tools).map(tool => tool.name);
}

/** The challenges of a 401/403, parsed by oauth4webapi. */
async function challengesOf(sandbox: Sandbox, accessToken: string, body: Record<string, unknown>): Promise<oauth.WWWAuthenticateChallenge[]> {
	try {
		const response = await oauth.protectedResourceRequest(accessToken, 'POST', new URL(sandbox.mcpUrl), new Headers({
			'content-type': 'application/json',
			accept: 'application/json, text/event-stream',
		}), JSON.stringify({jsonrpc: '2.0', id: 1, ...body}), insecure);
		await response.body?.cancel();
		throw new Error(`expected a challenge, got HTTP ${response.status}`);
	} catch (error) {
		if (!(error instanceof oauth.WWWAuthenticateChallengeError)) throw error;
		return error.cause;
	}
}

it('starts every profile without a word on the console', () => {
	expect(consoleCalls).toEqual([]);
	expect([...sandboxes.keys()]).toEqual([...sandboxProfiles]);
});

describe('discovery shapes', () => {
	const probes = {
		resourcePathAware: '/.well-known/oauth-protected-resource/mcp',
		resourceRoot: '/.well-known/oauth-protected-resource',
		resourceChallengeOnly: '/meta/mcp-resource',
		oauthRoot: '/.well-known/oauth-authorization-server',
		openidRoot: '/.well-known/openid-configuration',
		oauthInserted: '/.well-known/oauth-authorization-server/tenant1',
		openidInserted: '/.well-known/openid-configuration/tenant1',
		openidAppended: '/tenant1/.well-known/openid-configuration',
		oauthAppended: '/tenant1/.well-known/oauth-authorization-server',
	} as const;
	type Probe = keyof typeof probes;
	const served: Record<SandboxProfile, Probe[]> = {
		fastmail: ['resourcePathAware', 'oauthRoot'],
		'openid-tenant': ['resourcePathAware', 'openidAppended'],
		'root-metadata': ['resourceRoot', 'oauthRoot'],
		'challenge-only-metadata': ['resourceChallengeOnly', 'oauthRoot'],
		'legacy-2025-03-26': [],
		preregistered: ['resourcePathAware', 'oauthRoot'],
		'client-metadata-document': ['resourcePathAware', 'oauthRoot'],
		'step-up': ['resourcePathAware', 'oauthRoot'],
		'iss-required': ['resourcePathAware', 'oauthRoot'],
		'device-flow': ['resourcePathAware', 'oauthRoot'],
		'client-credentials': ['resourcePathAware', 'oauthRoot'],
		enterprise: ['resourcePathAware', 'oauthRoot'],
	};

	it.each(sandboxProfiles)('%s serves exactly its metadata documents', async profile => {
		const sandbox = sandboxOf(profile);
		const statuses = Object.fromEntries(await Promise.all(Object.entries(probes).map(async ([name, path]) => [name, await statusOf(`${originOf(sandbox)}${path}`)] as const)));
		const expected = Object.fromEntries(Object.keys(probes).map(name => [name, served[profile].includes(name as Probe) ? 200 : 404]));
		expect(statuses).toEqual(expected);
	});

	const resourceMetadataPath: Record<SandboxProfile, string | undefined> = {
		fastmail: probes.resourcePathAware,
		'openid-tenant': probes.resourcePathAware,
		'root-metadata': probes.resourceRoot,
		'challenge-only-metadata': probes.resourceChallengeOnly,
		'legacy-2025-03-26': undefined,
		preregistered: probes.resourcePathAware,
		'client-metadata-document': probes.resourcePathAware,
		'step-up': probes.resourcePathAware,
		'iss-required': probes.resourcePathAware,
		'device-flow': probes.resourcePathAware,
		'client-credentials': probes.resourcePathAware,
		enterprise: probes.resourcePathAware,
	};

	it.each(sandboxProfiles)('%s says where its documents are, and what the MCP server needs', profile => {
		const sandbox = sandboxOf(profile);
		const origin = originOf(sandbox);
		expect(sandbox.profile).toBe(profile);
		expect(sandbox.mcpUrl).toBe(`${origin}/mcp`);
		expect(sandbox.issuer).toBe(profile === 'openid-tenant' ? `${origin}/tenant1` : origin);
		expect(sandbox.mcpScope).toBe(profile === 'fastmail' || profile === 'step-up' ? fastmailScope : genericScope);
		const path = resourceMetadataPath[profile];
		expect(sandbox.resourceMetadataUrl).toBe(path === undefined ? undefined : `${origin}${path}`);
		const asPath = served[profile].find(probe => !probe.startsWith('resource'));
		expect(sandbox.authorizationServerMetadataUrl).toBe(asPath === undefined ? undefined : `${origin}${probes[asPath]}`);
	});

	it.each(sandboxProfiles)('%s answers a request without a token with its challenge', async profile => {
		const sandbox = sandboxOf(profile);
		const origin = originOf(sandbox);
		const challenges: Record<SandboxProfile, string> = {
			fastmail: `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
			'openid-tenant': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
			'root-metadata': 'Bearer realm="mcp"',
			'challenge-only-metadata': `Bearer resource_metadata="${origin}/meta/mcp-resource", scope="mcp:tools"`,
			'legacy-2025-03-26': 'Bearer',
			preregistered: `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
			'client-metadata-document': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
			'step-up': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
			'iss-required': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
			'device-flow': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
			'client-credentials': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
			enterprise: `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
		};
		expect(await unauthorized(sandbox)).toEqual({status: 401, challenge: challenges[profile]});
	});

	it.each(sandboxProfiles.filter(profile => profile !== 'legacy-2025-03-26'))('%s: the resource metadata names the MCP URL and the issuer', async profile => {
		const sandbox = sandboxOf(profile);
		const metadata = await oauth.processResourceDiscoveryResponse(new URL(sandbox.mcpUrl), await fetch(sandbox.resourceMetadataUrl!));
		expect(metadata).toMatchObject({resource: sandbox.mcpUrl, authorization_servers: [sandbox.issuer]});
		expect(metadata.scopes_supported).toContain(sandbox.mcpScope);
	});

	it.each(sandboxProfiles.filter(profile => profile !== 'legacy-2025-03-26'))('%s: the authorization-server metadata has its issuer, S256 and RFC 9207', async profile => {
		const sandbox = sandboxOf(profile);
		const as = await discover(sandbox, profile === 'openid-tenant' ? 'oidc' : 'oauth2');
		expect(as.issuer).toBe(sandbox.issuer);
		expect(as.code_challenge_methods_supported).toEqual(['S256']);
		// oidc-provider 9 always sends `iss` and says so (no setting turns it off).
		expect(as.authorization_response_iss_parameter_supported).toBe(true);
		expect(as.authorization_endpoint).toBe(sandbox.endpoints.authorization);
		expect(as.token_endpoint).toBe(sandbox.endpoints.token);
		expect(as.registration_endpoint).toBe(sandbox.endpoints.registration);
		expect(as.scopes_supported).toContain(sandbox.mcpScope);
	});
});

describe('device-flow', () => {
	it('offers the device authorization grant (RFC 8628 4), and the other profiles do not', async () => {
		const sandbox = sandboxOf('device-flow');
		const as = await discover(sandbox, 'oauth2');
		expect(as.device_authorization_endpoint).toBe(`${sandbox.issuer}/oauth2/device/auth`);
		expect(as.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:device_code');
		expect((await discover(sandboxOf('iss-required'), 'oauth2')).device_authorization_endpoint).toBeUndefined();
	});
});

describe('openid-tenant', () => {
	it('serves OpenID discovery only where the issuer\'s path is appended, with endpoints below the tenant', async () => {
		const sandbox = sandboxOf('openid-tenant');
		const origin = originOf(sandbox);
		// RFC 8414's path-inserted location is what a client tries first: it is absent here.
		await expect(discover(sandbox, 'oauth2')).rejects.toThrow();
		const as = await discover(sandbox, 'oidc');
		expect(as).toMatchObject({
			issuer: `${origin}/tenant1`,
			authorization_endpoint: `${origin}/tenant1/oauth2/authorize`,
			token_endpoint: `${origin}/tenant1/oauth2/token`,
			registration_endpoint: `${origin}/tenant1/oauth2/register`,
			scopes_supported: ['openid', 'mcp:tools', 'offline_access'],
			token_endpoint_auth_methods_supported: ['none'],
		});
	});

	it('registers without the Fastmail scope rule, logs in below the tenant, and the token opens /mcp', async () => {
		const sandbox = sandboxOf('openid-tenant');
		const as = await discover(sandbox, 'oidc');
		const client = await register(as, undefined);
		expect(sandbox.requests.registration.at(-1)?.path).toBe('/tenant1/oauth2/register');
		const {tokens} = await login(sandbox, {as, client, scope: `${genericScope} offline_access`});
		expect(tokens.refresh_token).toEqual(expect.any(String));
		expect(decodeClaims(tokens.access_token)).toMatchObject({iss: sandbox.issuer, aud: sandbox.mcpUrl, scope: genericScope});
		expect(await toolNames(sandbox, tokens.access_token)).toEqual(['whoami', 'list_mailboxes']);
	});
});

describe('root-metadata and challenge-only-metadata', () => {
	it('root-metadata: the root document is found without any hint, and a login works', async () => {
		const sandbox = sandboxOf('root-metadata');
		// oauth4webapi tries the path-aware location only (RFC 9728 section 3.1): absent here.
		await expect(oauth.resourceDiscoveryRequest(new URL(sandbox.mcpUrl), insecure).then(async response => oauth.processResourceDiscoveryResponse(new URL(sandbox.mcpUrl), response))).rejects.toThrow();
		const metadata = await oauth.processResourceDiscoveryResponse(new URL(sandbox.mcpUrl), await fetch(`${originOf(sandbox)}/.well-known/oauth-protected-resource`));
		expect(metadata.scopes_supported).toEqual([genericScope]);
		const as = await discover(sandbox, 'oauth2');
		const {tokens} = await login(sandbox, {as, client: await register(as, genericScope), scope: genericScope});
		expect(await toolNames(sandbox, tokens.access_token)).toContain('whoami');
	});

	it('challenge-only-metadata: the 401 names the only location, and a login works', async () => {
		const sandbox = sandboxOf('challenge-only-metadata');
		const {challenge} = await unauthorized(sandbox);
		const url = /resource_metadata="([^"]+)"/.exec(challenge ?? '')?.[1];
		expect(url).toBe(`${originOf(sandbox)}/meta/mcp-resource`);
		const metadata = await oauth.processResourceDiscoveryResponse(new URL(sandbox.mcpUrl), await fetch(url!));
		expect(metadata.authorization_servers).toEqual([sandbox.issuer]);
		const as = await discover(sandbox, 'oauth2');
		const {tokens} = await login(sandbox, {as, client: await register(as, genericScope), scope: genericScope});
		expect(await toolNames(sandbox, tokens.access_token)).toContain('whoami');
	});
});

describe('legacy-2025-03-26', () => {
	const legacyAs = (sandbox: Sandbox): oauth.AuthorizationServer => {
		// MCP 2025-03-26: no metadata anywhere, so the default endpoints at the MCP server's origin.
		const origin = originOf(sandbox);
		return {issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, registration_endpoint: `${origin}/register`};
	};

	it('has the default endpoints at the origin', () => {
		const sandbox = sandboxOf('legacy-2025-03-26');
		expect(sandbox.endpoints).toEqual({
			authorization: `${originOf(sandbox)}/authorize`,
			token: `${originOf(sandbox)}/token`,
			registration: `${originOf(sandbox)}/register`,
		});
	});

	it('logs in without scope or resource (the default scope, the MCP URL as audience), and with them', async () => {
		const sandbox = sandboxOf('legacy-2025-03-26');
		const as = legacyAs(sandbox);
		const client = await register(as, undefined);
		expect(sandbox.requests.registration.at(-1)?.path).toBe('/register');
		const bare = await login(sandbox, {as, client, resource: undefined});
		expect(sandbox.requests.authorization.at(-1)?.query).not.toHaveProperty('scope');
		expect(decodeClaims(bare.tokens.access_token)).toMatchObject({aud: sandbox.mcpUrl, scope: genericScope});
		expect(await toolNames(sandbox, bare.tokens.access_token)).toContain('whoami');

		const full = await login(sandbox, {as, client, scope: genericScope});
		expect(decodeClaims(full.tokens.access_token)).toMatchObject({aud: sandbox.mcpUrl, scope: genericScope});
		expect(await toolNames(sandbox, full.tokens.access_token)).toContain('whoami');
	});

	it('speaks MCP 2025-03-26', async () => {
		const sandbox = sandboxOf('legacy-2025-03-26');
		const as = legacyAs(sandbox);
		const {tokens} = await login(sandbox, {as, client: await register(as, undefined)});
		const {message} = await mcpCall(sandbox, tokens.access_token, 'initialize', {
			protocolVersion: '2025-11-25',
			capabilities: {},
			clientInfo: {name: 'sandbox-profile-test', version: '1.0.0'},
		});
		expect(message?.['result']).toMatchObject({protocolVersion: '2025-03-26', serverInfo: {name: 'sandbox-legacy-2025-03-26'}});

		// A current SDK client settles for that version.
		const mcp = new Client({name: 'sandbox-profile-test', version: '1.0.0'});
		const transport = new StreamableHTTPClientTransport(new URL(sandbox.mcpUrl), {requestInit: {headers: {authorization: `Bearer ${tokens.access_token}`}}});
		await mcp.connect(transport);
		try {
			expect(transport.protocolVersion).toBe('2025-03-26');
			expect((await mcp.listTools()).tools.map(tool => tool.name)).toEqual(['whoami', 'list_mailboxes']);
		} finally {
			await mcp.close();
		}
	});
});

describe('preregistered', () => {
	it('has no registration endpoint and takes client_secret_basic only', async () => {
		const sandbox = sandboxOf('preregistered');
		const as = await discover(sandbox, 'oauth2');
		expect(as.registration_endpoint).toBeUndefined();
		expect(as.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic']);
		expect(sandbox.preregisteredClient).toEqual({clientId: 'sandbox-preregistered-client', clientSecret: expect.any(String), tokenEndpointAuthMethod: 'client_secret_basic'});
		const response = await fetch(`${originOf(sandbox)}/oauth2/register`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{}'});
		await response.body?.cancel();
		expect(response.status).toBe(404);
		expect(sandbox.requests.registration).toEqual([]);
	});

	it('logs in with the pre-registered client on any loopback port, authenticating with HTTP Basic', async () => {
		const sandbox = sandboxOf('preregistered');
		const {clientId, clientSecret} = sandbox.preregisteredClient!;
		const as = await discover(sandbox, 'oauth2');
		const client: oauth.Client = {client_id: clientId};
		const {tokens} = await login(sandbox, {as, client, clientAuth: oauth.ClientSecretBasic(clientSecret), scope: `${genericScope} offline_access`});
		// RFC 6749 section 2.3.1: id and secret are form-urlencoded, then joined by a colon.
		const [scheme, credentials = ''] = (sandbox.requests.token.at(-1)?.headers['authorization'] ?? '').split(' ');
		expect(scheme).toBe('Basic');
		expect(Buffer.from(credentials, 'base64').toString().split(':').map(part => decodeURIComponent(part))).toEqual([clientId, clientSecret]);
		expect(new URLSearchParams(sandbox.requests.token.at(-1)?.body).has('client_secret')).toBe(false);
		expect(tokens.refresh_token).toEqual(expect.any(String));
		expect(decodeClaims(tokens.access_token)).toMatchObject({client_id: clientId, scope: genericScope});
		expect(await toolNames(sandbox, tokens.access_token)).toContain('whoami');
	});

	it('refuses a wrong secret, and the secret in the body', async () => {
		const sandbox = sandboxOf('preregistered');
		const {clientId, clientSecret} = sandbox.preregisteredClient!;
		const as = await discover(sandbox, 'oauth2');
		const client: oauth.Client = {client_id: clientId};
		for (const clientAuth of [oauth.ClientSecretBasic('wrong'), oauth.ClientSecretPost(clientSecret)]) {
			const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, 'no-such-token', insecure);
			expect(response.status).toBe(401);
			expect(await response.json()).toMatchObject({error: 'invalid_client'});
		}
	});
});

describe('client-metadata-document', () => {
	it('announces Client ID Metadata Documents, has no registration endpoint, and serves its own document', async () => {
		const sandbox = sandboxOf('client-metadata-document');
		const as = await discover(sandbox, 'oauth2');
		expect(as['client_id_metadata_document_supported']).toBe(true);
		expect(as.registration_endpoint).toBeUndefined();
		expect(sandbox.clientMetadataDocumentUrl).toBe(`${originOf(sandbox)}/clients/mcp-auth-wizard.json`);
		expect(await getJson(sandbox.clientMetadataDocumentUrl!)).toEqual({
			client_id: sandbox.clientMetadataDocumentUrl,
			client_name: expect.any(String),
			application_type: 'native',
			redirect_uris: ['http://127.0.0.1/callback'],
			grant_types: ['authorization_code', 'refresh_token'],
			response_types: ['code'],
			token_endpoint_auth_method: 'none',
			scope: 'mcp:tools offline_access',
		});
	});

	it('logs in with the document\'s URL as client id, fetching the document', async () => {
		const sandbox = sandboxOf('client-metadata-document');
		const as = await discover(sandbox, 'oauth2');
		const client: oauth.Client = {client_id: sandbox.clientMetadataDocumentUrl!};
		const fetchesBefore = sandbox.requests.clientMetadata.length;
		const {tokens} = await login(sandbox, {as, client, scope: genericScope});
		expect(decodeClaims(tokens.access_token)).toMatchObject({client_id: sandbox.clientMetadataDocumentUrl, scope: genericScope});
		expect(await toolNames(sandbox, tokens.access_token)).toContain('whoami');
		const fetches = sandbox.requests.clientMetadata.slice(fetchesBefore);
		expect(fetches.length).toBeGreaterThan(0);
		expect(fetches.every(fetched => fetched.url === sandbox.clientMetadataDocumentUrl && fetched.status === 200 && fetched.refused === undefined)).toBe(true);
	});

	it('refuses a document whose client_id is not its URL, and a redirect_uri the document does not list', async () => {
		const sandbox = sandboxOf('client-metadata-document');
		const as = await discover(sandbox, 'oauth2');
		const documents = await startJsonServer(origin => ({
			'/impostor.json': {body: {client_id: `${origin}/other.json`, client_name: 'impostor', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none', application_type: 'native'}},
			'/elsewhere.json': {body: {client_id: `${origin}/elsewhere.json`, client_name: 'elsewhere', redirect_uris: ['http://127.0.0.1/elsewhere'], token_endpoint_auth_method: 'none', application_type: 'native'}},
		}));
		onTestFinished(async () => documents.close());

		const impostor = `${documents.origin}/impostor.json`;
		const {url} = await authorizationUrl(sandbox, {as, client: {client_id: impostor}, scope: genericScope});
		const response = await fetch(url);
		expect(response.status).toBe(400);
		const page = await response.text();
		expect(page).toContain('invalid_client_metadata');
		expect(page).toContain('is not its URL');
		expect(sandbox.requests.clientMetadata.filter(fetched => fetched.url === impostor).at(-1)).toMatchObject({status: 200, refused: expect.stringContaining('is not its URL')});

		const elsewhere = `${documents.origin}/elsewhere.json`;
		await expect(browse((await authorizationUrl(sandbox, {as, client: {client_id: elsewhere}, scope: genericScope})).url, {openCallback: false}))
			.rejects.toThrow(/invalid_redirect_uri/);
	});
});

describe('step-up', () => {
	it('answers the tool with 403 insufficient_scope and the scopes it needs, then serves it with them', async () => {
		const sandbox = sandboxOf('step-up');
		expect(sandbox.stepUp).toEqual({tool: 'send_email', scope: mailScope});
		const as = await discover(sandbox, 'oauth2');
		const first = await login(sandbox, {as, client: await register(as, fastmailScope), scope: fastmailScope});
		expect(await toolNames(sandbox, first.tokens.access_token)).toEqual(['whoami', 'list_mailboxes', 'send_email']);
		expect((await mcpCall(sandbox, first.tokens.access_token, 'tools/call', {name: 'whoami', arguments: {}})).status).toBe(200);

		const call = {method: 'tools/call', params: {name: 'send_email', arguments: {to: 'bob@example.com', subject: 'hi'}}};
		const [challenge, ...others] = await challengesOf(sandbox, first.tokens.access_token, call);
		expect(others).toEqual([]);
		expect(challenge).toMatchObject({
			scheme: 'bearer',
			parameters: {
				error: 'insufficient_scope',
				scope: `${fastmailScope} ${mailScope}`,
				resource_metadata: `${originOf(sandbox)}/.well-known/oauth-protected-resource/mcp`,
			},
		});

		// The client registered for fewer scopes registers again with the union (MCP 2025-11-25 step-up).
		const union = `${fastmailScope} ${mailScope}`;
		const second = await login(sandbox, {as, client: await register(as, union), scope: union});
		expect(decodeClaims(second.tokens.access_token)['scope']).toBe(union);
		const {status, message} = await mcpCall(sandbox, second.tokens.access_token, 'tools/call', call.params);
		expect(status).toBe(200);
		expect(JSON.stringify(message?.['result'])).toContain('bob@example.com');
	});
});

describe('iss-required', () => {
	it('promises and sends the issuer in the authorization response (RFC 9207)', async () => {
		const sandbox = sandboxOf('iss-required');
		const as = await discover(sandbox, 'oauth2');
		expect(as.authorization_response_iss_parameter_supported).toBe(true);
		const {callbackUrl, tokens} = await login(sandbox, {as, client: await register(as, genericScope), scope: genericScope});
		expect(callbackUrl.searchParams.get('iss')).toBe(sandbox.issuer);
		expect(await toolNames(sandbox, tokens.access_token)).toContain('whoami');
	});
});

describe('faults', () => {
	it('resourceMismatch: the resource metadata names the MCP URL with a trailing slash', async () => {
		const sandbox = await startOwn('fastmail', {resourceMismatch: true});
		const response = await fetch(sandbox.resourceMetadataUrl!);
		await expect(oauth.processResourceDiscoveryResponse(new URL(sandbox.mcpUrl), response.clone())).rejects.toThrow(/resource/);
		expect(await response.json()).toMatchObject({resource: `${sandbox.mcpUrl}/`, authorization_servers: [sandbox.issuer]});
	});

	it('issuerMismatch: the metadata names another issuer, endpoints unchanged', async () => {
		const sandbox = await startOwn('openid-tenant', {issuerMismatch: true});
		await expect(discover(sandbox, 'oidc')).rejects.toThrow(/issuer/);
		const metadata = await getJson(sandbox.authorizationServerMetadataUrl!);
		expect(metadata['issuer']).toBe(mismatchedIssuer(sandbox.issuer));
		expect(metadata['issuer']).toBe(sandbox.issuer.replace('127.0.0.1', 'localhost'));
		expect(metadata['authorization_endpoint']).toBe(sandbox.endpoints.authorization);
	});

	it('noS256: the metadata offers only plain, while the server still refuses it', async () => {
		const sandbox = await startOwn('fastmail', {noS256: true});
		const metadata = await getJson(sandbox.authorizationServerMetadataUrl!);
		expect(metadata['code_challenge_methods_supported']).toEqual(['plain']);
		const as = {...metadata, code_challenge_methods_supported: ['S256']} as unknown as oauth.AuthorizationServer;
		const client = await register(as, fastmailScope);
		const {url} = await authorizationUrl(sandbox, {as, client, scope: fastmailScope});
		url.searchParams.set('code_challenge', oauth.generateRandomCodeVerifier());
		url.searchParams.set('code_challenge_method', 'plain');
		const {callbackUrl} = await browse(url, {openCallback: false});
		expect(callbackUrl.searchParams.get('error')).toBe('invalid_request');
	});

	it('omitIss: the metadata promises iss, but neither a code nor an error carries it', async () => {
		const sandbox = await startOwn('iss-required', {omitIss: true});
		const as = await discover(sandbox, 'oauth2');
		expect(as.authorization_response_iss_parameter_supported).toBe(true);
		const client = await register(as, genericScope);
		const {url, state} = await authorizationUrl(sandbox, {as, client, scope: genericScope});
		const {callbackUrl} = await browse(url, {openCallback: false});
		expect(callbackUrl.searchParams.get('code')).toEqual(expect.any(String));
		expect(callbackUrl.searchParams.has('iss')).toBe(false);
		expect(() => oauth.validateAuthResponse(as, client, callbackUrl, state)).toThrow(/iss/);

		const denied = await browse((await authorizationUrl(sandbox, {as, client, scope: genericScope})).url, {openCallback: false, action: 'deny'});
		expect(denied.callbackUrl.searchParams.get('error')).toBe('access_denied');
		expect(denied.callbackUrl.searchParams.has('iss')).toBe(false);
	});

	it('a fault leaves the rest of the profile as it was', async () => {
		const sandbox = await startOwn('preregistered', {resourceMismatch: true, omitIss: true});
		expect(sandbox.faults).toEqual({resourceMismatch: true, omitIss: true});
		const as = await discover(sandbox, 'oauth2');
		expect(as.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic']);
		expect(await unauthorized(sandbox)).toMatchObject({status: 401});
	});
});
