import {afterEach, describe, expect, it} from 'vitest';
import {WizardError} from '../../source/core/errors.js';
import {createHttpClient} from '../../source/core/http.js';
import {buildRegistrationRequest, registerClient, registrationDifferences} from '../../source/core/registration.js';
import {asMetadata, type JsonServer, startJsonServer} from '../helpers/json-server.js';

const fastmail = {
	issuer: 'https://api.fastmail.com',
	registration_endpoint: 'https://api.fastmail.com/oauth/register',
	token_endpoint_auth_methods_supported: ['none'],
	code_challenge_methods_supported: ['S256'],
};

describe('buildRegistrationRequest', () => {
	it('puts the chosen scopes into `scope`, with the body a CLI needs', () => {
		expect(buildRegistrationRequest({metadata: fastmail, redirectUri: 'http://127.0.0.1:4567/callback', scopes: ['https://www.fastmail.com/dev/mcp', 'offline_access']})).toEqual({
			client_name: 'mcp-auth-wizard',
			redirect_uris: ['http://127.0.0.1:4567/callback'],
			grant_types: ['authorization_code', 'refresh_token'],
			response_types: ['code'],
			token_endpoint_auth_method: 'none',
			application_type: 'native',
			scope: 'https://www.fastmail.com/dev/mcp offline_access',
		});
	});

	it('leaves `scope` out when no scope is chosen, and takes the client name given', () => {
		const request = buildRegistrationRequest({metadata: fastmail, redirectUri: 'http://127.0.0.1:1/callback', scopes: [], clientName: 'My laptop'});
		expect(request).not.toHaveProperty('scope');
		expect(request.client_name).toBe('My laptop');
	});

	it('asks for a confidential method only when the server takes no public clients', () => {
		const request = buildRegistrationRequest({metadata: {...fastmail, token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_post']}, redirectUri: 'http://127.0.0.1:1/callback', scopes: []});
		expect(request.token_endpoint_auth_method).toBe('client_secret_post');
	});
});

describe('registrationDifferences', () => {
	it('lists scope, redirect URIs, grant types and auth method that differ, ignoring order', () => {
		const request = buildRegistrationRequest({metadata: fastmail, redirectUri: 'http://127.0.0.1:1/callback', scopes: ['a', 'b']});
		expect(registrationDifferences(request, {...request, scope: 'b a'})).toEqual([]);
		expect(registrationDifferences(request, {...request, scope: 'a', redirect_uris: ['http://localhost:1/callback'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic'}).map(difference => difference.field)).toEqual([
			'scope',
			'redirect_uris',
			'grant_types',
			'token_endpoint_auth_method',
		]);
		const {scope: _scope, ...withoutScope} = request;
		expect(registrationDifferences(request, withoutScope)).toEqual([{field: 'scope', requested: 'a b', registered: undefined}]);
	});
});

describe('registerClient', () => {
	let server: JsonServer | undefined;
	afterEach(async () => server?.close());

	it('sends exactly the body shown, and returns the client and the differences', async () => {
		server = await startJsonServer(() => ({
			'POST /register': ({body}) => ({status: 201, body: {...JSON.parse(body), scope: 'a', client_id: 'c1', client_secret: 's3cr3t-value', token_endpoint_auth_method: 'client_secret_basic'}}),
		}));
		const request = buildRegistrationRequest({metadata: asMetadata(server.origin), redirectUri: 'http://127.0.0.1:9/callback', scopes: ['a', 'b']});
		const http = createHttpClient();
		const result = await registerClient(http, asMetadata(server.origin), request);
		expect(server.requests[0]!.body).toBe(result.sentBody);
		expect(JSON.parse(result.sentBody)).toEqual(request);
		expect(server.requests[0]!.headers['content-type']).toBe('application/json');
		expect(result.client).toEqual({clientId: 'c1', clientSecret: 's3cr3t-value', authMethod: 'client_secret_basic', source: 'registration'});
		expect(result.differences.map(difference => difference.field)).toEqual(['scope', 'token_endpoint_auth_method']);
		expect(JSON.stringify(http.exchanges)).not.toContain('s3cr3t-value');
	});

	it('throws the error answer verbatim, with a hint for each RFC 7591 error', async () => {
		const body = '{"error":"invalid_redirect_uri","error_description":"loopback only on port 8976"}';
		server = await startJsonServer(() => ({'POST /register': {status: 400, body}}));
		const request = buildRegistrationRequest({metadata: asMetadata(server.origin), redirectUri: 'http://127.0.0.1:9/callback', scopes: ['a']});
		const error = await registerClient(createHttpClient(), asMetadata(server.origin), request).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(WizardError);
		expect((error as WizardError).answer).toEqual({url: `${server.origin}/register`, status: 400, body});
		expect((error as WizardError).message).toContain('invalid_redirect_uri (loopback only on port 8976)');
		expect((error as WizardError).hint).toContain('--callback-port');
	});

	it('reports a non-JSON error body verbatim too', async () => {
		server = await startJsonServer(() => ({'POST /register': {status: 503, headers: {'content-type': 'text/html'}, body: '<h1>Service Unavailable</h1>'}}));
		const request = buildRegistrationRequest({metadata: asMetadata(server.origin), redirectUri: 'http://127.0.0.1:9/callback', scopes: ['a']});
		const error = (await registerClient(createHttpClient(), asMetadata(server.origin), request).catch((error_: unknown) => error_)) as WizardError;
		expect(error.answer?.body).toBe('<h1>Service Unavailable</h1>');
		expect(error.message).toContain('HTTP 503');
	});

	it('words the hint from the server\'s words and the request: a scope refused is not a scope missing', async () => {
		server = await startJsonServer(() => ({'POST /register': {status: 400, body: JSON.stringify({error: 'invalid_client_metadata', error_description: 'unknown scope: my'})}}));
		const refused = (await registerClient(createHttpClient(), asMetadata(server.origin), buildRegistrationRequest({metadata: asMetadata(server.origin), redirectUri: 'http://127.0.0.1:9/callback', scopes: ['my', 'scope']})).catch((error_: unknown) => error_)) as WizardError;
		expect(refused.hint).toBe('This server refused the scope "my scope" (see its answer): choose only scopes it advertises and try again.');
		const missing = (await registerClient(createHttpClient(), asMetadata(server.origin), buildRegistrationRequest({metadata: asMetadata(server.origin), redirectUri: 'http://127.0.0.1:9/callback', scopes: []})).catch((error_: unknown) => error_)) as WizardError;
		expect(missing.hint).toMatch(/^This server wants a scope in the registration: choose at least one/);
	});
});
