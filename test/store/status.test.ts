import {expect, it} from 'vitest';
import {logInAgainCommand, renewalNote} from '../../source/store/status.js';
import type {SavedServer} from '../../source/store/types.js';

// What a saved login says to run when it needs a login again: reauthorize where it can do it by itself.
const enterprise = {
	name: 'mail',
	mcpUrl: 'https://mcp.example.com/mcp',
	grant: 'jwt-bearer',
	issuer: 'https://auth.example.com',
	identityProvider: {issuer: 'https://idp.example.com', tokenEndpoint: 'https://idp.example.com/token', clientId: 'idp-client'},
	client: {clientId: 'mcp-client', clientSecret: 'mcp-secret-0123456789', authMethod: 'client_secret_basic', source: 'pre-registered'},
	scopes: [],
} as unknown as SavedServer;

it('names reauthorize for an enterprise login it can renew by a browser login at the identity provider, with the saved client', () => {
	expect(logInAgainCommand(enterprise)).toBe('mcp-auth-wizard reauthorize mail');
	expect(renewalNote(enterprise)).toBe('not by itself: the token came from an ID-JAG, and another one needs a new ID token, by a login at the identity provider in the browser: mcp-auth-wizard reauthorize mail');
});

it('names the whole login when reauthorize cannot do it: no saved client (forgotten), or an identity provider without a browser login', () => {
	const {client: _client, ...noClient} = enterprise;
	expect(logInAgainCommand(noClient as SavedServer)).toBe('mcp-auth-wizard login https://mcp.example.com/mcp --name mail --enterprise --idp-issuer https://idp.example.com --idp-client-id idp-client --client-id \'<id>\' --client-secret -');
	const bare = {...enterprise, identityProvider: {tokenEndpoint: 'https://idp.example.com/token', clientId: 'idp-client'}} as SavedServer;
	expect(logInAgainCommand(bare)).toBe('mcp-auth-wizard login https://mcp.example.com/mcp --name mail --enterprise --idp-token-endpoint https://idp.example.com/token --idp-client-id idp-client --client-id mcp-client --client-secret - --id-token <file of a new ID token>');
});
