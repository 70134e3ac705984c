import {afterEach, describe, expect, it} from 'vitest';
import {beginAuthorization} from '../../source/core/authorization-session.js';
import {type CallbackServer, startCallbackServer} from '../../source/core/callback-server.js';
import {WizardError} from '../../source/core/errors.js';

const issuer = 'https://as.example.com';
const metadata = {issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, code_challenge_methods_supported: ['S256']};
const client = {clientId: 'c', authMethod: 'none', source: 'registration'} as const;
let callbackServer: CallbackServer;

afterEach(async () => callbackServer.close());

async function begin() {
	callbackServer = await startCallbackServer();
	return beginAuthorization({metadata, client, callbackServer, scopes: ['mcp'], resource: 'https://api.example.com/mcp', timeoutMs: 10_000});
}

describe('an authorization session', () => {
	it('ends with the loopback callback', async () => {
		const session = await begin();
		const response = await fetch(`${callbackServer.redirectUri}?code=abc&state=${session.pending.state}`);
		expect(await response.text()).toContain('logged in');
		expect((await session.callback).get('code')).toBe('abc');
	});

	it('takes a pasted redirect URL, after refusing one of another login', async () => {
		const session = await begin();
		expect(() => session.paste('not a url')).toThrow(WizardError);
		expect(() => session.paste(`${callbackServer.redirectUri}?code=abc&state=other`)).toThrow(/different state/);
		session.paste(` ${callbackServer.redirectUri}?code=pasted&state=${session.pending.state} `);
		expect((await session.callback).get('code')).toBe('pasted');
	});

	it('ends with the server\'s error when a pasted URL carries one', async () => {
		const session = await begin();
		expect(() => session.paste(`${callbackServer.redirectUri}?error=access_denied&state=${session.pending.state}`)).toThrow(/access_denied/);
		await expect(session.callback).rejects.toThrow(/access_denied/);
	});
});
