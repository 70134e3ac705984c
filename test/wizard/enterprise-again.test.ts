import {expect, it} from 'vitest';
import type {ClientCredentials} from '../../source/core/client.js';
import {type SavedEnterprise, type ScopesStep, enterpriseAgain, reduceLoginStep} from '../../source/wizard/login-state.js';

// An enterprise login again (a on the saved login, n after a refusal): the same identity provider and
// client with a new ID token, unless the authorization server is another one now.
const client: ClientCredentials = {clientId: 'mcp-client', clientSecret: 'mcp-secret-0123456789', authMethod: 'client_secret_basic', source: 'pre-registered'};
const saved: SavedEnterprise = {identityProvider: {issuer: 'https://idp.example.com', clientId: 'idp-client'}, client, issuer: 'https://auth.example.com'};
const scopes = {name: 'scopes'} as unknown as ScopesStep;

it('asks for a new ID token only, with the saved client, from the same authorization server', () => {
	expect(enterpriseAgain(scopes, saved, 'https://auth.example.com')).toEqual({
		name: 'enterprise',
		scopes,
		saved,
		answers: {idpIssuer: 'https://idp.example.com', idpClientId: 'idp-client', identityProvider: saved.identityProvider, clientId: 'mcp-client'},
		error: undefined,
	});
});

it('never sends the saved client\'s secret to another authorization server: its client is asked for again, and why', () => {
	const step = enterpriseAgain(scopes, saved, 'https://evil.example.com');
	expect(step.saved).toBeUndefined();
	expect(step.answers).toEqual({idpIssuer: 'https://idp.example.com', idpClientId: 'idp-client', identityProvider: saved.identityProvider});
	expect(step.error).toBe('The authorization server changed from https://auth.example.com to https://evil.example.com: its client\'s secret is not sent to another one. Give the ID token, then the new server\'s client.');
});

it('keeps an identity provider given by its token endpoint only as it was given, through a new client\'s answers', () => {
	const bare: SavedEnterprise = {...saved, identityProvider: {tokenEndpoint: 'https://idp.example.com/oauth2/token', clientId: 'idp-client'}};
	const metadata = {issuer: 'https://evil.example.com', token_endpoint: 'https://evil.example.com/token', grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer']};
	const withMetadata = {name: 'scopes', metadata: {discovery: {authorizationServer: {issuer: metadata.issuer, metadata}}}} as unknown as ScopesStep;
	let step = reduceLoginStep(enterpriseAgain(withMetadata, bare, metadata.issuer), {type: 'id-token-read', token: 'a.b.c', claims: {}});
	step = reduceLoginStep(step, {type: 'enterprise-answered', value: 'new-client'});
	step = reduceLoginStep(step, {type: 'enterprise-answered', value: 'new-secret'});
	// Its token endpoint, never taken for an issuer to discover.
	expect(step).toMatchObject({name: 'pre-registered', client: {clientId: 'new-client'}, enterprise: {identityProvider: bare.identityProvider, idToken: 'a.b.c'}});
});

it('refuses a browser login at an identity provider given by its token endpoint only: it has none', () => {
	const bare: SavedEnterprise = {...saved, identityProvider: {tokenEndpoint: 'https://idp.example.com/oauth2/token', clientId: 'idp-client'}};
	// The same server (saved), and another one (its answers only): both refuse at once, before the client is asked for.
	for (const issuer of ['https://auth.example.com', 'https://evil.example.com']) {
		const step = reduceLoginStep(enterpriseAgain(scopes, bare, issuer), {type: 'id-token-by-browser'});
		expect(step).toMatchObject({name: 'enterprise', error: 'This identity provider was given by its token endpoint only, which has no browser login: give the file of a new ID token.'});
	}
});
