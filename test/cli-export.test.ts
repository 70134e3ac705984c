import {lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {Client} from '@modelcontextprotocol/client';
import {StdioClientTransport} from '@modelcontextprotocol/client/stdio';
import * as jsonc from 'jsonc-parser';
import * as toml from 'smol-toml';
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {type CliRun, cliPath, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {type ExportTarget, exportConfig} from '../source/core/export.js';
import {exportOptions} from '../source/store/client-config.js';
import {loginIn} from './helpers/saved-servers.js';
import {startTestSandbox} from './helpers/secret-scan.js';

// export --write into a client's own file, as a user runs it: the built CLI, HOME a directory of the
// test's own (where the clients' files are looked for), no terminal.
let sandbox: Sandbox;
const store = temporaryHome();
const user = temporaryHome();
const cli = async (...args: string[]): Promise<CliRun> => runCli(args, {MCP_AUTH_WIZARD_HOME: store.path, BROWSER: scriptedBrowser, HOME: user.path, CODEX_HOME: undefined, CLAUDE_CONFIG_DIR: undefined, XDG_CONFIG_HOME: undefined});
const cursorFile = () => join(user.path, '.cursor', 'mcp.json');
const backups = (directory: string) => readdirSync(directory).filter(file => file.endsWith('.bak'));
const saved = () => loginIn(JSON.parse(readFileSync(join(store.path, 'servers.json'), 'utf8')) as {servers: Record<string, any>}, sandbox.mcpUrl);

beforeAll(async () => {
	sandbox = await startTestSandbox();
	expect((await cli('login', sandbox.mcpUrl, '--name', 'mail', '--no-verify')).code).toBe(0);
}, 90_000);

afterAll(async () => {
	await sandbox.close();
	store.remove();
	user.remove();
});

describe('export --write', () => {
	it('shows the change and, without a terminal, changes nothing unless --yes', async () => {
		const run = await cli('export', 'mail', '--for', 'cursor', '--write');
		expect(run.code).toBe(2);
		expect(run.stderr).toContain(`Write this to ${cursorFile()}?\n"mail" is added:`);
		expect(run.stderr).toContain('"args": [');
		expect(run.stderr).toContain('Pass --yes');
		expect(() => statSync(cursorFile())).toThrow();
	});

	it('creates the client\'s file, readable by the user only; a second run finds nothing to change', async () => {
		const run = await cli('export', 'mail', '--for', 'cursor', '--write', '--yes');
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain(`Added "mail" in ${cursorFile()}`);
		expect(statSync(cursorFile()).mode & 0o777).toBe(0o600);
		const args = ['-y', 'mcp-auth-wizard', 'proxy', 'mail'];
		expect(JSON.parse(readFileSync(cursorFile(), 'utf8'))).toEqual({mcpServers: {mail: {command: 'npx', args, env: {MCP_AUTH_WIZARD_HOME: store.path}}}});
		const again = await cli('export', 'mail', '--for', 'cursor', '--write', '--json');
		expect(JSON.parse(again.stdout)).toEqual({ok: true, server: 'mail', target: 'cursor', file: cursorFile(), change: 'unchanged'});
		expect(backups(join(user.path, '.cursor'))).toEqual([]);
	});

	it('keeps every other entry and comment of a JSONC file, its mode, and the old file as a backup; follows a symbolic link', async () => {
		const directory = join(user.path, 'dotfiles');
		mkdirSync(directory, {recursive: true});
		const real = join(directory, 'mcp.json');
		const before = '{\n\t// mine\n\t"servers": {\n\t\t"other": {\n\t\t\t"type": "stdio",\n\t\t\t"command": "other-server"\n\t\t}\n\t},\n\t"inputs": []\n}\n';
		writeFileSync(real, before, {mode: 0o644});
		const linked = join(user.path, '.config', 'Code', 'User', 'mcp.json');
		mkdirSync(join(user.path, '.config', 'Code', 'User'), {recursive: true});
		symlinkSync(real, linked);

		const run = await cli('export', 'mail', '--for', 'vscode', '--write', '--yes');
		expect(run.code, run.stderr).toBe(0);
		expect(lstatSync(linked).isSymbolicLink()).toBe(true);
		const after = readFileSync(real, 'utf8');
		expect(after).toContain('// mine');
		expect(after).toContain('"other": {\n\t\t\t"type": "stdio",\n\t\t\t"command": "other-server"\n\t\t}');
		expect(jsonc.parse(after)).toEqual({servers: {other: {type: 'stdio', command: 'other-server'}, mail: {type: 'stdio', command: 'npx', args: ['-y', 'mcp-auth-wizard', 'proxy', 'mail'], env: {MCP_AUTH_WIZARD_HOME: store.path}}}, inputs: []});
		expect(statSync(real).mode & 0o777).toBe(0o644);
		// The backup beside the link, not in the repository of dotfiles it points into.
		expect(backups(directory)).toEqual([]);
		const [backup] = backups(dirname(linked));
		expect(readFileSync(join(dirname(linked), backup!), 'utf8')).toBe(before);
		expect(run.stdout).toContain(`the old file is kept as ${join(dirname(linked), backup!)}`);
	});

	it('replaces an entry of the same name in a TOML file after showing both, keeping the rest (Codex, CODEX_HOME)', async () => {
		const codexHome = join(user.path, 'codex-home');
		mkdirSync(codexHome);
		const file = join(codexHome, 'config.toml');
		const before = '# my Codex\nmodel = "o3"\n\n[mcp_servers.mail]\nurl = "https://old.example/mcp"\n\n[mcp_servers.mail.oauth]\nclient_id = "old-client"\n\n[mcp_servers.mail.env]\nAPI_KEY = "sk-live-0123456789abcdef"\n\n# below: mine\n[mcp_servers.other]\ncommand = "x"\n';
		writeFileSync(file, before);
		const run = await runCli(['export', 'mail', '--for', 'codex', '--write', '--yes'], {MCP_AUTH_WIZARD_HOME: store.path, HOME: user.path, CODEX_HOME: codexHome});
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain('"mail" is replaced. It is now:');
		expect(run.stderr).toContain('client_id = "old-client"');
		// What it held is shown, a key in it masked.
		expect(run.stderr).toContain('API_KEY = "sk-liv…(24 chars)"');
		expect(run.stderr).not.toContain('sk-live-0123456789abcdef');
		const after = readFileSync(file, 'utf8');
		expect(after.startsWith('# my Codex\nmodel = "o3"\n\n[mcp_servers.mail]\ncommand = "npx"\n')).toBe(true);
		expect(after).toContain('# below: mine\n[mcp_servers.other]\ncommand = "x"\n');
		expect(toml.parse(after)).toEqual({model: 'o3', mcp_servers: {mail: {command: 'npx', args: ['-y', 'mcp-auth-wizard', 'proxy', 'mail'], startup_timeout_sec: 120, env: {MCP_AUTH_WIZARD_HOME: store.path}}, other: {command: 'x'}}});
	});

	it('refuses a file it cannot read, changing nothing; mcp-remote needs --config, and --config needs --write', async () => {
		const file = join(user.path, 'broken.json');
		writeFileSync(file, '{"mcpServers": {');
		const broken = await cli('export', 'mail', '--for', 'mcp-remote', '--write', '--config', file, '--yes');
		expect(broken.code).toBe(2);
		expect(broken.stderr).toContain(`${file} is not valid JSON`);
		expect(broken.stderr).toContain('Nothing was changed');
		expect(broken.stderr).not.toMatch(/\n\s+at /);
		expect(readFileSync(file, 'utf8')).toBe('{"mcpServers": {');

		const noFile = await cli('export', 'mail', '--for', 'mcp-remote', '--write');
		expect(noFile.code).toBe(2);
		expect(noFile.stderr).toContain('--write --config <file>');
		expect((await cli('export', 'mail', '--for', 'cursor', '--config', file)).code).toBe(2);
	});

	it('writes an entry an MCP client can start as it stands: its command reaches the sandbox with this login', async () => {
		const file = join(user.path, 'desktop.json');
		expect((await cli('export', 'mail', '--for', 'claude-desktop', '--write', '--config', file, '--yes')).code).toBe(0);
		const {mcpServers} = JSON.parse(readFileSync(file, 'utf8')) as {mcpServers: Record<string, {command: string; args: string[]; env: Record<string, string>}>};
		const entry = mcpServers['mail']!;
		// npx would fetch the published package: this checkout's build stands in for it, the rest as written.
		expect(entry.args.slice(0, 2)).toEqual(['-y', 'mcp-auth-wizard']);
		const transport = new StdioClientTransport({command: process.execPath, args: [cliPath, ...entry.args.slice(2)], env: {PATH: process.env['PATH'] ?? '', ...entry.env}, stderr: 'pipe'});
		const client = new Client({name: 'export-test', version: '1.0.0'});
		onTestFinished(async () => client.close());
		await client.connect(transport);
		expect(JSON.stringify(await client.callTool({name: 'whoami', arguments: {}}))).toContain('alice');
	});
});

describe('export, every client, and --redirect-uri', () => {
	it('leads with the proxy and gives the other ways with the registered client (each client\'s form: core/export.test.ts)', async () => {
		const {clientId} = saved().client;
		const targets = ['codex', 'cursor'];
		const runs = await Promise.all(targets.map(async target => cli('export', 'mail', '--for', target, '--json')));
		for (const [index, target] of targets.entries()) {
			const run = runs[index]!;
			expect(run.code).toBe(0);
			const result = JSON.parse(run.stdout) as {kind: string; text: string; alternatives: Array<{kind: string; text: string; notes: string[]}>};
			expect(result).toMatchObject({ok: true, target, kind: 'proxy'});
			expect(result.text).toContain('proxy');
			const other = result.alternatives.find(form => form.kind === 'own-login')!;
			expect(`${other.text}\n${other.notes.join('\n')}`).toContain(clientId);
		}
		// Seven runs of the CLI: with two suites at once on two cores, more than 30 s.
	}, 90_000);

	it('reauthorize --redirect-uri registers a client that also has the other clients\' redirect URIs, on the port it had, and export no longer asks for them', async () => {
		// What export says of the login as saved now (the command's own output: the test above).
		const notes = async (target: ExportTarget) => exportConfig(saved(), target, exportOptions({HOME: user.path, MCP_AUTH_WIZARD_HOME: store.path}, join(store.path, 'servers.json'))).alternatives.find(form => form.kind === 'own-login')!.notes.join('\n');
		const port = new URL(saved().registration.response.redirect_uris[0]).port;
		const claudeUri = `http://localhost:${port}/callback`;
		expect(await notes('claude-code')).toContain(`mcp-auth-wizard reauthorize mail --redirect-uri ${claudeUri}`);
		const run = await cli('reauthorize', 'mail', '--redirect-uri', claudeUri, '--no-verify');
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain(`not registered for the redirect URI ${claudeUri}`);
		expect((JSON.parse(sandbox.requests.registration.at(-1)!.body) as {redirect_uris: string[]}).redirect_uris).toEqual([`http://127.0.0.1:${port}/callback`, claudeUri]);
		expect(await notes('claude-code')).not.toContain('--redirect-uri');

		// Another client's URI later: the first one stays registered.
		expect(await notes('cursor')).toContain('mcp-auth-wizard reauthorize mail --redirect-uri http://localhost:8787/callback');
		expect((await cli('reauthorize', 'mail', '--redirect-uri', 'http://localhost:8787/callback', '--no-verify')).code).toBe(0);
		expect((JSON.parse(sandbox.requests.registration.at(-1)!.body) as {redirect_uris: string[]}).redirect_uris).toEqual([`http://127.0.0.1:${port}/callback`, claudeUri, 'http://localhost:8787/callback']);
		expect(await notes('cursor')).not.toContain('--redirect-uri');
		expect(await notes('claude-code')).not.toContain('--redirect-uri');

		// A client registered elsewhere is not ours to change.
		const other = temporaryHome();
		onTestFinished(() => other.remove());
		const {registration: _registration, ...login} = saved();
		writeFileSync(join(other.path, 'servers.json'), JSON.stringify({version: 2, servers: {mail: {...login, client: {...login.client, source: 'pre-registered'}}}}), {mode: 0o600});
		const preRegistered = await runCli(['reauthorize', 'mail', '--redirect-uri', 'http://localhost:8787/callback'], {MCP_AUTH_WIZARD_HOME: other.path, BROWSER: scriptedBrowser});
		expect(preRegistered.code).toBe(2);
		expect(preRegistered.stderr).toContain('client was not registered by mcp-auth-wizard (pre-registered)');

		const bad = await cli('reauthorize', 'mail', '--redirect-uri', 'not a uri');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('is not an absolute URI without a fragment');
	}, 90_000);
});
