import {afterAll, beforeAll, expect} from 'vitest';
import {createHttpClient} from '../../source/core/http.js';
import {openConfStore} from '../../source/store/conf-store.js';
import {type WizardOptions, type WizardServices, coreSteps} from '../../source/wizard/services.js';
import {frameWith, keys, press} from './ink.js';
import type {Sandbox, SandboxOptions} from '../../source/sandbox/index.js';
import {scriptedBrowser, temporaryHome} from './run-cli.js';
import {startTestSandbox} from './secret-scan.js';
import {recordHttp, watchStore} from './secret-scan.js';

/**
 * The wizard's real services, with the store in `home` and the scripted browser as BROWSER; its HTTP
 * trace and saved login traces go to the secret scan.
 */
export function wizardServices(home: string, options: WizardOptions = {}): WizardServices {
	const http = createHttpClient();
	recordHttp(http);
	watchStore(home);
	return {http, store: openConfStore({home}), env: {...process.env, BROWSER: scriptedBrowser}, options, core: coreSteps};
}

type Rendered = {readonly stdin: {write(data: string): void}; readonly lastFrame: () => string | undefined};

/** From the start at discovery, through the metadata and the default scopes, to the client step. */
export async function throughScopes({stdin, lastFrame}: Rendered): Promise<void> {
	await frameWith(lastFrame, 'authorization_endpoint');
	await press(stdin, keys.enter);
	await frameWith(lastFrame, 'Which scopes');
	await press(stdin, keys.enter);
}

/**
 * From the start at discovery, on a server that registers no clients but offers other ways, to the
 * way picker; returns it once `way` is on it, and picks the item `downs` below the first.
 */
export async function pickWay({stdin, lastFrame}: Rendered, way: string, downs: number): Promise<string> {
	await frameWith(lastFrame, 'authorization_endpoint');
	await press(stdin, keys.enter);
	// No registration here: Enter goes on to the client, not to a registration preview.
	await frameWith(lastFrame, 'Enter the client');
	await press(stdin, keys.enter);
	await frameWith(lastFrame, 'How should this login get its client id?');
	const picker = await frameWith(lastFrame, way);
	await press(stdin, ...Array.from({length: downs}, () => keys.down), keys.enter);
	return picker;
}

/** From the start at discovery to the login screen's wait: default scopes, the registration sent. */
export async function toLoginWait(rendered: Rendered): Promise<string> {
	await throughScopes(rendered);
	await frameWith(rendered.lastFrame, '"scope"');
	await press(rendered.stdin, keys.enter);
	await frameWith(rendered.lastFrame, '201');
	await press(rendered.stdin, keys.enter);
	return frameWith(rendered.lastFrame, 'Waiting for the browser');
}

/** From the registration preview: send it, then log in with the browser, until the token is saved. */
export async function registerAndLogIn({stdin, lastFrame}: Rendered): Promise<string> {
	await frameWith(lastFrame, '"scope"');
	await press(stdin, keys.enter);
	await frameWith(lastFrame, '201');
	await press(stdin, keys.enter);
	const saved = await frameWith(lastFrame, 'Saved as');
	expect(saved).toContain('Logged in');
	return saved;
}

/**
 * One sandbox and one store directory for a whole test file: the sandbox starts before the file's first
 * test, and both are gone after its last.
 */
export function sandboxForFile(options?: SandboxOptions): {readonly sandbox: Sandbox; readonly home: ReturnType<typeof temporaryHome>} {
	let sandbox: Sandbox | undefined;
	const home = temporaryHome();
	beforeAll(async () => {
		sandbox = await startTestSandbox(options);
	});
	afterAll(async () => {
		await sandbox?.close();
		home.remove();
	});
	return {
		get sandbox() {
			if (!sandbox) throw new Error('The sandbox starts in beforeAll: use it inside a test');
			return sandbox;
		},
		home,
	};
}

/** The authorization URL the wizard printed whole above its frame (the last one printed). */
export function shownAuthorizationUrl(frames: readonly string[]): string {
	const marker = 'Authorization URL (to open in a browser):';
	const printed = frames.findLast(frame => frame.includes(marker)) ?? '';
	const lines = printed.split('\n');
	const url = lines[lines.findIndex(line => line === marker) + 1];
	if (!url?.startsWith('http')) throw new Error(`No authorization URL printed above the screen:\n${frames.at(-1) ?? ''}`);
	return url;
}
