import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {ClientCredentials} from '../../source/core/client.js';
import {type EnterpriseEvent, type EnterpriseInput, assertionClaims, enterpriseTokens} from '../../source/core/enterprise.js';
import {type Discovery, discoveryError} from '../../source/core/discovery.js';
import {WizardError} from '../../source/core/errors.js';
import {createHttpClient} from '../../source/core/http.js';
import {type JsonServer, type Route, asMetadata, startJsonServer} from '../helpers/json-server.js';
import {recordHttp, recordSecret} from '../helpers/secret-scan.js';

// Enterprise-managed authorization (SEP-990) against an identity provider and an authorization server
// of our own on 127.0.0.1, strict about what they take: what they RECEIVE is what is asserted.

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT as the servers issue it; its signature is never checked by the client (claims for display only). */
const jwt = (header: Record<string, unknown>, payload: Record<string, unknown>) => `${b64(header)}.${b64(payload)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;

const resource = 'https://mcp.example.com/mcp';
const now = Math.floor(Date.now() / 1000);
const clientSecret = 'mcp-secret-0123456789';
const idpSecret = 'idp-secret-0123456789';
const client: ClientCredentials = {clientId: 'mcp-client-1', clientSecret, authMethod: 'client_secret_basic', source: 'pre-registered'};

let idp: JsonServer;
let as: JsonServer;
/** Per test: what the identity provider's or the authorization server's token endpoint answers instead. */
let idpAnswer: Route | undefined;
let asAnswer: Route | undefined;
let idToken = '';
let idJag = '';
const accessToken = 'mcp-access-token-0123456789';

const tokenExchange = 'urn:ietf:params:oauth:grant-type:token-exchange';
const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const idJagType = 'urn:ietf:params:oauth:token-type:id-jag';

beforeAll(async () => {
	idp = await startJsonServer(origin => ({
		'GET /.well-known/openid-configuration': {body: {issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, jwks_uri: `${origin}/jwks`, grant_types_supported: ['authorization_code', tokenExchange]}},
		// Another tenant's path serving the root's document: its issuer is not the one asked for.
		'GET /.well-known/openid-configuration/other': {body: {issuer: origin, token_endpoint: `${origin}/token`}},
		async 'POST /token'(request, origin) {
			if (idpAnswer !== undefined) return typeof idpAnswer === 'function' ? idpAnswer(request, origin) : idpAnswer;
			const form = new URLSearchParams(request.body);
			if (form.get('grant_type') !== tokenExchange || form.get('subject_token') !== idToken) return {status: 400, body: {error: 'invalid_request'}};
			return {body: {access_token: idJag, issued_token_type: idJagType, token_type: 'N_A', expires_in: 300}};
		},
	}));
	as = await startJsonServer(() => ({
		async 'POST /token'(request, origin) {
			if (asAnswer !== undefined) return typeof asAnswer === 'function' ? asAnswer(request, origin) : asAnswer;
			const form = new URLSearchParams(request.body);
			if (request.headers.authorization !== `Basic ${Buffer.from(`mcp-client-1:${clientSecret}`).toString('base64')}`) return {status: 401, body: {error: 'invalid_client'}};
			if (form.get('grant_type') !== jwtBearer || form.get('assertion') !== idJag) return {status: 400, body: {error: 'invalid_grant'}};
			return {body: {access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: 'mcp:read'}};
		},
	}));
	idToken = jwt({alg: 'ES256', kid: 'k1'}, {iss: idp.origin, sub: 'alice@example.com', aud: 'idp-client', exp: now + 3600, iat: now});
	idJag = jwt({alg: 'ES256', typ: 'oauth-id-jag+jwt'}, {iss: idp.origin, sub: 'alice@example.com', aud: as.origin, resource, client_id: 'mcp-client-1', scope: 'mcp:read', exp: now + 300, iat: now, jti: 'jag-1'});
	for (const [kind, value] of [['id token', idToken], ['ID-JAG', idJag], ['client secret', clientSecret], ['client secret', idpSecret], ['access token', accessToken]] as const) recordSecret(kind, value);
});

afterEach(() => {
	idpAnswer = undefined;
	asAnswer = undefined;
	idp.requests.length = 0;
	as.requests.length = 0;
});

afterAll(async () => {
	await Promise.all([idp.close(), as.close()]);
});

function run(identityProvider: EnterpriseInput['identityProvider'], events: EnterpriseEvent[] = []) {
	const http = createHttpClient();
	recordHttp(http);
	return enterpriseTokens({
		http,
		metadata: asMetadata(as.origin, {grant_types_supported: [jwtBearer], token_endpoint_auth_methods_supported: ['client_secret_basic']}),
		client,
		scopes: ['mcp:read'],
		resource,
		identityProvider,
		idToken,
		onEvent: event => events.push(event),
	});
}

const posts = (server: JsonServer) => server.requests.filter(request => request.method === 'POST');
const failure = async (promise: Promise<unknown>) => promise.then(() => expect.fail('it did not fail'), (error: unknown) => error as WizardError);

describe('enterprise-managed authorization (ID-JAG)', () => {
	it('exchanges the ID token at the discovered identity provider (RFC 8693), then redeems the ID-JAG with client_secret_basic (RFC 7523)', async () => {
		const events: EnterpriseEvent[] = [];
		const result = await run({issuer: idp.origin, clientId: 'idp-client'}, events);

		// The identity provider: the token exchange, a public client (client_id in the body, no header).
		const [exchange] = posts(idp);
		expect(posts(idp)).toHaveLength(1);
		expect(exchange!.path).toBe('/token');
		expect(Object.fromEntries(new URLSearchParams(exchange!.body))).toEqual({
			grant_type: tokenExchange,
			subject_token: idToken,
			subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
			requested_token_type: idJagType,
			audience: as.origin,
			resource,
			scope: 'mcp:read',
			client_id: 'idp-client',
		});
		expect(exchange!.headers.authorization).toBeUndefined();

		// The authorization server: the JWT bearer grant, the client's id raw in Basic (a `-` is no %2D).
		const [grant] = posts(as);
		expect(posts(as)).toHaveLength(1);
		expect(Object.fromEntries(new URLSearchParams(grant!.body))).toEqual({grant_type: jwtBearer, assertion: idJag, resource, scope: 'mcp:read'});
		expect(grant!.headers.authorization).toBe(`Basic ${Buffer.from(`mcp-client-1:${clientSecret}`).toString('base64')}`);

		expect(result.tokens).toMatchObject({accessToken, tokenType: 'bearer', scope: 'mcp:read'});
		expect(result.tokens.refreshToken).toBeUndefined();
		expect(result.identityProvider).toEqual({issuer: idp.origin, tokenEndpoint: `${idp.origin}/token`, clientId: 'idp-client'});
		// Decoded, not verified (our signature is junk), and never whole.
		expect(result.idJag).toEqual({
			typ: 'oauth-id-jag+jwt',
			claims: {iss: idp.origin, sub: 'alice@example.com', aud: as.origin, resource, client_id: 'mcp-client-1', scope: 'mcp:read', exp: now + 300, iat: now, jti: 'jag-1'},
			masked: expect.stringMatching(/^eyJ.{0,6}…\(\d+ chars\)$/) as string,
			warnings: [],
		});
		expect(events.map(event => event.type)).toEqual(['id-token', 'identity-provider', 'token-exchange', 'id-jag', 'jwt-bearer']);
		expect(events[0]).toEqual({type: 'id-token', claims: {iss: idp.origin, sub: 'alice@example.com', aud: 'idp-client', exp: now + 3600, iat: now}, expired: false});
		expect(JSON.stringify(events)).not.toContain(idJag);
	});

	it('takes --idp-token-endpoint as it is (no discovery), and authenticates an identity provider client with a secret by client_secret_post', async () => {
		await run({tokenEndpoint: `${idp.origin}/token`, clientId: 'idp-client', clientSecret: idpSecret});
		expect(idp.requests.map(request => `${request.method} ${request.path}`)).toEqual(['POST /token']);
		const body = new URLSearchParams(idp.requests[0]!.body);
		expect(body.get('client_id')).toBe('idp-client');
		expect(body.get('client_secret')).toBe(idpSecret);
		expect(idp.requests[0]!.headers.authorization).toBeUndefined();
	});

	it('says on one screen that the identity provider refused the ID token (invalid_grant), naming it and what to do, and asks the authorization server nothing', async () => {
		idpAnswer = {status: 400, body: {error: 'invalid_grant', error_description: 'ID token expired'}};
		const error = await failure(run({issuer: idp.origin, clientId: 'idp-client'}));
		expect(error).toBeInstanceOf(WizardError);
		expect(error.step).toBe('identity-provider');
		expect(error.message).toBe(`The token endpoint of the identity provider ${idp.origin} answered HTTP 400: invalid_grant (ID token expired)`);
		expect(error.hint).toContain('new ID token');
		expect(error.hint).toContain(`log in to ${idp.origin} again`);
		expect(error.answer?.status).toBe(400);
		expect(`${error.message}\n${error.hint}`.split('\n')).toHaveLength(2);
		expect(posts(as)).toEqual([]);
	});

	it('reports the authorization server\'s refusal of the ID-JAG with its words and a hint', async () => {
		asAnswer = {status: 400, body: {error: 'invalid_grant', error_description: 'ID-JAG audience mismatch'}};
		const error = await failure(run({issuer: idp.origin, clientId: 'idp-client'}));
		expect(error.step).toBe('token');
		expect(error.message).toBe('The token endpoint answered HTTP 400: invalid_grant (ID-JAG audience mismatch)');
		expect(error.hint).toContain('refused the ID-JAG');
		expect(error.answer).toMatchObject({url: `${as.origin}/token`, status: 400});
	});

	it.each([
		['another token type', {access_token: 'an-access-token-0123456789', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer'}, 'a token of type "urn:ietf:params:oauth:token-type:access_token"'],
		['no issued_token_type', {access_token: 'an-access-token-0123456789', token_type: 'N_A'}, 'a token without issued_token_type'],
	])('refuses an answer that is not an ID-JAG (%s): nothing goes to the authorization server', async (_case, body, said) => {
		idpAnswer = {body};
		const error = await failure(run({issuer: idp.origin, clientId: 'idp-client'}));
		expect(error.step).toBe('identity-provider');
		expect(error.message).toContain(said);
		expect(error.message).toContain('not an ID-JAG');
		expect(error.hint).toContain('idp-client');
		expect(posts(as)).toEqual([]);
	});

	it('warns of an ID-JAG that names another resource or client than the login\'s, and still lets the authorization server judge', async () => {
		const other = jwt({alg: 'ES256'}, {iss: idp.origin, sub: 'alice@example.com', aud: as.origin, resource: 'https://other.example.com/mcp', client_id: 'someone-else', exp: now + 300});
		recordSecret('ID-JAG', other);
		idpAnswer = {body: {access_token: other, issued_token_type: idJagType, token_type: 'N_A'}};
		asAnswer = {body: {access_token: accessToken, token_type: 'Bearer'}};
		const result = await run({issuer: idp.origin, clientId: 'idp-client'});
		expect(result.idJag.warnings).toEqual([
			'its typ header is none, not "oauth-id-jag+jwt"',
			'its resource is "https://other.example.com/mcp", not https://mcp.example.com/mcp',
			'its client_id is "someone-else", not the MCP client mcp-client-1',
		]);
		expect(new URLSearchParams(posts(as)[0]!.body).get('assertion')).toBe(other);
	});

	it('says when the identity provider\'s metadata cannot be found for its issuer, and sends the ID token nowhere', async () => {
		const error = await failure(run({issuer: `${idp.origin}/tenant`, clientId: 'idp-client'}));
		expect(error.step).toBe('identity-provider');
		expect(error.message).toContain(`No metadata found for the identity provider ${idp.origin}/tenant`);
		expect(error.hint).toContain('the `issuer` of the identity provider\'s metadata exactly');
		expect(error.hint).toContain('--idp-token-endpoint');
		expect(posts(idp)).toEqual([]);
	});

	it('refuses identity provider metadata that names another issuer (RFC 8414 3.3), and sends the ID token nowhere', async () => {
		const error = await failure(run({issuer: `${idp.origin}/other`, clientId: 'idp-client'}));
		expect(error.step).toBe('identity-provider');
		expect(error.message).toContain(`${idp.origin}/.well-known/openid-configuration/other: issuer "${idp.origin}" is not "${idp.origin}/other"`);
		expect(posts(idp)).toEqual([]);
	});
});

describe('what a JWT bearer login needs of the authorization server', () => {
	it('needs no authorization endpoint and no PKCE (RFC 7523 2.1: the token endpoint alone), where a code flow login needs both', () => {
		const finding = (code: string) => ({level: 'error' as const, code, message: code, hint: ''});
		const discovery: Discovery = {mcpUrl: resource, resource, probe: {status: 401}, authorizationServer: {issuer: 'https://as.example.com', metadata: {issuer: 'https://as.example.com', token_endpoint: 'https://as.example.com/token'}}, attempts: [], findings: [finding('missing-endpoints'), finding('no-s256')]};
		expect(discoveryError(discovery)?.message).toBe('missing-endpoints');
		expect(discoveryError(discovery, {codeFlow: false})).toBeUndefined();
		// Without a token endpoint there is nowhere to send the grant either.
		const noTokenEndpoint = {...discovery, authorizationServer: {issuer: 'https://as.example.com', metadata: {issuer: 'https://as.example.com'}}};
		expect(discoveryError(noTokenEndpoint, {codeFlow: false})?.message).toBe('missing-endpoints');
	});
});

describe('the claims shown of an ID-JAG (read without verifying)', () => {
	const jwtOf = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

	it('keeps exp and iat only as times a date can hold: a server\'s 1e300 would throw where it is shown', () => {
		expect(assertionClaims(jwtOf({sub: 'ada', exp: 1e300, iat: Number.MAX_SAFE_INTEGER}))).toEqual({sub: 'ada'});
		expect(assertionClaims(jwtOf({sub: 'ada', exp: 1_800_000_000}))).toEqual({sub: 'ada', exp: 1_800_000_000});
	});
});
