import {describe, expect, it} from 'vitest';
import {prepareAuthorization, validateCallback} from '../../source/core/authorize.js';
import type {ClientCredentials} from '../../source/core/client.js';
import {WizardError} from '../../source/core/errors.js';

const issuer = 'https://as.example.com';
const metadata = {issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, code_challenge_methods_supported: ['S256']};
const client: ClientCredentials = {clientId: 'client-1', authMethod: 'none', source: 'registration'};
const redirectUri = 'http://127.0.0.1:4567/callback';

async function pending(extra: Partial<typeof metadata> & Record<string, unknown> = {}) {
	return prepareAuthorization({metadata: {...metadata, ...extra}, client, redirectUri, scopes: ['mcp', 'offline_access'], resource: 'https://api.example.com/mcp'});
}

function callback(params: Record<string, string>): URL {
	return new URL(`${redirectUri}?${new URLSearchParams(params).toString()}`);
}

function failure(run: () => unknown): WizardError {
	try {
		run();
	} catch (error) {
		if (error instanceof WizardError) return error;
		throw error;
	}

	throw new Error('expected a WizardError');
}

describe('prepareAuthorization', () => {
	it('builds the request with PKCE S256, state, scope and resource', async () => {
		const request = await pending();
		const url = new URL(request.url);
		expect(url.origin + url.pathname).toBe(`${issuer}/authorize`);
		expect(Object.fromEntries(url.searchParams)).toMatchObject({
			response_type: 'code',
			client_id: 'client-1',
			redirect_uri: redirectUri,
			scope: 'mcp offline_access',
			state: request.state,
			code_challenge_method: 'S256',
			resource: 'https://api.example.com/mcp',
		});
		expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
		expect(url.searchParams.get('code_challenge')).not.toBe(request.codeVerifier);
		expect(request.state).not.toBe((await pending()).state);
	});

	it('sends no scope parameter when no scope is chosen', async () => {
		const request = await prepareAuthorization({metadata, client, redirectUri, scopes: [], resource: 'https://api.example.com/mcp'});
		expect(new URL(request.url).searchParams.has('scope')).toBe(false);
	});
});

describe('validateCallback', () => {
	it('returns the code for a callback with the right state', async () => {
		const request = await pending();
		expect(validateCallback({metadata, client, pending: request, callbackUrl: callback({code: 'c', state: request.state})}).get('code')).toBe('c');
	});

	it('refuses a missing or different state', async () => {
		const request = await pending();
		expect(failure(() => validateCallback({metadata, client, pending: request, callbackUrl: callback({code: 'c'})})).message).toContain('no state');
		expect(failure(() => validateCallback({metadata, client, pending: request, callbackUrl: callback({code: 'c', state: 'other'})})).message).toContain('different state');
	});

	it('requires iss when the server advertises it (RFC 9207), and checks it whenever it comes', async () => {
		const strict = {...metadata, authorization_response_iss_parameter_supported: true};
		const request = await pending(strict);
		expect(failure(() => validateCallback({metadata: strict, client, pending: request, callbackUrl: callback({code: 'c', state: request.state})})).message).toContain('no `iss`');
		expect(validateCallback({metadata: strict, client, pending: request, callbackUrl: callback({code: 'c', state: request.state, iss: issuer})}).get('code')).toBe('c');
		const wrong = failure(() => validateCallback({metadata, client, pending: request, callbackUrl: callback({error: 'access_denied', error_description: 'from the attacker', state: request.state, iss: 'https://evil.example'})}));
		expect(wrong.message).toContain('https://evil.example');
		// The error fields of a mixed-up answer are not shown (RFC 9207 2.4).
		expect(`${wrong.message} ${wrong.hint}`).not.toContain('from the attacker');
	});

	it('turns error= answers into the server\'s words and a hint', async () => {
		const request = await pending();
		const error = failure(() => validateCallback({metadata, client, pending: request, callbackUrl: callback({error: 'access_denied', error_description: 'User said no', state: request.state})}));
		expect(error.message).toBe('The authorization server answered access_denied: User said no');
		expect(error.hint).toContain('approve');
	});
});
