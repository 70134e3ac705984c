import {createPublicKey, verify, type JsonWebKey} from 'node:crypto';
import {existsSync, readFileSync, statSync} from 'node:fs';
import {Client, StreamableHTTPClientTransport} from '@modelcontextprotocol/client';
import * as oauth from 'oauth4webapi';
import {afterAll, beforeAll, describe, expect, it, onTestFinished, vi} from 'vitest';
import {demoBanner} from '../source/commands/sandbox.js';
import type {Sandbox, SandboxEnterprise} from '../source/sandbox/index.js';
import {enterpriseApps} from '../source/sandbox/profiles.js';
import {browse} from './helpers/scripted-browser.mjs';
import {sandboxSecrets, startTestSandbox} from './helpers/secret-scan.js';

// The enterprise profile (SEP-990) checked with plain fetch and oauth4webapi, not with source/core, so
// that these tests say what the sandbox serves whatever the client does. Spelled out here, not imported.
const tokenExchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const idTokenType = 'urn:ietf:params:oauth:token-type:id_token';
const idJagType = 'urn:ietf:params:oauth:token-type:id-jag';
const scope = 'mcp:tools';
const insecure = {[oauth.allowInsecureRequests]: true} as const;
const otherApp = enterpriseApps[1];

let sandbox: Sandbox;
let enterprise: SandboxEnterprise;

beforeAll(async () => {
	sandbox = await startTestSandbox({profile: 'enterprise'});
	enterprise = sandbox.enterprise!;
}, 60_000);

afterAll(async () => {
	await sandbox?.close();
});

const origin = () => new URL(sandbox.mcpUrl).origin;

type Answer = {readonly status: number; readonly body: Record<string, unknown>};

async function postForm(url: string, form: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<Answer> {
	const body = new URLSearchParams(Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined));
	const response = await fetch(url, {method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded', ...headers}, body});
	return {status: response.status, body: (await response.json()) as Record<string, unknown>};
}

/** RFC 8693 2.1 at the identity provider, as SEP-990 profiles it; `changes` replace (undefined: leave out) parameters. */
/** SEP-990's token exchange as a client sends it (RFC 8693 2.1: the ID token for an ID-JAG), with `changes`. */
function exchangeForm(changes: Record<string, string | undefined> = {}): Record<string, string | undefined> {
	return {
		grant_type: tokenExchangeGrant,
		subject_token: enterprise.idToken,
		subject_token_type: idTokenType,
		requested_token_type: idJagType,
		audience: sandbox.issuer,
		resource: sandbox.mcpUrl,
		client_id: enterprise.idpClientId,
		scope,
		...changes,
	};
}

async function exchange(changes: Record<string, string | undefined> = {}): Promise<Answer> {
	return postForm(enterprise.idpTokenEndpoint, exchangeForm(changes));
}

/** An ID-JAG from the identity provider, or the test fails. */
async function idJag(changes: Record<string, string | undefined> = {}): Promise<string> {
	const answer = await exchange(changes);
	expect(answer.status, JSON.stringify(answer.body)).toBe(200);
	return answer.body['access_token'] as string;
}

/** RFC 6749 2.3.1: id and secret form-urlencoded, then joined by a colon. */
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** RFC 7523 2.1 at the authorization server, the client authenticated with client_secret_basic. */
async function redeem(assertion: string | undefined, options: {readonly secret?: string; readonly form?: Record<string, string>} = {}): Promise<Answer> {
	return postForm(sandbox.endpoints.token, {grant_type: jwtBearerGrant, assertion, ...options.form}, {authorization: basic(enterprise.clientId, options.secret ?? enterprise.clientSecret)});
}

function decode(jwt: string): {header: Record<string, unknown>; claims: Record<string, unknown>} {
	const [header = '', claims = ''] = jwt.split('.');
	const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;
	return {header: json(header), claims: json(claims)};
}

/** The JWT with one claim changed and its signature kept: no longer what was signed. */
function tampered(jwt: string, claims: Record<string, unknown>): string {
	const [header, payload = '', signature] = jwt.split('.');
	const changed = {...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>), ...claims};
	return [header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.');
}

/** Later by `seconds`, for the sandbox too (it runs in this process); only Date, so that HTTP keeps its timers. */
function later(seconds: number): void {
	vi.useFakeTimers({toFake: ['Date'], now: Date.now() + seconds * 1000});
	onTestFinished(() => {
		vi.useRealTimers();
	});
}

describe('discovery', () => {
	it('the identity provider has an issuer of its own at /idp, OpenID metadata there, its keys and token exchange', async () => {
		expect(enterprise.idpIssuer).toBe(`${origin()}/idp`);
		const issuer = new URL(enterprise.idpIssuer);
		// OpenID Connect Discovery 4: the well-known path appended to the issuer's.
		const idp = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, {algorithm: 'oidc', ...insecure}));
		expect(idp.token_endpoint).toBe(enterprise.idpTokenEndpoint);
		expect(idp.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', tokenExchangeGrant]));
		expect(idp.token_endpoint_auth_methods_supported).toEqual(['none']);
		expect(idp.scopes_supported).toContain('openid');
		expect(idp.jwks_uri).toBe(`${enterprise.idpIssuer}/jwks`);
		const jwks = (await (await fetch(idp.jwks_uri!)).json()) as {keys: Array<Record<string, unknown>>};
		expect(jwks.keys.map(key => key['kid'])).toEqual([decode(enterprise.idToken).header['kid']]);
		expect(jwks.keys[0]).not.toHaveProperty('d');
	});

	it('the authorization server lists the JWT bearer grant and client_secret_basic, and has no registration', async () => {
		const issuer = new URL(sandbox.issuer);
		const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, {algorithm: 'oauth2', ...insecure}));
		expect(as.grant_types_supported).toContain(jwtBearerGrant);
		expect(as.grant_types_supported).not.toContain(tokenExchangeGrant);
		expect(as.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic']);
		expect(as.registration_endpoint).toBeUndefined();
		expect(sandbox.preregisteredClient).toEqual({clientId: enterprise.clientId, clientSecret: enterprise.clientSecret, tokenEndpointAuthMethod: 'client_secret_basic'});
	});

	it('hands out the demo user\'s ID token: 1 hour, for the IdP client, signed with the IdP\'s published key, in a 0600 file', async () => {
		expect(enterprise).toMatchObject({idpClientId: 'sandbox-idp-client', clientId: 'sandbox-enterprise-client', user: 'demo-user@example.com'});
		const {header, claims} = decode(enterprise.idToken);
		expect(claims).toMatchObject({iss: enterprise.idpIssuer, sub: 'demo-user@example.com', aud: enterprise.idpClientId});
		expect(Number(claims['exp']) - Number(claims['iat'])).toBe(3600);
		expect(header).toMatchObject({alg: 'RS256'});
		const jwks = (await (await fetch(`${enterprise.idpIssuer}/jwks`)).json()) as {keys: JsonWebKey[]};
		const [head = '', payload = '', signature = ''] = enterprise.idToken.split('.');
		expect(verify('sha256', Buffer.from(`${head}.${payload}`), createPublicKey({key: jwks.keys[0]!, format: 'jwk'}), Buffer.from(signature, 'base64url'))).toBe(true);

		expect(readFileSync(enterprise.idTokenFile, 'utf8')).toBe(`${enterprise.idToken}\n`);
		expect(statSync(enterprise.idTokenFile).mode & 0o777).toBe(0o600);
		expect(sandbox.issued).toContainEqual({kind: 'id token', value: enterprise.idToken});
		expect(sandbox.issued).toContainEqual({kind: 'client secret', value: enterprise.clientSecret});
	});
});

describe('the whole exchange', () => {
	it('ID token → ID-JAG at the IdP → access token at the AS → MCP requests as the user', async () => {
		const exchanged = await exchange();
		expect(exchanged.status).toBe(200);
		expect(exchanged.body).toEqual({access_token: expect.any(String), issued_token_type: idJagType, token_type: 'N_A', expires_in: 300, scope});
		const assertion = exchanged.body['access_token'] as string;
		// What the IdP received: client_id in the body, no client authentication (a public client).
		const received = sandbox.requests.tokenExchange.at(-1)!;
		expect(received.path).toBe('/idp/token');
		expect(received.headers).not.toHaveProperty('authorization');
		expect(Object.fromEntries(new URLSearchParams(received.body))).toEqual(exchangeForm());

		const idJagParts = decode(assertion);
		expect(idJagParts.header).toEqual({alg: 'RS256', typ: 'oauth-id-jag+jwt', kid: decode(enterprise.idToken).header['kid']});
		expect(idJagParts.claims).toEqual({
			iss: enterprise.idpIssuer,
			sub: 'demo-user@example.com',
			aud: sandbox.issuer,
			// The client's id at the MCP authorization server, not at the IdP.
			client_id: enterprise.clientId,
			resource: sandbox.mcpUrl,
			scope,
			auth_time: expect.any(Number),
			jti: expect.any(String),
			iat: expect.any(Number),
			exp: Number(idJagParts.claims['iat']) + 300,
		});
		expect(sandbox.issued).toContainEqual({kind: 'ID-JAG', value: assertion});

		const redeemed = await redeem(assertion, {form: {scope}});
		expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
		// No refresh token: a new access token takes a new ID-JAG.
		expect(redeemed.body).toEqual({access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope});
		const accessToken = redeemed.body['access_token'] as string;
		const token = sandbox.requests.token.at(-1)!;
		expect(token.headers['authorization']).toBe(basic(enterprise.clientId, enterprise.clientSecret));
		expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({grant_type: jwtBearerGrant, assertion, scope});
		// RFC 9068: the JWT access token oidc-provider issues for the MCP server, for the user.
		const access = decode(accessToken);
		expect(access.header['typ']).toBe('at+jwt');
		expect(access.claims).toMatchObject({iss: sandbox.issuer, aud: sandbox.mcpUrl, sub: 'demo-user@example.com', client_id: enterprise.clientId, scope});
		expect(sandbox.issued).toContainEqual({kind: 'access token', value: accessToken});

		const mcp = new Client({name: 'sandbox-enterprise-test', version: '1.0.0'});
		await mcp.connect(new StreamableHTTPClientTransport(new URL(sandbox.mcpUrl), {requestInit: {headers: {authorization: `Bearer ${accessToken}`}}}));
		try {
			const whoami = await mcp.callTool({name: 'whoami', arguments: {}});
			const [content] = whoami.content as Array<{type: string; text: string}>;
			expect(JSON.parse(content!.text)).toEqual({subject: 'demo-user@example.com', clientId: enterprise.clientId, scopes: [scope]});
		} finally {
			await mcp.close();
		}
	});

	it('without scope anywhere, the ID-JAG has none and the access token gets what the MCP server needs', async () => {
		const exchanged = await exchange({scope: undefined});
		expect(exchanged.body).not.toHaveProperty('scope');
		const assertion = exchanged.body['access_token'] as string;
		expect(decode(assertion).claims).not.toHaveProperty('scope');
		const redeemed = await redeem(assertion);
		expect(redeemed).toMatchObject({status: 200, body: {scope}});
	});

	it('the identity provider\'s own browser login (code + PKCE, scope openid) yields an ID token that exchanges the same way', async () => {
		const issuer = new URL(enterprise.idpIssuer);
		const idp = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, {algorithm: 'oidc', ...insecure}));
		const client: oauth.Client = {client_id: enterprise.idpClientId};
		const redirectUri = 'http://127.0.0.1:9/callback';
		const verifier = oauth.generateRandomCodeVerifier();
		const url = new URL(idp.authorization_endpoint!);
		url.search = new URLSearchParams({client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256'}).toString();
		const {callbackUrl} = await browse(url, {openCallback: false, user: 'alice@example.com', timeoutMs: 60_000});
		const parameters = oauth.validateAuthResponse(idp, client, callbackUrl);
		const response = await oauth.authorizationCodeGrantRequest(idp, client, oauth.None(), parameters, redirectUri, verifier, insecure);
		const tokens = await oauth.processAuthorizationCodeResponse(idp, client, response, {requireIdToken: true});
		const idToken = tokens.id_token!;
		expect(decode(idToken).claims).toMatchObject({iss: enterprise.idpIssuer, sub: 'alice@example.com', aud: enterprise.idpClientId});
		expect(sandbox.issued).toContainEqual({kind: 'id token', value: idToken});

		const assertion = await idJag({subject_token: idToken});
		expect(decode(assertion).claims).toMatchObject({sub: 'alice@example.com', client_id: enterprise.clientId});
		const redeemed = await redeem(assertion);
		expect(redeemed.status).toBe(200);
		expect(decode(redeemed.body['access_token'] as string).claims['sub']).toBe('alice@example.com');
	}, 90_000);
});

describe('the authorization server refuses', () => {
	it('an ID-JAG for another audience', async () => {
		const assertion = await idJag({audience: `${origin()}/other-as`});
		expect(await redeem(assertion)).toEqual({status: 400, body: {error: 'invalid_grant', error_description: `the ID-JAG's audience is ${origin()}/other-as, not this authorization server (${sandbox.issuer})`}});
	});

	it('an ID-JAG for another resource, and a resource parameter that is not the ID-JAG\'s', async () => {
		const assertion = await idJag({resource: `${origin()}/other-mcp`});
		expect(await redeem(assertion)).toEqual({status: 400, body: {error: 'invalid_grant', error_description: `the ID-JAG is for the resource ${origin()}/other-mcp, not this MCP server (${sandbox.mcpUrl})`}});
		// RFC 8707 2.2.
		const right = await idJag();
		expect(await redeem(right, {form: {resource: `${origin()}/other-mcp`}})).toMatchObject({status: 400, body: {error: 'invalid_target'}});
	});

	it('an ID-JAG issued for another client (another application of the company)', async () => {
		// That application's ID token, from the IdP's browser login: its ID-JAGs name its own client id.
		const issuer = new URL(enterprise.idpIssuer);
		const idp = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, {algorithm: 'oidc', ...insecure}));
		const client: oauth.Client = {client_id: otherApp.idpClientId};
		const redirectUri = 'http://127.0.0.1:9/callback';
		const verifier = oauth.generateRandomCodeVerifier();
		const url = new URL(idp.authorization_endpoint!);
		url.search = new URLSearchParams({client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256'}).toString();
		const {callbackUrl} = await browse(url, {openCallback: false, timeoutMs: 60_000});
		const response = await oauth.authorizationCodeGrantRequest(idp, client, oauth.None(), oauth.validateAuthResponse(idp, client, callbackUrl), redirectUri, verifier, insecure);
		const {id_token: idToken} = await oauth.processAuthorizationCodeResponse(idp, client, response, {requireIdToken: true});

		const assertion = await idJag({subject_token: idToken, client_id: otherApp.idpClientId});
		expect(decode(assertion).claims['client_id']).toBe(otherApp.clientId);
		expect(await redeem(assertion)).toEqual({status: 400, body: {error: 'invalid_grant', error_description: `the ID-JAG was issued for the client ${otherApp.clientId}, not for ${enterprise.clientId}, the client that presented it`}});
	}, 90_000);

	it('a wrong client secret (RFC 6749 5.2), which leaves the ID-JAG unspent', async () => {
		const assertion = await idJag();
		expect(await redeem(assertion, {secret: 'wrong-secret'})).toMatchObject({status: 401, body: {error: 'invalid_client'}});
		expect((await redeem(assertion)).status).toBe(200);
	});

	it('an ID-JAG used twice (RFC 7523 3: its jti)', async () => {
		const assertion = await idJag();
		expect((await redeem(assertion)).status).toBe(200);
		expect(await redeem(assertion)).toMatchObject({status: 400, body: {error: 'invalid_grant', error_description: expect.stringContaining('used before')}});
	});

	it('an expired ID-JAG', async () => {
		const assertion = await idJag();
		later(300 + 31);
		expect(await redeem(assertion)).toMatchObject({status: 400, body: {error: 'invalid_grant', error_description: expect.stringMatching(/^the ID-JAG expired at /)}});
	});

	it('what is not an ID-JAG: the ID token itself, a changed ID-JAG, no JWT, no assertion', async () => {
		expect(await redeem(enterprise.idToken)).toEqual({status: 400, body: {error: 'invalid_grant', error_description: 'the assertion\'s typ header is JWT, not oauth-id-jag+jwt: it is not an ID-JAG'}});
		const forged = tampered(await idJag(), {scope: 'mcp:tools admin'});
		expect(await redeem(forged)).toMatchObject({status: 400, body: {error: 'invalid_grant', error_description: `the ID-JAG's signature does not verify with the keys of ${enterprise.idpIssuer}`}});
		expect(await redeem('not-a-jwt')).toMatchObject({status: 400, body: {error: 'invalid_grant', error_description: expect.stringContaining('not a JWT')}});
		expect(await redeem(undefined)).toMatchObject({status: 400, body: {error: 'invalid_request'}});
		// What it was sent counts as a secret too, issued or not.
		expect(sandboxSecrets(sandbox)).toContainEqual({kind: 'ID-JAG', value: forged});
	});
});

describe('the identity provider refuses', () => {
	it('an expired ID token', async () => {
		later(3600);
		expect(await exchange()).toEqual({status: 400, body: {error: 'invalid_grant', error_description: expect.stringMatching(/^the ID token expired at .*; log in again for a new one$/)}});
	});

	it('a garbled ID token, and one whose claims were changed', async () => {
		expect(await exchange({subject_token: 'garbled'})).toMatchObject({status: 400, body: {error: 'invalid_grant', error_description: expect.stringContaining('not a JWT')}});
		const impostor = tampered(enterprise.idToken, {sub: 'ceo@example.com'});
		expect(await exchange({subject_token: impostor})).toEqual({status: 400, body: {error: 'invalid_grant', error_description: 'the ID token\'s signature does not verify with this identity provider\'s keys'}});
		expect(sandboxSecrets(sandbox)).toContainEqual({kind: 'id token', value: impostor});
	});

	it('an ID-JAG offered as the ID token: one for its own client would otherwise buy the next, without end', async () => {
		const chained = await idJag({audience: enterprise.idpClientId});
		expect(await exchange({subject_token: chained})).toEqual({status: 400, body: {error: 'invalid_grant', error_description: 'the subject_token is an ID-JAG, not an ID token'}});
	});

	it('an ID token issued to another of its clients, and a client it does not know', async () => {
		expect(await exchange({client_id: otherApp.idpClientId})).toEqual({status: 400, body: {error: 'invalid_grant', error_description: `the ID token was issued to ${enterprise.idpClientId}, not to the client ${otherApp.idpClientId}`}});
		expect(await exchange({client_id: 'no-such-client'})).toMatchObject({status: 401, body: {error: 'invalid_client'}});
	});

	it('a request that is not SEP-990\'s exchange', async () => {
		for (const changes of [{requested_token_type: 'urn:ietf:params:oauth:token-type:access_token'}, {subject_token_type: 'urn:ietf:params:oauth:token-type:jwt'}, {audience: undefined}, {resource: undefined}, {subject_token: undefined}]) {
			expect(await exchange(changes), JSON.stringify(changes)).toMatchObject({status: 400, body: {error: 'invalid_request'}});
		}

		expect(await exchange({resource: 'not a URL'})).toMatchObject({status: 400, body: {error: 'invalid_target'}});
	});
});

it('--demo\'s banner says what an enterprise login needs, the ID token\'s file but not the token, within 80 columns', () => {
	const lines = demoBanner(sandbox, []).split('\n');
	expect(lines.filter(line => line.length > 80)).toEqual([]);
	expect(lines).toEqual(expect.arrayContaining([
		`Its identity provider: ${enterprise.idpIssuer}`,
		`Its client id there: ${enterprise.idpClientId}`,
		// The path alone on its line: never broken.
		enterprise.idTokenFile,
		`Its pre-registered client id: ${enterprise.clientId}`,
		`Its client secret: ${enterprise.clientSecret}`,
	]));
	expect(lines.join('\n')).not.toContain(enterprise.idToken);
	expect(lines.join('\n')).not.toContain('login page');
});

it('removes the ID token\'s file when it stops', async () => {
	const own = await startTestSandbox({profile: 'enterprise'});
	const file = own.enterprise!.idTokenFile;
	expect(existsSync(file)).toBe(true);
	await own.close();
	expect(existsSync(file)).toBe(false);
}, 60_000);
