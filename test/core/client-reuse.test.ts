import {describe, expect, it} from 'vitest';
import {decideClientReuse, registeredCallbackPort} from '../../source/core/client-reuse.js';

const client = {clientId: 'c1', authMethod: 'none', source: 'registration'} as const;
const base = {savedIssuer: 'https://as.example.com', issuer: 'https://as.example.com', client, registeredScope: 'mcp offline_access', scopes: ['mcp'], check: {status: 'valid'}} as const;

describe('decideClientReuse', () => {
	it('reuses a client the same authorization server still knows, for scopes it was registered for', () => {
		expect(decideClientReuse(base)).toEqual({reuse: true, client});
	});

	it('never reuses a client with another authorization server (credentials are per issuer)', () => {
		const decision = decideClientReuse({...base, issuer: 'https://other.example.com'});
		expect(decision).toMatchObject({reuse: false, reason: expect.stringContaining('changed from https://as.example.com to https://other.example.com')});
	});

	it('registers again when the server dropped the client, or the scopes outgrow its registration', () => {
		expect(decideClientReuse({...base, check: {status: 'rejected', reason: 'gone'}})).toEqual({reuse: false, reason: 'gone'});
		expect(decideClientReuse({...base, scopes: ['mcp', 'mail']})).toMatchObject({reuse: false, reason: expect.stringContaining('mail')});
	});

	it('reuses a pre-registered client whatever its registered scope, when the server could not be asked', () => {
		const preRegistered = {...client, source: 'pre-registered'} as const;
		expect(decideClientReuse({...base, client: preRegistered, scopes: ['anything'], check: {status: 'unknown', reason: 'no way to ask'}})).toEqual({reuse: true, client: preRegistered});
	});
});

it('reads the port of a registered loopback redirect URI', () => {
	expect(registeredCallbackPort({redirect_uris: ['http://127.0.0.1:8976/callback']})).toBe(8976);
	expect(registeredCallbackPort({redirect_uris: ['http://127.0.0.1/callback']})).toBeUndefined();
	expect(registeredCallbackPort(undefined)).toBeUndefined();
});
