import {afterEach, describe, expect, it} from 'vitest';
import {prepareAuthorization, validateCallback} from '../../source/core/authorize.js';
import type {ClientCredentials} from '../../source/core/client.js';
import {WizardError} from '../../source/core/errors.js';
import {createHttpClient} from '../../source/core/http.js';
import {exchangeCode, refreshTokens} from '../../source/core/tokens.js';
import {asMetadata, type JsonServer, type Route, startJsonServer} from '../helpers/json-server.js';

let server: JsonServer | undefined;
afterEach(async () => server?.close());

const resource = 'https://api.example.com/mcp';
const tokenAnswer = {access_token: 'at-1', token_type: 'Bearer', expires_in: 60, refresh_token: 'rt-1', scope: 'mcp'};

async function exchange(client: ClientCredentials, route: Route = {body: tokenAnswer}) {
	server = await startJsonServer(() => ({'POST /token': route}));
	const metadata = asMetadata(server.origin);
	const pending = await prepareAuthorization({metadata, client, redirectUri: 'http://127.0.0.1:9/callback', scopes: ['mcp'], resource});
	const callbackParameters = validateCallback({metadata, client, pending, callbackUrl: new URL(`${pending.redirectUri}?code=the-code&state=${pending.state}`)});
	const tokens = await exchangeCode({http: createHttpClient(), metadata, client, pending, callbackParameters});
	const request = server.requests[0]!;
	return {tokens, pending, request, body: new URLSearchParams(request.body)};
}

describe('the code exchange', () => {
	it('sends the code, the verifier, the redirect URI and `resource` (RFC 8707 2.2)', async () => {
		const {tokens, pending, body} = await exchange({clientId: 'public', authMethod: 'none', source: 'registration'});
		expect(Object.fromEntries(body)).toEqual({
			grant_type: 'authorization_code',
			code: 'the-code',
			code_verifier: pending.codeVerifier,
			redirect_uri: 'http://127.0.0.1:9/callback',
			resource,
			client_id: 'public',
		});
		expect(tokens).toMatchObject({accessToken: 'at-1', refreshToken: 'rt-1', scope: 'mcp', tokenType: 'bearer'});
		expect(Date.parse(tokens.expiresAt!) - Date.parse(tokens.obtainedAt)).toBe(60_000);
	});

	it('authenticates with HTTP Basic for client_secret_basic', async () => {
		const {request, body} = await exchange({clientId: 'conf', clientSecret: 'pw', authMethod: 'client_secret_basic', source: 'pre-registered'});
		expect(request.headers.authorization).toBe(`Basic ${Buffer.from('conf:pw').toString('base64')}`);
		expect(body.has('client_secret')).toBe(false);
	});

	it('form-urlencodes id and secret for Basic as URLSearchParams does: `-._*` stay, a space is +, others %XX (RFC 6749 2.3.1)', async () => {
		const {request} = await exchange({clientId: 'pre-registered_client.v1*', clientSecret: 'a b:c/ü~', authMethod: 'client_secret_basic', source: 'pre-registered'});
		const credentials = Buffer.from(request.headers.authorization!.replace(/^Basic /, ''), 'base64').toString('utf8');
		expect(credentials).toBe('pre-registered_client.v1*:a+b%3Ac%2F%C3%BC%7E');
	});

	it('puts the secret in the body for client_secret_post', async () => {
		const {request, body} = await exchange({clientId: 'conf', clientSecret: 'pw', authMethod: 'client_secret_post', source: 'pre-registered'});
		expect(request.headers.authorization).toBeUndefined();
		expect(body.get('client_id')).toBe('conf');
		expect(body.get('client_secret')).toBe('pw');
	});

	it('reports invalid_grant with the server\'s words and a hint', async () => {
		const error = await exchange({clientId: 'public', authMethod: 'none', source: 'registration'}, {status: 400, body: {error: 'invalid_grant', error_description: 'code expired'}}).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(WizardError);
		expect((error as WizardError).message).toContain('invalid_grant (code expired)');
		expect((error as WizardError).answer?.status).toBe(400);
		expect((error as WizardError).hint).toContain('log in again');
	});

	it('reports a token response without access_token', async () => {
		const error = await exchange({clientId: 'public', authMethod: 'none', source: 'registration'}, {body: {token_type: 'Bearer'}}).catch((error_: unknown) => error_);
		expect((error as WizardError).step).toBe('token');
		expect((error as WizardError).message).toContain('not usable');
	});
});

describe('refresh', () => {
	it('sends the refresh token with `resource`, and keeps the old one when no new one comes', async () => {
		server = await startJsonServer(() => ({'POST /token': {body: {access_token: 'at-2', token_type: 'Bearer'}}}));
		const tokens = await refreshTokens({http: createHttpClient(), metadata: asMetadata(server.origin), client: {clientId: 'public', authMethod: 'none', source: 'registration'}, refreshToken: 'rt-1', resource});
		expect(Object.fromEntries(new URLSearchParams(server.requests[0]!.body))).toEqual({grant_type: 'refresh_token', refresh_token: 'rt-1', resource, client_id: 'public'});
		expect(tokens).toMatchObject({accessToken: 'at-2', refreshToken: 'rt-1'});
	});
});
