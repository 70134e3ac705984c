import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startSandbox} from '../sandbox/index.js';
import type {CommandContext} from './context.js';
import {exitCode} from './output.js';

function waitForAbort(signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		if (signal.aborted) resolve();
		else signal.addEventListener('abort', () => resolve(), {once: true});
	});
}

/** `mcp-auth-wizard sandbox`: the Fastmail-like servers on loopback until Ctrl-C. */
export async function runSandbox(context: CommandContext, options: {port?: number}): Promise<number> {
	const sandbox = await startSandbox({port: options.port});
	try {
		context.output.result({ok: true, mcpUrl: sandbox.mcpUrl, issuer: sandbox.issuer}, () => [
			'Sandbox running (an authorization server and an MCP server, like Fastmail\'s):',
			`  MCP server:           ${sandbox.mcpUrl}`,
			`  authorization server: ${sandbox.issuer}`,
			'',
			`Log in to it from another terminal: mcp-auth-wizard login ${sandbox.mcpUrl}`,
			'Any user name works on its login page. Press Ctrl-C to stop.',
		]);
		await waitForAbort(context.signal);
		return exitCode.ok;
	} finally {
		await sandbox.close();
		context.output.note('Sandbox stopped.');
	}
}

/**
 * `mcp-auth-wizard --demo`: the sandbox in-process for `run`, with a throwaway store (unless
 * MCP_AUTH_WIZARD_HOME names one), so that a try-out leaves nothing behind; stopped when `run` ends.
 */
export async function withDemoSandbox(context: CommandContext, run: (mcpUrl: string, demoContext: CommandContext) => Promise<number>): Promise<number> {
	const sandbox = await startSandbox();
	const home = context.env['MCP_AUTH_WIZARD_HOME'] ? undefined : mkdtempSync(join(tmpdir(), 'mcp-auth-wizard-demo-'));
	try {
		const demoContext: CommandContext = home
			? {
					...context,
					async openStore() {
						const {openConfStore} = await import('../store/conf-store.js');
						return openConfStore({home});
					},
				}
			: context;
		return await run(sandbox.mcpUrl, demoContext);
	} finally {
		await sandbox.close();
		if (home) rmSync(home, {recursive: true, force: true});
	}
}
