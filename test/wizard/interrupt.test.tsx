import {afterAll, beforeAll, expect, it, vi} from 'vitest';
import {App} from '../../source/wizard/app.js';
import type {Sandbox} from '../../source/sandbox/index.js';
import {openConfStore} from '../../source/store/conf-store.js';
import type {SavedServer} from '../../source/store/types.js';
import {type WizardOptions, coreSteps} from '../../source/wizard/services.js';
import {frameWith, keys, press, render, unwrapped} from '../helpers/ink.js';
import {asMetadata, unauthorized} from '../helpers/json-server.js';
import {scriptedBrowser, temporaryHome} from '../helpers/run-cli.js';
import {startTestSandbox} from '../helpers/secret-scan.js';
import {fastmailServer} from '../helpers/saved-servers.js';
import {registerAndLogIn, shownAuthorizationUrl, throughScopes, wizardServices} from '../helpers/wizard.js';
import {Probe, type StallingServer, closedBrowser, ctrlC, openSavedServer, stall, startStallingServer, storeSnapshot} from './helpers.js';
import {waitLimit} from '../helpers/wait.js';

let sandbox: Sandbox;
/** An MCP server that never answers: discovery stays in flight. */
let silentMcp: StallingServer;
/** Discovery works; the registration and the token endpoint never answer. */
let slowAs: StallingServer;
const homes: Array<{remove(): void}> = [];

beforeAll(async () => {
	sandbox = await startTestSandbox();
	silentMcp = await startStallingServer(() => ({'/mcp': stall}));
	slowAs = await startStallingServer(origin => ({
		'/mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
		'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin], scopes_supported: ['mail']}},
		'/.well-known/oauth-authorization-server': {body: asMetadata(origin)},
		'POST /register': stall,
		'POST /token': stall,
	}));
});

afterAll(async () => {
	await Promise.all([sandbox.close(), silentMcp.close(), slowAs.close()]);
	for (const home of homes) home.remove();
});

type At = {readonly stdin: {write(data: string): void}; readonly lastFrame: () => string | undefined; readonly frames: readonly string[]};

type Case = {
	/** Where the wizard is when Ctrl-C comes. */
	readonly step: string;
	/** The URL it starts at (the sandbox's by default); undefined starts at the saved-server list. */
	readonly url?: () => string | undefined;
	readonly options?: WizardOptions;
	/** BROWSER: the scripted one that logs in (default), or one that never comes back. */
	readonly browser?: string;
	/** The server saved before the wizard starts. */
	readonly saved?: () => SavedServer;
	/** From the start to the step. */
	readonly to: (at: At) => Promise<void>;
	/** The server that holds this step's request, never answering it. */
	readonly inFlight?: () => StallingServer;
	/** Whether the loopback listener is open at this step. */
	readonly listening?: true;
	/** Whether the step comes after a completed login, which is saved. */
	readonly saves?: true;
};

const toList = async ({lastFrame}: At) => {
	await frameWith(lastFrame, 'saved servers');
	await frameWith(lastFrame, 'fastmail');
};

const toServer = async (at: At) => openSavedServer(at, 'fastmail');

const toPreview = async (at: At) => {
	await throughScopes(at);
	await frameWith(at.lastFrame, '"scope"');
};

const toClientWay = async (at: At) => {
	await toPreview(at);
	await press(at.stdin, 'w');
	await frameWith(at.lastFrame, 'How should this login get its client id?');
};

const toLogin = async (at: At) => {
	await toPreview(at);
	await press(at.stdin, keys.enter);
	await frameWith(at.lastFrame, '201');
	await press(at.stdin, keys.enter);
	await frameWith(at.lastFrame, 'Waiting for the browser');
};

const cases: Case[] = [
	{
		step: 'URL entry, typing',
		url: () => undefined,
		async to(at) {
			await toList(at);
			await press(at.stdin, 'n');
			await frameWith(at.lastFrame, 'Which MCP server');
			await press(at.stdin, 'http://127');
			await frameWith(at.lastFrame, 'http://127');
		},
	},
	{
		step: 'discovery, its request in flight',
		url: () => `${silentMcp.origin}/mcp`,
		inFlight: () => silentMcp,
		async to({lastFrame}) {
			await frameWith(lastFrame, `${silentMcp.origin}/mcp`);
		},
	},
	{
		step: 'metadata',
		async to({lastFrame}) {
			await frameWith(lastFrame, 'authorization_endpoint');
		},
	},
	{
		step: 'the HTTP trace panel',
		async to({stdin, lastFrame}) {
			await frameWith(lastFrame, 'authorization_endpoint');
			await press(stdin, 't');
			await frameWith(lastFrame, 'HTTP trace');
		},
	},
	{
		step: 'scopes',
		async to({stdin, lastFrame}) {
			await frameWith(lastFrame, 'authorization_endpoint');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, 'Which scopes');
		},
	},
	{
		step: 'scopes, typing one to add',
		async to({stdin, lastFrame}) {
			await frameWith(lastFrame, 'authorization_endpoint');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, 'Which scopes');
			await press(stdin, 'a');
			await frameWith(lastFrame, 'Add a scope');
			await press(stdin, 'extra');
			await frameWith(lastFrame, 'extra');
		},
	},
	{step: 'registration preview', listening: true, to: toPreview},
	{step: 'the choice of a way to a client id', listening: true, to: toClientWay},
	{
		step: 'client id entry, typing',
		listening: true,
		async to(at) {
			await toClientWay(at);
			await press(at.stdin, keys.down, keys.enter);
			await frameWith(at.lastFrame, 'Client id:');
			await press(at.stdin, 'my-client');
			await frameWith(at.lastFrame, 'my-client');
		},
	},
	{
		step: 'registration, its request in flight',
		url: () => `${slowAs.origin}/mcp`,
		inFlight: () => slowAs,
		listening: true,
		async to(at) {
			await toPreview(at);
			await press(at.stdin, keys.enter);
		},
	},
	{step: 'login, waiting for the browser', browser: closedBrowser, listening: true, to: toLogin},
	{
		step: 'login, typing the redirect URL',
		browser: closedBrowser,
		listening: true,
		async to(at) {
			await toLogin(at);
			await press(at.stdin, 'p');
			await frameWith(at.lastFrame, 'Paste the URL');
			await press(at.stdin, 'http://127.0.0.1');
		},
	},
	{
		step: 'login, redeeming the code',
		url: () => `${slowAs.origin}/mcp`,
		options: {clientId: 'interrupt-test-client'},
		browser: closedBrowser,
		inFlight: () => slowAs,
		async to(at) {
			await throughScopes(at);
			await frameWith(at.lastFrame, 'pre-registered client interrupt-test-client');
			await press(at.stdin, keys.enter);
			const frame = unwrapped(await frameWith(at.lastFrame, 'Waiting for the browser'));
			// The browser comes back with a code; the token endpoint then never answers.
			const redirectUri = /Redirect URI (http:\/\/127\.0\.0\.1:\d+\/callback)/.exec(frame)![1]!;
			const state = new URL(shownAuthorizationUrl(at.frames)).searchParams.get('state')!;
			const page = await fetch(`${redirectUri}?code=a-code-never-redeemed&state=${state}`);
			expect(page.status).toBe(200);
			await frameWith(at.lastFrame, 'Redeeming the code');
		},
	},
	{
		step: 'the token screen',
		saves: true,
		async to(at) {
			await throughScopes(at);
			await registerAndLogIn(at);
		},
	},
	{step: 'the saved-server list', url: () => undefined, to: toList},
	{step: 'a saved server', url: () => undefined, to: toServer},
	{
		step: 'a confirm dialog (forget the tokens?)',
		url: () => undefined,
		async to(at) {
			await toServer(at);
			await press(at.stdin, 'k');
			await frameWith(at.lastFrame, 'Forget the tokens of fastmail?');
		},
	},
	{
		step: 'a saved server, its refresh in flight',
		url: () => undefined,
		saved: () => fastmailServer({authorizationServer: {...fastmailServer().authorizationServer, token_endpoint: `${slowAs.origin}/token`}}),
		inFlight: () => slowAs,
		async to(at) {
			await toServer(at);
			await press(at.stdin, 'r');
			await frameWith(at.lastFrame, 'Refreshing');
		},
	},
];

/** The wizard with a store holding one saved server, every loopback listener it starts noted. */
async function startWizard(test: Case) {
	const home = temporaryHome();
	homes.push(home);
	const base = wizardServices(home.path, test.options);
	const saved = (test.saved ?? (() => fastmailServer()))();
	await base.store.save(saved);
	const listeners: string[] = [];
	const services = {
		...base,
		env: {...base.env, BROWSER: test.browser ?? scriptedBrowser},
		core: {
			...coreSteps,
			async startCallbackServer(options: Parameters<typeof coreSteps.startCallbackServer>[0]) {
				const server = await coreSteps.startCallbackServer(options);
				listeners.push(server.redirectUri);
				return server;
			},
		},
	};
	let unmounted = false;
	const before = storeSnapshot(home.path);
	const url = test.url ? test.url() : sandbox.mcpUrl;
	const rendered = await render(
		<Probe onUnmount={() => (unmounted = true)}>
			<App services={services} initialUrl={url} />
		</Probe>,
	);
	return {rendered, home: home.path, saved, before, listeners, unmounted: () => unmounted};
}

it.each(cases)('Ctrl-C at $step: the wizard exits at once, nothing left open or half-saved', async test => {
	const wizard = await startWizard(test);
	const {stdin, lastFrame, frames, unmount} = wizard.rendered;
	try {
		await test.to({stdin, lastFrame, frames});
		const server = test.inFlight?.();
		if (server) await vi.waitFor(() => expect(server.held()).toBe(1), waitLimit);
		if (test.listening) {
			// Open: it answers anything but its callback with a 404.
			expect((await fetch(new URL('/', wizard.listeners.at(-1)))).status).toBe(404);
		}

		stdin.write(ctrlC);
		await vi.waitFor(() => expect(wizard.unmounted()).toBe(true), waitLimit);
		if (server) await vi.waitFor(() => expect(server.held()).toBe(0), waitLimit);
		for (const redirectUri of wizard.listeners) {
			await vi.waitFor(async () => {
				await expect(fetch(new URL('/', redirectUri))).rejects.toThrow();
			}, waitLimit);
		}

		if (test.saves) {
			// The complete login, next to what was saved before; no lock or temporary file left behind.
			const after = openConfStore({home: wizard.home});
			expect(after.notices).toEqual([]);
			expect(after.find(sandbox.mcpUrl)?.tokens?.accessToken).toEqual(expect.any(String));
			expect(after.find(wizard.saved.mcpUrl)).toEqual(wizard.saved);
			expect(Object.keys(storeSnapshot(wizard.home))).toEqual(Object.keys(wizard.before));
		} else {
			// A refresh under way holds the server's lock: released as the aborted refresh unwinds (a
			// process that exits first has it removed by the lock library's exit handler).
			await vi.waitFor(() => {
				expect(storeSnapshot(wizard.home)).toEqual(wizard.before);
			}, waitLimit);
		}
	} finally {
		unmount();
	}
});
