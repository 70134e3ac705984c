import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, expect, it, vi} from 'vitest';
import {openConfStore} from '../source/store/conf-store.js';
import {cliPath, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {fastmailServer} from './helpers/saved-servers.js';
import {browse} from './helpers/scripted-browser.mjs';
import {startTestSandbox} from './helpers/secret-scan.js';
import {tmuxServer} from './helpers/tmux.js';
import {closedBrowser, storeSnapshot} from './wizard/helpers.js';

// The built binary in a real pseudo-terminal (tmux), as a person runs it: `mcp-auth-wizard --demo`.
const {tmux, paneWith, keys, kill} = tmuxServer('e2e');
const home = temporaryHome();
const exitFile = join(home.path, 'exit-code');
const screenWith = async (text: string, session = 'wizard') => paneWith(session, text);
const key = async (name: string, session = 'wizard') => keys(session, name);

async function exitCodeIn(file: string): Promise<string> {
	let code = '';
	await vi.waitFor(() => {
		code = readFileSync(file, 'utf8').trim();
		// The shell may have created the file and not yet written to it.
		expect(code).toMatch(/^\d+$/);
	}, {timeout: 10_000, interval: 100});
	return code;
}

/** The demo in a new tmux session; $? goes to `exitFile`. CI=true would make Ink print only the last frame. */
async function startDemo(session: string, env: {readonly home: string; readonly browser: string; readonly exitFile: string}): Promise<void> {
	const command = `env -u CI MCP_AUTH_WIZARD_HOME='${env.home}' BROWSER='${env.browser}' '${process.execPath}' '${cliPath}' --demo; echo $? > '${env.exitFile}'`;
	await tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '45', command);
}

const interruptedHome = temporaryHome();

afterAll(async () => {
	await kill();
	home.remove();
	interruptedHome.remove();
});

it('runs the demo in a terminal from discovery to the live token status, and quits cleanly', async () => {
	await startDemo('wizard', {home: home.path, browser: scriptedBrowser, exitFile});

	await screenWith('Starting the sandbox');
	const metadata = await screenWith('authorization_endpoint');
	expect(metadata).toContain('Sandbox "fastmail" runs on loopback until you quit.');
	await key('Enter');
	await screenWith('Which scopes');
	await key('Enter');
	const preview = await screenWith('"scope": "https://www.fastmail.com/dev/mcp offline_access"');
	expect(preview).toContain('POST http://127.0.0.1:');
	await key('Enter');
	await screenWith('201 Created');
	await key('Enter');
	const tokens = await screenWith('Logged in');
	expect(tokens).toMatch(/expires in (\d+h )?\d+m/);
	expect(tokens).toContain('✓ https://www.fastmail.com/dev/mcp');
	await key('v');
	await screenWith('sandbox-fastmail');

	await key('q');
	expect(await exitCodeIn(exitFile)).toBe('0');
});

it('ends at once on Ctrl-C while the login waits for a browser that never comes back', async () => {
	// A saved server, so that there is a store file to keep intact.
	await openConfStore({home: interruptedHome.path}).save(fastmailServer());
	const before = storeSnapshot(interruptedHome.path);
	const interruptedExitFile = join(home.path, 'interrupted-exit-code');
	await startDemo('interrupted', {home: interruptedHome.path, browser: closedBrowser, exitFile: interruptedExitFile});

	await screenWith('authorization_endpoint', 'interrupted');
	await key('Enter', 'interrupted');
	await screenWith('Which scopes', 'interrupted');
	await key('Enter', 'interrupted');
	await screenWith('"scope"', 'interrupted');
	await key('Enter', 'interrupted');
	await screenWith('201 Created', 'interrupted');
	await key('Enter', 'interrupted');
	const waiting = await screenWith('Waiting for the browser', 'interrupted');
	const listener = /Redirect URI (http:\/\/127\.0\.0\.1:\d+)\/callback/.exec(waiting)![1]!;
	expect((await fetch(listener)).status).toBe(404);

	await key('C-c', 'interrupted');
	expect(await exitCodeIn(interruptedExitFile)).toBe('130');
	await expect(fetch(listener)).rejects.toThrow();
	expect(storeSnapshot(interruptedHome.path)).toEqual(before);
});

it('takes the address a browser on another machine ended on, pasted into the terminal where login waits', async () => {
	const sandbox = await startTestSandbox();
	const pasteHome = temporaryHome();
	try {
		const pasteExit = join(pasteHome.path, 'exit-code');
		const command = `env -u CI MCP_AUTH_WIZARD_HOME='${pasteHome.path}' '${process.execPath}' '${cliPath}' login ${sandbox.mcpUrl} --no-open --name remote; echo $? > '${pasteExit}'`;
		await tmux('new-session', '-d', '-s', 'paste', '-x', '120', '-y', '45', command);
		await screenWith('Paste here the address it ended on', 'paste');
		const joined = await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'paste');
		const url = joined.split('\n').map(line => line.trim()).find(line => line.startsWith(`${sandbox.issuer}/oauth/authorize?`))!;
		// The browser, elsewhere, ends on the redirect URI without reaching this machine.
		const {callbackUrl} = await browse(url, {openCallback: false});
		await tmux('send-keys', '-t', 'paste', '-l', 'not a url');
		await key('Enter', 'paste');
		await screenWith('That is not a URL', 'paste');
		await tmux('send-keys', '-t', 'paste', '-l', callbackUrl.href);
		await key('Enter', 'paste');
		// What is pasted is not echoed (it holds the code); what was taken is said, the code masked.
		const took = await screenWith('Took the pasted address', 'paste');
		expect(took).not.toContain(callbackUrl.searchParams.get('code')!);
		// Logged in, and done reading the terminal: the command ends (and its tmux session with it).
		expect(await exitCodeIn(pasteExit)).toBe('0');
		expect(openConfStore({home: pasteHome.path}).find('remote')?.tokens).toBeDefined();
	} finally {
		await sandbox.close();
		pasteHome.remove();
	}
});

it('ends on Ctrl-C while login waits, the terminal read for a pasted address', async () => {
	const sandbox = await startTestSandbox();
	const ctrlCHome = temporaryHome();
	try {
		const exit = join(ctrlCHome.path, 'exit-code');
		const command = `env -u CI MCP_AUTH_WIZARD_HOME='${ctrlCHome.path}' '${process.execPath}' '${cliPath}' login ${sandbox.mcpUrl} --no-open; echo $? > '${exit}'`;
		await tmux('new-session', '-d', '-s', 'ctrl-c', '-x', '120', '-y', '45', command);
		await screenWith('Paste here the address it ended on', 'ctrl-c');
		await key('C-c', 'ctrl-c');
		expect(await exitCodeIn(exit)).toBe('130');
	} finally {
		await sandbox.close();
		ctrlCHome.remove();
	}
});
