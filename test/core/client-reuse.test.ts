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

	it('registers again for a way to log in the client was not registered for (RFC 8628 device, or the browser)', () => {
		const device = 'urn:ietf:params:oauth:grant-type:device_code';
		const both = {...base, grantTypes: ['authorization_code', 'refresh_token', device], hasRedirectUri: true};
		expect(decideClientReuse(both)).toEqual({reuse: true, client});
		expect(decideClientReuse({...both, device: true})).toEqual({reuse: true, client});
		const browserOnly = {...base, grantTypes: ['authorization_code', 'refresh_token'], hasRedirectUri: true};
		expect(decideClientReuse({...browserOnly, device: true})).toEqual({reuse: false, reason: 'the client was not registered for logins on another device (RFC 8628)'});
		const deviceOnly = {...base, grantTypes: [device, 'refresh_token'], hasRedirectUri: false};
		expect(decideClientReuse(deviceOnly)).toEqual({reuse: false, reason: 'the client was registered for logins on another device only'});
		expect(decideClientReuse({...deviceOnly, device: true})).toEqual({reuse: true, client});
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
