import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {App} from '../../source/wizard/app.js';
import {createHttpClient} from '../../source/core/http.js';
import {login} from '../../source/core/login.js';
import {type TokenSet, isRevokedGrant, refreshTokens} from '../../source/core/tokens.js';
import type {Sandbox} from '../../source/sandbox/index.js';
import {saveLogin} from '../../source/store/saved-server.js';
import type {SavedServer} from '../../source/store/types.js';
import {closedAfterEach} from '../helpers/cleanup.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';
import {type Answer, startJsonServer} from '../helpers/json-server.js';
import {scriptedBrowser, temporaryHome} from '../helpers/run-cli.js';
import {startTestSandbox} from '../helpers/secret-scan.js';
import {fastmailServer} from '../helpers/saved-servers.js';
import {registerAndLogIn, throughScopes, wizardServices} from '../helpers/wizard.js';
import {openSavedServer, prose, storeSnapshot} from './helpers.js';

// The sandbox (oidc-provider) rotates a public client's refresh token on each use, and treats the reuse
// of a used one as a stolen token: it answers invalid_grant and revokes the whole grant. A refresh made
// behind the wizard's back thus revokes the refresh token the wizard holds, as a server would.
let sandbox: Sandbox;
const homes: Array<{remove(): void}> = [];
const track = closedAfterEach();

beforeAll(async () => {
	sandbox = await startTestSandbox();
});

afterAll(async () => {
	await sandbox.close();
	for (const home of homes) home.remove();
});

function newHome(): string {
	const home = temporaryHome();
	homes.push(home);
	return home.path;
}

/** Uses the saved refresh token elsewhere; the new one it gets is returned. */
async function refreshElsewhere(saved: SavedServer): Promise<TokenSet> {
	return refreshTokens({http: createHttpClient(), metadata: saved.authorizationServer, client: saved.client!, refreshToken: saved.tokens!.refreshToken!, resource: saved.resource});
}

describe('a saved server whose refresh token was revoked', () => {
	it('needs login after r, with its tokens cleared and its client kept, and says to re-authorize', async () => {
		const services = wizardServices(newHome());
		const http = createHttpClient();
		const scopes = [sandbox.mcpScope, 'offline_access'];
		const result = await login(sandbox.mcpUrl, {http, env: {...process.env, BROWSER: scriptedBrowser}, scopes});
		const {discovery} = result;
		const saved = await saveLogin(services.store, {mcpUrl: sandbox.mcpUrl, resource: discovery.resource, issuer: discovery.authorizationServer.issuer, metadata: discovery.authorizationServer.metadata, client: result.client, registration: result.registration, scopes, tokens: result.tokens, trace: http.exchanges}, 'revoked');
		const rotated = await refreshElsewhere(saved);

		const {stdin, lastFrame, unmount} = await render(<App services={services} />);
		try {
			await openSavedServer({stdin, lastFrame}, 'revoked');
			await press(stdin, 'r');
			const failed = await frameWith(lastFrame, 'invalid_grant');
			expect(failed).toContain('"error":"invalid_grant"');
			expect(prose(failed)).toContain('Try: The refresh token is expired or revoked, so the saved tokens were cleared (the client registration is kept): press a to re-authorize.');
			expect(failed).toContain('needs login');
			const after = services.store.find(sandbox.mcpUrl)!;
			expect(after.tokens).toBeUndefined();
			expect(after.client).toEqual(saved.client);
			// The server revoked the grant, the refresh token used elsewhere with it.
			await expect(refreshElsewhere({...saved, tokens: rotated})).rejects.toSatisfy(isRevokedGrant);

			await press(stdin, keys.escape);
			const list = await frameWith(lastFrame, 'saved servers');
			expect(list).toMatch(/revoked.*needs login/);
		} finally {
			unmount();
		}
	});

	it.each<[string, Answer | 'refused']>([
		['a 503', {status: 503, body: {error: 'temporarily_unavailable'}}],
		['invalid_client', {status: 400, body: {error: 'invalid_client'}}],
		['a refused connection', 'refused'],
	])('keeps its tokens when the refresh fails with %s', async (_, answer) => {
		const tokenServer = track(await startJsonServer(() => ({'POST /token': answer === 'refused' ? {} : answer})));
		if (answer === 'refused') await tokenServer.close();
		const home = newHome();
		const services = wizardServices(home);
		await services.store.save(fastmailServer({authorizationServer: {...fastmailServer().authorizationServer, token_endpoint: `${tokenServer.origin}/token`}}));
		const before = storeSnapshot(home);
		const {stdin, lastFrame, unmount} = await render(<App services={services} />);
		try {
			await openSavedServer({stdin, lastFrame}, 'fastmail');
			await press(stdin, 'r');
			const failed = await frameWith(lastFrame, 'Try:');
			expect(failed).not.toContain('needs login');
			expect(failed).not.toContain('tokens were cleared');
			expect(storeSnapshot(home)).toEqual(before);
		} finally {
			unmount();
		}
	});
});

it('on the token screen: a revoked refresh token clears the saved tokens, and a logs in again', async () => {
	const services = wizardServices(newHome());
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={sandbox.mcpUrl} />);
	try {
		await throughScopes({stdin, lastFrame});
		await registerAndLogIn({stdin, lastFrame});
		const saved = services.store.find(sandbox.mcpUrl)!;
		await refreshElsewhere(saved);

		await press(stdin, 'r');
		const failed = await frameWith(lastFrame, 'Refresh failed');
		expect(failed).toContain('invalid_grant');
		expect(prose(failed)).toContain('Try: The refresh token is expired or revoked, so the saved tokens were cleared (the client registration is kept): press a to log in again.');
		// The saved tokens are gone: only a new login is offered, no check with them.
		expect(failed).toContain('a log in again · Esc back · t trace · q quit');
		expect(failed).not.toContain('v check with MCP');
		expect(failed).not.toContain('r refresh now');
		expect(services.store.find(sandbox.mcpUrl)!.tokens).toBeUndefined();

		// The same client logs in again through the browser, and the new tokens are saved.
		const registrations = sandbox.requests.registration.length;
		await press(stdin, 'a');
		await vi.waitFor(() => {
			expect(services.store.find(sandbox.mcpUrl)!.tokens?.refreshToken).toEqual(expect.any(String));
		}, {timeout: 10_000});
		const again = await frameWith(lastFrame, 'Saved as');
		expect(again).not.toContain('Refresh failed');
		expect(services.store.find(sandbox.mcpUrl)!.client).toEqual(saved.client);
		expect(sandbox.requests.registration).toHaveLength(registrations);
	} finally {
		unmount();
	}
});
