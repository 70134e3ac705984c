import {fileURLToPath} from 'node:url';
import {describe, expect, it, vi} from 'vitest';
import {App} from '../source/wizard/app.js';
import type {WizardServices} from '../source/wizard/services.js';
import {frameWith, keys, press, render, unwrapped} from './helpers/ink.js';
import {browse} from './helpers/scripted-browser.mjs';
import {startJsonServer} from './helpers/json-server.js';
import {prose} from './wizard/helpers.js';
import {registerAndLogIn, sandboxForFile, shownAuthorizationUrl, throughScopes, toLoginWait, wizardServices} from './helpers/wizard.js';
import {waitLimit} from './helpers/wait.js';

const mcpScope = 'https://www.fastmail.com/dev/mcp';
const strayCallbackBrowser = fileURLToPath(new URL('helpers/stray-callback-browser.mjs', import.meta.url));
const file = sandboxForFile();
const {home} = file;

const services = (): WizardServices => wizardServices(home.path);

it('walks every step against the sandbox, from the URL to the live token status', async () => {
	const wizard = services();
	const {stdin, lastFrame, unmount} = await render(<App services={wizard} />);
	try {
		// 1. URL
		await frameWith(lastFrame, 'https://example.com/mcp');
		await press(stdin, ...file.sandbox.mcpUrl, keys.enter);

		// 2-3. Discovery, then the metadata with its key fields.
		await frameWith(lastFrame, 'authorization_endpoint');
		expect(lastFrame()).toContain(`${file.sandbox.issuer}/oauth/register`);

		// 4. Scopes: the spec's defaults preselected, the scope string live.
		await press(stdin, keys.enter);
		const scopes = await frameWith(lastFrame, 'urn:ietf:params:oauth:scope:mail');
		expect(scopes).toContain(`${mcpScope} offline_access`);

		// 5. Registration preview with the scope in the body, then the 201.
		await press(stdin, keys.enter);
		const preview = await frameWith(lastFrame, '"scope"');
		expect(preview).toContain(`"scope": "${mcpScope} offline_access"`);
		expect(preview).toContain('"redirect_uris"');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, '201');
		expect(JSON.parse(file.sandbox.requests.registration.at(-1)!.body).scope).toBe(`${mcpScope} offline_access`);

		// 6-7. The browser login (the scripted browser signs in), then the token status.
		await press(stdin, keys.enter);
		const tokens = await frameWith(lastFrame, 'Saved');
		expect(tokens).toContain(mcpScope);
		expect(tokens).toMatch(/expires in (\d+h )?\d+m/);
		expect(tokens).not.toContain(wizard.store.list()[0]!.tokens!.accessToken);
		expect(file.sandbox.requests.authorization.at(-1)!.query['resource']).toBe(file.sandbox.mcpUrl);

		// The MCP check from the token screen.
		await press(stdin, 'v');
		await frameWith(lastFrame, 'sandbox-fastmail');

		// The trace panel shows the exchanges so far.
		await press(stdin, 't');
		const trace = await frameWith(lastFrame, 'HTTP trace');
		expect(trace).toContain('/oauth/register');
		await press(stdin, 't');
		await frameWith(lastFrame, 'sandbox-fastmail');

		// The saved server's details show that check, and when the client was registered.
		await press(stdin, keys.escape);
		await frameWith(lastFrame, 'Log in to a new server');
		await press(stdin, keys.enter);
		const details = await frameWith(lastFrame, 'Last MCP check');
		expect(details).toMatch(/Last MCP check +today \d\d:\d\d:\d\d: ✓ sandbox-fastmail/);
		expect(details).toMatch(/Registered +today \d\d:\d\d:\d\d/);
	} finally {
		unmount();
	}
});

describe('the wizard on the way', () => {
	async function toScopes(wizard: WizardServices) {
		const rendered = await render(<App services={wizard} initialUrl={file.sandbox.mcpUrl} />);
		await frameWith(rendered.lastFrame, 'authorization_endpoint');
		await press(rendered.stdin, keys.enter);
		await frameWith(rendered.lastFrame, 'urn:ietf:params:oauth:scope:mail');
		return rendered;
	}

	it('shows Fastmail\'s 400 verbatim, with a hint, when no scope is selected (the seed bug)', async () => {
		const {stdin, lastFrame, unmount} = await toScopes(services());
		try {
			await press(stdin, keys.space, keys.down, keys.space);
			await frameWith(lastFrame, 'No scope selected');
			await press(stdin, keys.enter);
			const preview = await frameWith(lastFrame, 'POST');
			expect(preview).not.toContain('"scope"');
			await press(stdin, keys.enter);
			const failure = await frameWith(lastFrame, 'HTTP 400');
			expect(failure).toContain('{"error_description":"invalid_request no scope","error":"invalid_request"}');
			expect(failure).toMatch(/choose at least one/i);

			// Back to the scopes, one selected, and the registration goes through.
			await press(stdin, keys.escape);
			await frameWith(lastFrame, 'No scope selected');
			await press(stdin, keys.space, keys.enter);
			await frameWith(lastFrame, '"scope"');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '201');
			expect(JSON.parse(file.sandbox.requests.registration.at(-1)!.body).scope).toBe(mcpScope);
		} finally {
			unmount();
		}
	});

	it('keeps the client name chosen with n after Esc, after another way and back, and registers under it', async () => {
		const {stdin, lastFrame, unmount} = await toScopes(services());
		try {
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '"client_name": "mcp-auth-wizard"');
			await press(stdin, 'n', ...'-laptop', keys.enter);
			await frameWith(lastFrame, '"client_name": "mcp-auth-wizard-laptop"');

			await press(stdin, keys.escape);
			await frameWith(lastFrame, 'Which scopes');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '"client_name": "mcp-auth-wizard-laptop"');

			await press(stdin, 'w');
			await frameWith(lastFrame, 'How should this login get its client id?');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '"client_name": "mcp-auth-wizard-laptop"');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '201');
			expect(JSON.parse(file.sandbox.requests.registration.at(-1)!.body).client_name).toBe('mcp-auth-wizard-laptop');
		} finally {
			unmount();
		}
	});

	it('takes a pasted redirect URL when the browser cannot reach the loopback listener', async () => {
		const wizard = {...services(), options: {noOpen: true}};
		const {stdin, lastFrame, frames, unmount} = await toScopes(wizard);
		try {
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '"scope"');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '201');
			await press(stdin, keys.enter);
			// Without --timeout: 5 minutes for the browser.
			expect(await frameWith(lastFrame, 'Waiting for the browser')).toMatch(/0:0\d of 5:00/);
			const authorizationUrl = shownAuthorizationUrl(frames);
			// The browser, elsewhere, ends on the redirect URI without reaching this machine.
			const {callbackUrl} = await browse(authorizationUrl!, {openCallback: false});
			await press(stdin, 'p');
			await frameWith(lastFrame, 'Paste');
			const foreign = callbackUrl.href.replace(/state=[^&]+/, 'state=of-another-login');
			await press(stdin, foreign, keys.enter);
			await frameWith(lastFrame, 'different state');
			await press(stdin, keys.escape, 'p');
			await frameWith(lastFrame, 'Paste');
			await press(stdin, callbackUrl.href, keys.enter);
			await frameWith(lastFrame, 'Logged in');
		} finally {
			unmount();
		}
	});

	it('shows a pre-registered client instead of a registration body', async () => {
		const wizard = {...services(), options: {clientId: 'my-client', clientSecret: 'a-long-client-secret-value'}};
		const {stdin, lastFrame, unmount} = await toScopes(wizard);
		try {
			const registrations = file.sandbox.requests.registration.length;
			await press(stdin, keys.enter);
			const frame = await frameWith(lastFrame, 'my-client');
			expect(frame).not.toContain('a-long-client-secret-value');
			expect(frame).not.toContain('"redirect_uris"');
			expect(file.sandbox.requests.registration).toHaveLength(registrations);
		} finally {
			unmount();
		}
	});

	it('goes back a step with Esc, and q quits with the loopback listener closed', async () => {
		const {stdin, lastFrame, unmount} = await toScopes(services());
		try {
			await press(stdin, keys.enter);
			const preview = await frameWith(lastFrame, '"redirect_uris"');
			const redirectUri = unwrapped(preview).match(/http:\/\/127\.0\.0\.1:\d+\/callback/)![0];
			await press(stdin, keys.escape);
			await frameWith(lastFrame, 'Which scopes');
			await press(stdin, keys.escape);
			await frameWith(lastFrame, 'authorization_endpoint');
			await press(stdin, keys.escape);
			await frameWith(lastFrame, file.sandbox.mcpUrl);
			expect(lastFrame()).toContain('Enter discover');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, 'authorization_endpoint');
			await press(stdin, 'q');
			await vi.waitFor(async () => {
				await expect(fetch(redirectUri)).rejects.toThrow();
			}, waitLimit);
		} finally {
			unmount();
		}
	});
});

it('says that a web page is not an MCP endpoint, and goes no further', async () => {
	const website = await startJsonServer(() => ({'POST /': {headers: {'content-type': 'text/html'}, body: '<!doctype html><title>Acme Mail</title><p>Welcome</p>'}}));
	const {lastFrame, unmount} = await render(<App services={services()} initialUrl={`${website.origin}/`} />);
	try {
		const frame = prose(await frameWith(lastFrame, 'does not look like an MCP endpoint'));
		expect(frame).toContain('HTML page titled "Acme Mail"');
		expect(frame).toContain('not its website');
		expect(frame).not.toContain('Enter continue');
	} finally {
		unmount();
		await website.close();
	}
});

it('refuses a stray request to the redirect URI (an old tab), says so while it waits, and takes the real callback after it', async () => {
	const base = services();
	const wizard = {...base, env: {...base.env, BROWSER: strayCallbackBrowser, STRAY_ONLY: '1'}};
	const {stdin, lastFrame, frames, unmount} = await render(<App services={wizard} initialUrl={file.sandbox.mcpUrl} />);
	try {
		await toLoginWait({stdin, lastFrame});
		const refused = prose(await frameWith(lastFrame, 'Refused a request'));
		expect(refused).toContain('Refused a request to the redirect URI that was not this login\'s (an old tab?): The callback carries a different state than the login started with. Still waiting for this one.');
		expect(refused).toContain('Waiting for the browser');
		await browse(shownAuthorizationUrl(frames));
		await frameWith(lastFrame, 'Saved as');
	} finally {
		unmount();
	}
});

it('checks a URL given on the command line as the URL screen does, and never shows its password', async () => {
	const plain = await render(<App services={services()} initialUrl="http://alice:hunter2@mcp.example.com/mcp#tools" />);
	try {
		const frame = prose(await frameWith(plain.lastFrame, 'Which MCP server'));
		expect(frame).toContain('Plain http is not allowed for mcp.example.com');
		expect(frame).not.toContain('hunter2');
		expect(frame).not.toContain('alice');
	} finally {
		plain.unmount();
	}

	const probes = file.sandbox.requests.mcp.length;
	const withPassword = await render(<App services={services()} initialUrl={`https://alice:hunter2@${new URL(file.sandbox.mcpUrl).host}/mcp`} />);
	try {
		const frame = prose(await frameWith(withPassword.lastFrame, 'Which MCP server'));
		expect(frame).toContain('The URL contains a user name or password. Remove the credentials from the URL: the login gets its own token.');
		expect(frame).toContain(`https://${new URL(file.sandbox.mcpUrl).host}/mcp`);
		expect(frame).not.toContain('hunter2');
		// Nothing was asked of the server: the URL screen waits for a URL that passes.
		expect(file.sandbox.requests.mcp).toHaveLength(probes);
	} finally {
		withPassword.unmount();
	}
});

it('saves the exchanges of this login only, and keeps them (and the registration time) when the tokens are refreshed', async () => {
	const wizard = services();
	// An exchange of the session before this login: it is not this login's.
	await wizard.http.request({url: `${new URL(file.sandbox.mcpUrl).origin}/.well-known/before-this-login`});
	const {stdin, lastFrame, unmount} = await render(<App services={wizard} initialUrl={file.sandbox.mcpUrl} />);
	try {
		await throughScopes({stdin, lastFrame});
		await registerAndLogIn({stdin, lastFrame});
		// The store holds this server's logins of the other tests too: this one is saved by its own name.
		const name = /Saved as (\S+) in/.exec((await frameWith(lastFrame, 'Saved as')).replaceAll(/\s+/g, ' '))![1]!;
		const saved = wizard.store.find(name)!;
		const trace = saved.lastLoginTrace ?? [];
		expect(trace[0]).toMatchObject({step: 'probe', method: 'POST', url: file.sandbox.mcpUrl});
		expect(trace.some(exchange => exchange.url.includes('before-this-login'))).toBe(false);
		expect(trace.some(exchange => exchange.url.endsWith('/oauth/refresh') || exchange.url.endsWith('/token'))).toBe(true);

		await press(stdin, 'r');
		await frameWith(lastFrame, 'refreshed at');
		await vi.waitFor(() => {
			expect(wizard.store.find(name)!.tokens).not.toEqual(saved.tokens);
		}, waitLimit);
		const after = wizard.store.find(name)!;
		expect(after.lastLoginTrace).toEqual(saved.lastLoginTrace);
		expect(after.registration?.registeredAt).toBe(saved.registration?.registeredAt);
	} finally {
		unmount();
	}
});
