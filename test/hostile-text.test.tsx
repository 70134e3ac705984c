import {afterAll, describe, expect, it} from 'vitest';
import {App} from '../source/wizard/app.js';
import {frameWith, keys, press, render} from './helpers/ink.js';
import {runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {wizardServices} from './helpers/wizard.js';
import {chainMetadata, json, oauthChain, startFaultServer} from './reliability/servers.js';

// A server whose every string field carries OSC 52 (write the clipboard), OSC 8 (a link), CSI (red)
// and a bare CR: what it sends is shown, never obeyed, by every command and every wizard screen.
const evil = '\u001B]52;c;ZXZpbA==\u0007\u001B]8;;https://evil.example/\u0007link\u001B]8;;\u0007\u001B[31mred\u009B2J\rCR';
const controls = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

const home = temporaryHome();
let server: Awaited<ReturnType<typeof startFaultServer>> | undefined;
afterAll(async () => {
	await server?.close();
	home.remove();
});

async function hostileServer(): Promise<string> {
	server ??= await startFaultServer(origin => {
		const chain = oauthChain(origin, {}, {});
		return {
			...chain,
			'/mcp': json(401, {error: 'unauthorized', error_description: evil}, {'www-authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", error="invalid_token"`}),
			'/.well-known/oauth-protected-resource/mcp': json(200, {resource: `${origin}/mcp`, authorization_servers: [origin], scopes_supported: ['mcp', `mcp:${evil}`], resource_name: evil, resource_documentation: `https://docs.example/${evil}`}),
			'/.well-known/oauth-authorization-server': json(200, {...chainMetadata(origin), scopes_supported: ['mcp', `mcp:${evil}`, evil], service_documentation: evil}),
			'/register': json(201, {client_id: 'chain-client', client_name: evil, token_endpoint_auth_method: 'none', redirect_uris: [], scope: evil, logo_uri: evil}),
			'/token': json(200, {access_token: 'hostile-access-token-0123456789', token_type: 'Bearer', expires_in: 3600, scope: `mcp ${evil}`}),
		};
	});
	return `${server.origin}/mcp`;
}

const cli = async (...args: string[]) => runCli(args, {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});

describe('server text that carries terminal control sequences', () => {
	it('reaches no command\'s output as a sequence: discover, login --trace, list, status, verify, refresh, export', async () => {
		const mcpUrl = await hostileServer();
		const runs = [
			await cli('discover', mcpUrl),
			await cli('login', mcpUrl, '--trace', '--no-verify', '--name', 'hostile', '--timeout', '20s'),
			await cli('list'),
			await cli('status', 'hostile'),
			await cli('verify', 'hostile'),
			await cli('export', 'hostile', '--for', 'codex'),
			await cli('refresh', 'hostile'),
			await cli('reauthorize', 'hostile', '--no-verify', '--timeout', '20s'),
			await cli('discover', mcpUrl, '--json'),
			await cli('verify', 'hostile', '--json', '--trace'),
		];
		expect(runs[1]!.code).toBe(0);
		// What the server said is there, shown.
		expect(runs[0]!.stdout).toContain('\\x1b]52;c;ZXZpbA==\\x07');
		for (const run of runs) {
			expect(run.stdout).not.toMatch(controls);
			expect(run.stderr).not.toMatch(controls);
		}
	});

	it('reaches no wizard screen as a sequence: metadata, scopes, registration, login, token, trace', async () => {
		const mcpUrl = await hostileServer();
		const wizardHome = temporaryHome();
		const {stdin, lastFrame, frames, unmount} = await render(<App services={wizardServices(wizardHome.path)} initialUrl={mcpUrl} />);
		try {
			expect(await frameWith(lastFrame, 'scopes_supported')).toContain('\\x1b');
			await press(stdin, 'j');
			await frameWith(lastFrame, '"resource_name"');
			await press(stdin, 'j', keys.enter);
			await frameWith(lastFrame, 'Which scopes');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '"scope"');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, '201');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, 'Saved as');
			await press(stdin, 't');
			await frameWith(lastFrame, 'HTTP trace');
			for (const frame of frames) expect(frame).not.toMatch(controls);
		} finally {
			unmount();
			wizardHome.remove();
		}
	});

	it('reaches no screen of the saved servers as a sequence: the list, a server, its registration, trace and an export', async () => {
		const savedHome = temporaryHome();
		const login = await runCli(['login', await hostileServer(), '--no-verify', '--name', 'hostile', '--timeout', '20s'], {MCP_AUTH_WIZARD_HOME: savedHome.path, BROWSER: scriptedBrowser});
		expect(login.code).toBe(0);
		const {stdin, lastFrame, frames, unmount} = await render(<App services={wizardServices(savedHome.path)} />);
		try {
			await frameWith(lastFrame, 'hostile');
			await press(stdin, keys.enter);
			await frameWith(lastFrame, 'Registered');
			await press(stdin, 'g');
			await frameWith(lastFrame, 'client_name');
			await press(stdin, keys.escape);
			await frameWith(lastFrame, 'saved servers');
			await press(stdin, keys.enter, 'l');
			await frameWith(lastFrame, '/token');
			// An export, printed whole above the frame too: the snippet holds the server's scopes.
			await press(stdin, 'l', 'e', '7');
			await frameWith(lastFrame, 'through the proxy');
			// JSON escapes C0 controls itself; the C1 one (0x9b) is made printable before it is written.
			expect(frames.some(frame => frame.includes('--static-oauth-client-metadata') && frame.includes('\\x9b'))).toBe(true);
			expect(frames.some(frame => frame.includes('\\x1b'))).toBe(true);
			for (const frame of frames) expect(frame).not.toMatch(controls);
		} finally {
			unmount();
			savedHome.remove();
		}
	});
});
