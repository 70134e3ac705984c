import {execFile} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, expect, it, vi} from 'vitest';
import {cliPath, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';

// The built binary in a real pseudo-terminal (tmux), as a person runs it: `mcp-auth-wizard --demo`.
const run = promisify(execFile);
const socket = `maw-e2e-${process.pid}`;
const home = temporaryHome();
const exitFile = join(home.path, 'exit-code');
const tmux = async (...args: string[]) => (await run('tmux', ['-L', socket, ...args])).stdout;
const screen = async () => tmux('capture-pane', '-p', '-t', 'wizard');

async function screenWith(text: string): Promise<string> {
	let last = '';
	await vi.waitFor(
		async () => {
			last = await screen();
			expect(last).toContain(text);
		},
		{timeout: 20_000, interval: 100},
	);
	return last;
}

async function key(name: string): Promise<void> {
	await tmux('send-keys', '-t', 'wizard', name);
}

afterAll(async () => {
	await tmux('kill-server').catch(() => undefined);
	home.remove();
});

it('runs the demo in a terminal from discovery to the live token status, and quits cleanly', async () => {
	// CI=true makes Ink print only the last frame: a person's terminal does not have it.
	const command = `env -u CI MCP_AUTH_WIZARD_HOME='${home.path}' BROWSER='${scriptedBrowser}' '${process.execPath}' '${cliPath}' --demo; echo $? > '${exitFile}'`;
	await tmux('new-session', '-d', '-s', 'wizard', '-x', '120', '-y', '45', command);

	const metadata = await screenWith('authorization_endpoint');
	expect(metadata).toContain('Sandbox running, profile fastmail');
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
	await vi.waitFor(() => {
		expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
	}, {timeout: 10_000, interval: 100});
});
