import {afterAll, beforeAll, expect, it} from 'vitest';
import {App} from '../../source/wizard/app.js';
import {createHttpClient} from '../../source/core/http.js';
import {login} from '../../source/core/login.js';
import type {Sandbox} from '../../source/sandbox/index.js';
import {saveLogin} from '../../source/store/saved-server.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';
import {scriptedBrowser, temporaryHome} from '../helpers/run-cli.js';
import {startTestSandbox} from '../helpers/secret-scan.js';
import {registerAndLogIn, throughScopes, wizardServices} from '../helpers/wizard.js';
import {prose} from './helpers.js';
import {fastmailServer} from '../helpers/saved-servers.js';

// One server, several logins (accounts): a new login in the wizard is added beside the saved one, and a
// re-authorization goes to the login it was asked on, never to another of the same server.
let sandbox: Sandbox;
const home = temporaryHome();

beforeAll(async () => {
	sandbox = await startTestSandbox();
});

afterAll(async () => {
	await sandbox.close();
	home.remove();
});

it('adds a new login of a saved server beside it, and re-authorizes each login as itself', async () => {
	const services = wizardServices(home.path);
	const http = createHttpClient();
	const scopes = [sandbox.mcpScope, 'offline_access'];
	const first = await login(sandbox.mcpUrl, {http, env: {...process.env, BROWSER: scriptedBrowser}, scopes});
	const {discovery} = first;
	const work = await saveLogin(services.store, {mcpUrl: sandbox.mcpUrl, resource: discovery.resource, issuer: discovery.authorizationServer.issuer, metadata: discovery.authorizationServer.metadata, client: first.client, registration: first.registration, scopes, tokens: first.tokens}, 'work');

	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={sandbox.mcpUrl} />);
	try {
		// Said while going back is one key away: the login is added, the saved one stays.
		const metadata = prose(await frameWith(lastFrame, 'authorization_endpoint'));
		expect(metadata).toContain('Saved already as "work": this login is added as "127.0.0.1" (to log in to a saved one again: Esc, then a on it).');
		await throughScopes({stdin, lastFrame});
		expect(prose(await registerAndLogIn({stdin, lastFrame}))).toContain('Saved as 127.0.0.1 in');
		expect(services.store.list().map(server => server.name)).toEqual(['127.0.0.1', 'work']);
		expect(services.store.find('work')).toEqual(work);

		// Both listed; "work" re-authorizes as "work", and the new login is left as it was.
		await press(stdin, keys.escape);
		await frameWith(lastFrame, 'Saved servers (2)');
		const added = services.store.find('127.0.0.1')!;
		await press(stdin, keys.down, keys.enter);
		await frameWith(lastFrame, 'a re-authorize');
		await press(stdin, 'a');
		await frameWith(lastFrame, 'authorization_endpoint');
		expect(lastFrame()).not.toContain('Saved already');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'the scopes of your last login');
		await press(stdin, keys.enter);
		expect(prose(await frameWith(lastFrame, 'Saved as'))).toContain('Saved as work in');
		expect(services.store.find('work')!.tokens).not.toEqual(work.tokens);
		expect(services.store.find('work')!.client).toEqual(work.client);
		expect(services.store.find('127.0.0.1')).toEqual(added);
	} finally {
		unmount();
	}
});

it('says before the browser that --name names another server\'s login, under which this one could not be saved', async () => {
	const other = temporaryHome();
	try {
		const services = wizardServices(other.path, {name: 'work'});
		await services.store.save(fastmailServer({name: 'work'}));
		const {lastFrame, unmount} = await render(<App services={services} initialUrl={sandbox.mcpUrl} />);
		try {
			const metadata = prose(await frameWith(lastFrame, 'authorization_endpoint'));
			expect(metadata).toContain('"work" (--name) is the saved login of https://api.fastmail.com/mcp: this login could not be saved under it. Quit (q) and start again with another --name.');
		} finally {
			unmount();
		}
	} finally {
		other.remove();
	}
});
