import {expect, it} from 'vitest';
import type {ClientCredentials} from '../../source/core/client.js';
import {type SavedEnterprise, type ScopesStep, enterpriseAgain} from '../../source/wizard/login-state.js';

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
		answers: {idpIssuer: 'https://idp.example.com', idpClientId: 'idp-client', clientId: 'mcp-client'},
		error: undefined,
	});
});

it('never sends the saved client\'s secret to another authorization server: its client is asked for again, and why', () => {
	const step = enterpriseAgain(scopes, saved, 'https://evil.example.com');
	expect(step.saved).toBeUndefined();
	expect(step.answers).toEqual({idpIssuer: 'https://idp.example.com', idpClientId: 'idp-client'});
	expect(step.error).toBe('The authorization server changed from https://auth.example.com to https://evil.example.com: its client\'s secret is not sent to another one. Give the ID token, then the new server\'s client.');
});
