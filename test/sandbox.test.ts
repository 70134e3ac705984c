import {execFile} from 'node:child_process';
import {getEventListeners} from 'node:events';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {Client, StreamableHTTPClientTransport} from '@modelcontextprotocol/client';
import * as oauth from 'oauth4webapi';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {startSandbox, type Sandbox} from '../source/sandbox/index.js';
import {browse} from './helpers/scripted-browser.mjs';

const mcpScope = 'https://www.fastmail.com/dev/mcp';
const mailScope = 'urn:ietf:params:oauth:scope:mail';
const scriptedBrowser = fileURLToPath(new URL('helpers/scripted-browser.mjs', import.meta.url));
// Not a listener: browse() stops before opening it unless a test says otherwise.
const redirectUri = 'http://127.0.0.1:9/callback';

let sandbox: Sandbox;
const logLines: string[] = [];
const consoleCalls: unknown[][] = [];

beforeAll(async () => {
	const spies = (['log', 'info', 'warn', 'error'] as const).map(method =>
		vi.spyOn(console, method).mockImplementation((...data: unknown[]) => {
			consoleCalls.push(data);
		}));
	try {
		sandbox = await startSandbox({onLog: line => logLines.push(line)});
	} finally {
		for (const spy of spies) spy.mockRestore();
	}
});

afterAll(async () => {
	await sandbox?.close();
});

function decodeJwt(token: string): {header: Record<string, unknown>; claims: Record<string, unknown>} {
	const [header = '', claims = ''] = token.split('.');
	return {
		header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
		claims: JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>,
	};
}

async function register(scope: string | undefined): Promise<Response> {
	return fetch(`${sandbox.issuer}/oauth/register`, {
		method: 'POST',
		headers: {'content-type': 'application/json'},
		body: JSON.stringify({
			client_name: 'sandbox test',
			redirect_uris: [redirectUri],
			grant_types: ['authorization_code', 'refresh_token'],
			response_types: ['code'],
			token_endpoint_auth_method: 'none',
			application_type: 'native',
			...(scope === undefined ? {} : {scope}),
		}),
	});
}

/** Discovery, registration and PKCE as an MCP client does them; returns what a login needs. */
async function prepareLogin(scope: string, redirect = redirectUri) {
	const issuer = new URL(sandbox.issuer);
	const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, {algorithm: 'oauth2', [oauth.allowInsecureRequests]: true}));
	const registration = await oauth.dynamicClientRegistrationRequest(as, {
		client_name: 'sandbox test',
		redirect_uris: [redirect],
		grant_types: ['authorization_code', 'refresh_token'],
		response_types: ['code'],
		token_endpoint_auth_method: 'none',
		application_type: 'native',
		scope,
	}, {[oauth.allowInsecureRequests]: true});
	const client = await oauth.processDynamicClientRegistrationResponse(registration);
	const codeVerifier = oauth.generateRandomCodeVerifier();
	const state = oauth.generateRandomState();
	const authorizationUrl = new URL(as.authorization_endpoint!);
	authorizationUrl.search = new URLSearchParams({
		client_id: client.client_id,
		redirect_uri: redirect,
		response_type: 'code',
		scope,
		state,
		code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
		code_challenge_method: 'S256',
		resource: sandbox.mcpUrl,
	}).toString();
	return {as, client, codeVerifier, state, authorizationUrl};
}

/** A complete login: the scripted browser signs in, then the code is exchanged at /oauth/refresh. */
async function login(scope: string) {
	const {as, client, codeVerifier, state, authorizationUrl} = await prepareLogin(scope);
	const {callbackUrl} = await browse(authorizationUrl, {openCallback: false});
	// Checks state and, as the metadata announces RFC 9207, iss.
	const parameters = oauth.validateAuthResponse(as, client, callbackUrl, state);
	const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), parameters, redirectUri, codeVerifier, {
		additionalParameters: {resource: sandbox.mcpUrl},
		[oauth.allowInsecureRequests]: true,
	});
	const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
	return {as, client, tokens};
}

async function connectMcp(accessToken: string): Promise<Client> {
	const client = new Client({name: 'sandbox-test', version: '1.0.0'});
	await client.connect(new StreamableHTTPClientTransport(new URL(sandbox.mcpUrl), {
		requestInit: {headers: {authorization: `Bearer ${accessToken}`}},
	}));
	return client;
}

async function postMcp(authorization?: string): Promise<Response> {
	return fetch(sandbox.mcpUrl, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			accept: 'application/json, text/event-stream',
			...(authorization ? {authorization} : {}),
		},
		body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'tools/list'}),
	});
}

describe('startup', () => {
	it('keeps oidc-provider off the console and reports to onLog instead', () => {
		expect(consoleCalls).toEqual([]);
		expect(logLines.some(line => line.includes('devInteractions'))).toBe(true);
		expect(sandbox.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sandbox.mcpUrl).toBe(`${sandbox.issuer}/mcp`);
	});
});

describe('discovery', () => {
	it('answers an MCP request without a token with 401 and the resource metadata URL', async () => {
		for (const method of ['GET', 'POST']) {
			const response = await fetch(sandbox.mcpUrl, {method, headers: {'content-type': 'application/json'}, body: method === 'POST' ? '{}' : undefined});
			expect(response.status).toBe(401);
			expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${sandbox.issuer}/.well-known/oauth-protected-resource/mcp"`);
		}
	});

	it('serves the protected-resource metadata at the path-aware location only (RFC 9728)', async () => {
		const response = await fetch(`${sandbox.issuer}/.well-known/oauth-protected-resource/mcp`);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({
			resource: sandbox.mcpUrl,
			authorization_servers: [sandbox.issuer],
			scopes_supported: [mcpScope, 'offline_access'],
		});
		expect((await fetch(`${sandbox.issuer}/.well-known/oauth-protected-resource`)).status).toBe(404);
	});

	it('serves RFC 8414 metadata with Fastmail\'s fields, and no OpenID configuration', async () => {
		const response = await fetch(`${sandbox.issuer}/.well-known/oauth-authorization-server`);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({
			issuer: sandbox.issuer,
			registration_endpoint: `${sandbox.issuer}/oauth/register`,
			authorization_endpoint: `${sandbox.issuer}/oauth/authorize`,
			token_endpoint: `${sandbox.issuer}/oauth/refresh`,
			scopes_supported: [
				'urn:ietf:params:oauth:scope:mail',
				'urn:ietf:params:oauth:scope:contacts',
				'urn:ietf:params:oauth:scope:calendars',
				mcpScope,
				'offline_access',
			],
			token_endpoint_auth_methods_supported: ['none'],
			code_challenge_methods_supported: ['S256'],
			response_types_supported: ['code'],
			grant_types_supported: ['authorization_code', 'refresh_token'],
		});
		expect((await fetch(`${sandbox.issuer}/.well-known/openid-configuration`)).status).toBe(404);
	});
});

describe('registration', () => {
	it('refuses a registration without scope with Fastmail\'s exact answer', async () => {
		const response = await register(undefined);
		expect(response.status).toBe(400);
		expect(response.headers.get('content-type')).toMatch(/^application\/json/);
		expect(await response.text()).toBe('{"error_description":"invalid_request no scope","error":"invalid_request"}');
		const recorded = sandbox.requests.registration.at(-1);
		expect(recorded?.method).toBe('POST');
		expect(JSON.parse(recorded?.body ?? '{}')).not.toHaveProperty('scope');
	});

	it('registers a public native client with scope and echoes the scope', async () => {
		const response = await register(`${mcpScope} offline_access`);
		expect(response.status).toBe(201);
		expect(await response.json()).toMatchObject({
			scope: `${mcpScope} offline_access`,
			token_endpoint_auth_method: 'none',
			application_type: 'native',
			redirect_uris: [redirectUri],
		});
	});
});

describe('login', () => {
	it('runs the code flow with PKCE and resource, then serves MCP with the token', async () => {
		const {tokens} = await login(`${mcpScope} offline_access`);
		expect(tokens.token_type.toLowerCase()).toBe('bearer');
		expect(tokens.scope).toBe(mcpScope);
		expect(tokens.refresh_token).toEqual(expect.any(String));
		const {header, claims} = decodeJwt(tokens.access_token);
		expect(header).toMatchObject({typ: 'at+jwt', alg: 'RS256'});
		expect(claims).toMatchObject({iss: sandbox.issuer, aud: sandbox.mcpUrl, sub: 'alice', scope: mcpScope});

		const authorization = sandbox.requests.authorization.at(-1);
		expect(authorization?.query).toMatchObject({resource: sandbox.mcpUrl, code_challenge_method: 'S256'});
		const tokenRequest = new URLSearchParams(sandbox.requests.token.at(-1)?.body);
		expect(tokenRequest.get('grant_type')).toBe('authorization_code');
		expect(tokenRequest.get('resource')).toBe(sandbox.mcpUrl);
		expect(tokenRequest.get('code_verifier')).toEqual(expect.any(String));

		const mcp = await connectMcp(tokens.access_token);
		try {
			expect(mcp.getServerVersion()?.name).toBe('sandbox-fastmail');
			const {tools} = await mcp.listTools();
			expect(tools.map(tool => tool.name)).toEqual(['whoami', 'list_mailboxes']);
			const whoami = await mcp.callTool({name: 'whoami'});
			expect(JSON.stringify(whoami.content)).toContain('alice');
		} finally {
			await mcp.close();
		}

		expect(sandbox.requests.mcp.some(request => request.headers['authorization'] === `Bearer ${tokens.access_token}`)).toBe(true);
	});

	it('refreshes at /oauth/refresh with the refresh_token grant', async () => {
		const {as, client, tokens} = await login(`${mcpScope} offline_access`);
		const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, {
			additionalParameters: {resource: sandbox.mcpUrl},
			[oauth.allowInsecureRequests]: true,
		});
		const refreshed = await oauth.processRefreshTokenResponse(as, client, response);
		expect(refreshed.access_token).not.toBe(tokens.access_token);
		expect(decodeJwt(refreshed.access_token).claims).toMatchObject({aud: sandbox.mcpUrl, scope: mcpScope});
		expect(new URLSearchParams(sandbox.requests.token.at(-1)?.body).get('grant_type')).toBe('refresh_token');
		expect((await postMcp(`Bearer ${refreshed.access_token}`)).status).toBe(200);
	});

	it('issues no refresh token without offline_access', async () => {
		const {tokens} = await login(mcpScope);
		expect(tokens.refresh_token).toBeUndefined();
	});

	it('answers access_denied when the user cancels', async () => {
		const {authorizationUrl} = await prepareLogin(`${mcpScope} offline_access`);
		const {callbackUrl} = await browse(authorizationUrl, {openCallback: false, action: 'deny'});
		expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
		expect(callbackUrl.searchParams.get('code')).toBeNull();
	});

	it('refuses scopes outside the registered scope', async () => {
		const {client, as, state} = await prepareLogin(`${mcpScope} offline_access`);
		const url = new URL(as.authorization_endpoint!);
		url.search = new URLSearchParams({
			client_id: client.client_id,
			redirect_uri: redirectUri,
			response_type: 'code',
			scope: mailScope,
			state,
			code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
			code_challenge_method: 'S256',
			resource: sandbox.mcpUrl,
		}).toString();
		const {callbackUrl} = await browse(url, {openCallback: false});
		expect(callbackUrl.searchParams.get('error')).toBe('invalid_scope');
	});
});

describe('MCP token checks', () => {
	it('rejects a malformed or tampered token with invalid_token', async () => {
		const {tokens} = await login(mcpScope);
		const [header, , signature] = tokens.access_token.split('.');
		const claims = {...decodeJwt(tokens.access_token).claims, sub: 'mallory'};
		const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
		for (const token of ['not-a-token', tampered]) {
			const response = await postMcp(`Bearer ${token}`);
			expect(response.status).toBe(401);
			const challenge = response.headers.get('www-authenticate') ?? '';
			expect(challenge).toContain('error="invalid_token"');
			expect(challenge).toContain(`resource_metadata="${sandbox.issuer}/.well-known/oauth-protected-resource/mcp"`);
		}
	});

	it('answers a valid token without the MCP scope with 403 insufficient_scope', async () => {
		const {tokens} = await login(mailScope);
		expect(decodeJwt(tokens.access_token).claims['scope']).toBe(mailScope);
		const response = await postMcp(`Bearer ${tokens.access_token}`);
		expect(response.status).toBe(403);
		const challenge = response.headers.get('www-authenticate') ?? '';
		expect(challenge).toContain('error="insufficient_scope"');
		expect(challenge).toContain(`scope="${mcpScope}"`);
	});
});

describe('a long MCP session', () => {
	it('leaves no listener behind per request on a signal that outlives it (a proxy makes thousands of requests)', async () => {
		const {tokens} = await login(mcpScope);
		// The signals the MCP endpoint's requests are made with, as it makes them.
		const signals = new Set<AbortSignal>();
		const original = globalThis.Request;
		globalThis.Request = class extends original {
			constructor(input: RequestInfo | URL, init?: RequestInit) {
				super(input, init);
				if (init?.signal) signals.add(init.signal);
			}
		};
		try {
			for (let i = 0; i < 20; i++) expect((await postMcp(`Bearer ${tokens.access_token}`)).status).toBe(200);
		} finally {
			globalThis.Request = original;
		}

		expect(signals.size).toBeGreaterThan(0);
		expect(Math.max(...[...signals].map(signal => getEventListeners(signal, 'abort').length))).toBeLessThan(5);
	});
});

describe('scripted browser as a program', () => {
	let callbackServer: Server | undefined;

	afterAll(async () => {
		callbackServer?.closeAllConnections();
		await new Promise(resolve => {
			callbackServer?.close(resolve) ?? resolve(undefined);
		});
	});

	async function runBrowser(action: string | undefined): Promise<{exitCode: number; callback: URL}> {
		const callbacks: URL[] = [];
		callbackServer = createServer((request, response) => {
			callbacks.push(new URL(request.url ?? '/', 'http://127.0.0.1'));
			response.end('You may close this window.');
		});
		await new Promise<void>(resolve => {
			callbackServer!.listen(0, '127.0.0.1', resolve);
		});
		const {port} = callbackServer.address() as AddressInfo;
		const {authorizationUrl} = await prepareLogin(`${mcpScope} offline_access`, `http://127.0.0.1:${port}/callback`);
		const environment = {...process.env, SCRIPTED_BROWSER_USER: 'bob', SCRIPTED_BROWSER_ACTION: action ?? ''};
		let exitCode = 0;
		try {
			await promisify(execFile)(process.execPath, [scriptedBrowser, authorizationUrl.href], {env: environment, timeout: 20_000});
		} catch (error) {
			exitCode = (error as {code?: number}).code ?? 1;
		}

		callbackServer.closeAllConnections();
		await new Promise(resolve => {
			callbackServer!.close(resolve);
		});
		callbackServer = undefined;
		expect(callbacks).toHaveLength(1);
		return {exitCode, callback: callbacks[0]!};
	}

	it('signs in and opens the redirect_uri, then exits 0', async () => {
		const {exitCode, callback} = await runBrowser(undefined);
		expect(exitCode).toBe(0);
		expect(callback.pathname).toBe('/callback');
		expect(callback.searchParams.get('code')).toEqual(expect.any(String));
	});

	it('cancels with SCRIPTED_BROWSER_ACTION=deny', async () => {
		const {exitCode, callback} = await runBrowser('deny');
		expect(exitCode).toBe(0);
		expect(callback.searchParams.get('error')).toBe('access_denied');
	});

	it('exits 1 with a reason on an unexpected page', async () => {
		const run = promisify(execFile)(process.execPath, [scriptedBrowser, `${sandbox.issuer}/oauth/authorize?client_id=unknown`], {timeout: 20_000});
		await expect(run).rejects.toMatchObject({code: 1, stderr: expect.stringContaining('scripted-browser:')});
	});
});

describe('close', () => {
	it('closes promptly with keep-alive connections open', async () => {
		const other = await startSandbox();
		const response = await fetch(`${other.issuer}/.well-known/oauth-protected-resource/mcp`, {headers: {connection: 'keep-alive'}});
		await response.text();
		await other.close();
		await expect(fetch(other.mcpUrl)).rejects.toThrow();
	});
});
