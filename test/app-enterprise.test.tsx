import {readFileSync} from 'node:fs';
import {type AddressInfo, createServer} from 'node:net';
import {join} from 'node:path';
import {expect, it, onTestFinished} from 'vitest';
import {openConfStore} from '../source/store/conf-store.js';
import {App} from '../source/wizard/app.js';
import {frameWith, keys, press, render} from './helpers/ink.js';
import {temporaryHome} from './helpers/run-cli.js';
import {pickWay, sandboxForFile, throughScopes, wizardServices} from './helpers/wizard.js';
import type {WizardOptions, WizardServices} from '../source/wizard/services.js';
import {openSavedServer, prose} from './wizard/helpers.js';

// The wizard's way to an enterprise-managed login (SEP-990) against the sandbox's profile for it: an
// identity provider that exchanges the demo user's ID token for an ID-JAG, and an authorization server
// that takes the ID-JAG as a JWT bearer grant.
const file = sandboxForFile({profile: 'enterprise'});
const {home} = file;

const formOf = (body: string) => Object.fromEntries(new URLSearchParams(body));

/** A fresh wizard of its own home on the sandbox, through the way picker to the enterprise form, answered: `idTokenFile` empty for a browser login at the IdP. */
async function answeredForm(services: WizardServices, {idTokenFile, clientSecret}: {readonly idTokenFile: string; readonly clientSecret: string}) {
	const enterprise = file.sandbox.enterprise!;
	const rendered = await render(<App services={services} initialUrl={file.sandbox.mcpUrl} />);
	await pickWay(rendered, 'Your company\'s identity provider', 1);
	for (const [question, answer] of [['issuer URL:', enterprise.idpIssuer], ['IdP client id:', enterprise.idpClientId], ['ID token file:', idTokenFile], ['MCP client id:', enterprise.clientId], ['MCP client secret:', clientSecret]] as const) {
		await frameWith(rendered.lastFrame, question);
		await press(rendered.stdin, answer, keys.enter);
	}

	return rendered;
}

/** A home of its own for one test. */
function ownHome(): string {
	const own = temporaryHome();
	onTestFinished(() => own.remove());
	return own.path;
}

it('offers the company\'s identity provider where the server takes ID-JAGs, asks what it needs, and shows both exchanges with the ID-JAG\'s claims', async () => {
	const services = wizardServices(home.path);
	const enterprise = file.sandbox.enterprise!;
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={file.sandbox.mcpUrl} />);
	try {
		await pickWay({stdin, lastFrame}, 'Your company\'s identity provider', 1);
		await frameWith(lastFrame, 'Identity provider (IdP) issuer URL:');
		// Its metadata names where the ID token goes: https only, or loopback.
		await press(stdin, 'http://idp.example.com', keys.enter);
		await frameWith(lastFrame, 'is not https');
		await press(stdin, enterprise.idpIssuer, keys.enter);
		await frameWith(lastFrame, 'IdP client id:');
		await press(stdin, enterprise.idpClientId, keys.enter);
		await frameWith(lastFrame, 'ID token file:');
		// A file that is not there is said, and the path can be corrected.
		const missing = join(home.path, 'nope.jwt');
		await press(stdin, missing, keys.enter);
		await frameWith(lastFrame, 'ENOENT');
		// The token itself pasted where its file goes: refused, and not shown.
		await press(stdin, enterprise.idToken, keys.enter);
		const pasted = await frameWith(lastFrame, 'looks like the ID token itself');
		expect(pasted.replaceAll(/\s/g, '')).not.toContain(enterprise.idToken);
		await press(stdin, enterprise.idTokenFile, keys.enter);
		const read = await frameWith(lastFrame, 'MCP client id:');
		// The ID token as whose it is, never whole.
		expect(read).toContain(`of ${enterprise.user}, until`);
		expect(read).not.toContain(enterprise.idToken);
		await press(stdin, enterprise.clientId, keys.enter);
		await frameWith(lastFrame, 'MCP client secret:');
		await press(stdin, enterprise.clientSecret, keys.enter);
		const client = await frameWith(lastFrame, 'Enter exchange the ID token');
		expect(prose(client)).toContain(`Your ID token goes to ${enterprise.idpIssuer} for an ID-JAG`);
		await press(stdin, keys.enter);

		const exchanges = await frameWith(lastFrame, '✓ Access token received');
		// The tokens are not saved before Enter, and the ID-JAG is spent: no way back that would lose them.
		expect(exchanges).not.toContain('Esc back');
		expect(exchanges).toContain(`ID token of ${enterprise.user}`);
		expect(exchanges).toContain(`1. Token exchange (RFC 8693) at ${enterprise.idpTokenEndpoint}\n   as ${enterprise.idpClientId}, audience ${file.sandbox.issuer}`);
		expect(exchanges).toMatch(/ID-JAG eyJ\w*…\(\d+ chars\) \(typ oauth-id-jag\+jwt/);
		expect(exchanges).toMatch(new RegExp(`client_id +${enterprise.clientId}`));
		expect(exchanges).toMatch(new RegExp(`resource +${file.sandbox.mcpUrl}`));
		expect(exchanges).toContain(`2. JWT bearer grant (RFC 7523) at ${file.sandbox.endpoints.token}\n   as ${enterprise.clientId} (client_secret_basic)`);
		// What the identity provider was sent: the ID token, for this authorization server and MCP server.
		expect(formOf(file.sandbox.requests.tokenExchange.at(-1)!.body)).toMatchObject({
			subject_token: enterprise.idToken,
			requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
			audience: file.sandbox.issuer,
			resource: file.sandbox.mcpUrl,
			client_id: enterprise.idpClientId,
		});
		expect(formOf(file.sandbox.requests.token.at(-1)!.body)['grant_type']).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');

		await press(stdin, keys.enter);
		const tokens = await frameWith(lastFrame, 'Saved as');
		expect(prose(tokens)).toContain('an ID-JAG from your identity provider (enterprise-managed)');
		const [saved] = openConfStore({home: home.path}).list();
		expect(saved).toMatchObject({grant: 'jwt-bearer', identityProvider: {issuer: enterprise.idpIssuer, clientId: enterprise.idpClientId}});
		// The ID token is used and dropped.
		expect(readFileSync(join(home.path, 'servers.json'), 'utf8')).not.toContain(enterprise.idToken);
		expect(file.sandbox.requests.authorization).toHaveLength(0);

		// a on the saved login: the same identity provider and client, a new ID token only.
		await press(stdin, keys.escape);
		await openSavedServer({stdin, lastFrame}, saved!.name);
		await press(stdin, 'a');
		await frameWith(lastFrame, 'authorization_endpoint');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'Which scopes');
		await press(stdin, keys.enter);
		const again = await frameWith(lastFrame, 'ID token file:');
		expect(again).toMatch(new RegExp(`MCP client id +${enterprise.clientId}`));
		const exchangesBefore = file.sandbox.requests.tokenExchange.length;
		await press(stdin, enterprise.idTokenFile, keys.enter);
		await frameWith(lastFrame, 'Enter exchange the ID token');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, '✓ Access token received');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, `Saved as ${saved!.name}`);
		expect(file.sandbox.requests.tokenExchange).toHaveLength(exchangesBefore + 1);
		expect(openConfStore({home: home.path}).list()).toHaveLength(1);
	} finally {
		unmount();
	}
}, 60_000);

it('after a refusal, n asks for a new ID token only, the other answers kept', async () => {
	const enterprise = file.sandbox.enterprise!;
	const {stdin, lastFrame, unmount} = await answeredForm(wizardServices(ownHome()), {idTokenFile: enterprise.idTokenFile, clientSecret: 'not-the-secret'});
	try {
		await frameWith(lastFrame, 'Enter exchange the ID token');
		await press(stdin, keys.enter);
		const failed = await frameWith(lastFrame, 'n new ID token');
		expect(failed).toContain('invalid_client');
		await press(stdin, 'n');
		const again = await frameWith(lastFrame, 'ID token file:');
		expect(again).toMatch(new RegExp(`IdP client id +${enterprise.idpClientId}`));
		expect(again).toMatch(new RegExp(`MCP client id +${enterprise.clientId}`));
	} finally {
		unmount();
	}
}, 60_000);

it('after a refused client secret, c asks for the MCP client again, the identity provider and the ID token kept, and logs in with it', async () => {
	const enterprise = file.sandbox.enterprise!;
	const {stdin, lastFrame, unmount} = await answeredForm(wizardServices(ownHome()), {idTokenFile: enterprise.idTokenFile, clientSecret: 'not-the-secret'});
	try {
		await frameWith(lastFrame, 'Enter exchange the ID token');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'c other MCP client');
		await press(stdin, 'c');
		const form = await frameWith(lastFrame, 'MCP client id:');
		expect(form).toMatch(new RegExp(`IdP issuer +${enterprise.idpIssuer}`));
		expect(form).toMatch(new RegExp(`ID token +.* of ${enterprise.user}, until`));
		await press(stdin, enterprise.clientId, keys.enter);
		await frameWith(lastFrame, 'MCP client secret:');
		await press(stdin, enterprise.clientSecret, keys.enter);
		await frameWith(lastFrame, 'Enter exchange the ID token');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, '✓ Access token received');
	} finally {
		unmount();
	}
}, 60_000);

it('without an ID token file, logs in at the identity provider in the browser for one, also on a login again', async () => {
	const own = ownHome();
	const enterprise = file.sandbox.enterprise!;
	const {stdin, lastFrame, unmount} = await render(<App services={wizardServices(own)} initialUrl={file.sandbox.mcpUrl} />);
	try {
		await pickWay({stdin, lastFrame}, 'Your company\'s identity provider', 1);
		for (const [question, answer] of [['issuer URL:', enterprise.idpIssuer], ['IdP client id:', enterprise.idpClientId]]) {
			await frameWith(lastFrame, question!);
			await press(stdin, answer!, keys.enter);
		}

		const form = await frameWith(lastFrame, 'ID token file:');
		expect(form).toContain('empty: log in at the IdP in a browser');
		await press(stdin, keys.enter);
		const asked = await frameWith(lastFrame, 'MCP client id:');
		expect(asked).toMatch(/ID token +from a login at the IdP in your browser/);
		for (const [question, answer] of [['MCP client id:', enterprise.clientId], ['MCP client secret:', enterprise.clientSecret]]) {
			await frameWith(lastFrame, question!);
			await press(stdin, answer!, keys.enter);
		}

		const client = await frameWith(lastFrame, 'Enter log in at the IdP · w another way · Esc back · t trace · q quit');
		expect(prose(client)).toContain(`You log in at ${enterprise.idpIssuer} in your browser for an ID token`);
		// The identity provider's token endpoint takes the browser login's code too.
		const exchanges = () => file.sandbox.requests.tokenExchange.filter(request => formOf(request.body)['grant_type'] === 'urn:ietf:params:oauth:grant-type:token-exchange');
		const exchangesBefore = exchanges().length;
		await press(stdin, keys.enter);
		const done = await frameWith(lastFrame, '✓ Access token received');
		expect(done).toContain(`Login at ${enterprise.idpIssuer} in your browser, for an ID token`);
		// The scripted browser logs in as alice: her ID token, not the demo user's from the file.
		expect(done).toContain('ID token of alice, from');
		const sent = formOf(exchanges().at(-1)!.body);
		expect(exchanges()).toHaveLength(exchangesBefore + 1);
		expect(sent['subject_token']).not.toBe(enterprise.idToken);
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'Saved as');
		const [saved] = openConfStore({home: own}).list();
		expect(saved).toMatchObject({grant: 'jwt-bearer', identityProvider: {issuer: enterprise.idpIssuer, clientId: enterprise.idpClientId}});

		// a on the saved login, the file left empty: the browser login again, then both exchanges.
		await press(stdin, keys.escape);
		await openSavedServer({stdin, lastFrame}, saved!.name);
		await press(stdin, 'a');
		await throughScopes({stdin, lastFrame});
		await frameWith(lastFrame, 'ID token file:');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'Enter log in at the IdP · w another way · Esc back · t trace · q quit');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, '✓ Access token received');
		expect(exchanges()).toHaveLength(exchangesBefore + 2);
	} finally {
		unmount();
	}
}, 60_000);

/** The wizard started on the browser login at the identity provider, with a browser that opens nothing: the login waits. */
async function waitingAtIdentityProvider(options: WizardOptions = {}) {
	const services = {...wizardServices(ownHome(), options), env: {...process.env, BROWSER: 'true'}};
	const rendered = await answeredForm(services, {idTokenFile: '', clientSecret: file.sandbox.enterprise!.clientSecret});
	await frameWith(rendered.lastFrame, 'Enter log in at the IdP · w another way · Esc back · t trace · q quit');
	await press(rendered.stdin, keys.enter);
	return rendered;
}

it('lets Esc leave the wait for the browser login at the identity provider: nothing is spent yet', async () => {
	const {stdin, lastFrame, unmount} = await waitingAtIdentityProvider();
	try {
		const waiting = await frameWith(lastFrame, 'Waiting for the login in your browser');
		expect(waiting).toContain('Esc back');
		await press(stdin, keys.escape);
		await frameWith(lastFrame, 'Enter log in at the IdP · w another way · Esc back · t trace · q quit');
	} finally {
		unmount();
	}
}, 60_000);

it('says when the browser login at the identity provider ran out of time, and r tries it again', async () => {
	const {stdin, lastFrame, unmount} = await waitingAtIdentityProvider({timeoutMs: 1500});
	try {
		const failed = await frameWith(lastFrame, 'r try again');
		expect(failed).toContain('No login callback from the browser within');
		await press(stdin, 'r');
		await frameWith(lastFrame, 'Waiting for the login in your browser');
	} finally {
		unmount();
	}
}, 60_000);

it('logs in at the identity provider on the port --callback-port names, the wizard\'s own listener', async () => {
	const probe = createServer();
	await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
	const port = (probe.address() as AddressInfo).port;
	await new Promise(resolve => probe.close(resolve));
	const {stdin, lastFrame, unmount} = await answeredForm(wizardServices(ownHome(), {callbackPort: port}), {idTokenFile: '', clientSecret: file.sandbox.enterprise!.clientSecret});
	try {
		await frameWith(lastFrame, 'Enter log in at the IdP · w another way · Esc back · t trace · q quit');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, '✓ Access token received');
		// The browser login's code was redeemed for that redirect URI.
		const code = file.sandbox.requests.tokenExchange.map(request => formOf(request.body)).findLast(form => form['grant_type'] === 'authorization_code');
		expect(code?.['redirect_uri']).toBe(`http://127.0.0.1:${port}/callback`);
		// The identity provider serves no MCP server: no RFC 8707 resource in its code exchange.
		expect(code).not.toHaveProperty('resource');
	} finally {
		unmount();
	}
}, 60_000);
