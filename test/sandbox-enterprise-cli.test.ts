import {spawn} from 'node:child_process';
import {existsSync, readFileSync, statSync} from 'node:fs';
import {Client} from '@modelcontextprotocol/client';
import {StdioClientTransport} from '@modelcontextprotocol/client/stdio';
import {expect, it} from 'vitest';
import {cliPath, collectOutput, runCli, runningSandbox, sandboxJson, sandboxLines, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {recordSecret} from './helpers/secret-scan.js';

/** The line after the one that ends with `label`, trimmed: a value printed alone on its line. */
function valueAfter(lines: readonly string[], label: string, offset = 1): string {
	const index = lines.findIndex(line => line.endsWith(label));
	expect(index, label).toBeGreaterThanOrEqual(0);
	return lines[index + offset]!.trim();
}

it('`sandbox --profile enterprise` prints the identity provider, the ID token\'s file (not the token) and a login command that works', async () => {
	const sandbox = await runningSandbox(['--profile', 'enterprise'], sandboxLines);
	const home = temporaryHome();
	let idTokenFile = '';
	try {
		const lines = sandbox.stdout.split('\n');
		const [command = '', browserCommand = ''] = lines.filter(line => line.trimStart().startsWith('mcp-auth-wizard login ')).map(line => line.trim());
		// Prose within 80 columns; only the commands to copy are longer, each alone on its line.
		expect(lines.filter(line => line.length > 80)).toEqual([`    ${command}`, `    ${browserCommand}`]);
		expect(sandbox.stdout).not.toContain('login page');

		const idpIssuer = /^ {2}identity provider: +(\S+)$/m.exec(sandbox.stdout)![1]!;
		expect(idpIssuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/idp$/);
		const idpClientId = valueAfter(lines, '(public, no secret):');
		idTokenFile = valueAfter(lines, 'in the file:');
		const clientId = valueAfter(lines, '(client_secret_basic):');
		const secret = valueAfter(lines, '(client_secret_basic):', 2);
		expect(idpClientId).toBe('sandbox-idp-client');
		expect(clientId).toBe('sandbox-enterprise-client');

		// The ID token stays in its file, which only the user can read.
		expect(statSync(idTokenFile).mode & 0o777).toBe(0o600);
		const idToken = readFileSync(idTokenFile, 'utf8').trim();
		expect(idToken.split('.')).toHaveLength(3);
		recordSecret('id token', idToken);
		recordSecret('client secret', secret);
		expect(sandbox.stdout).not.toContain(idToken);

		expect(command.split(' ')).toEqual([
			'mcp-auth-wizard', 'login', expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/),
			'--enterprise', '--idp-issuer', idpIssuer, '--idp-client-id', idpClientId, '--id-token', idTokenFile, '--client-id', clientId, '--client-secret', '-',
		]);
		// The command as printed, the secret on standard input (--client-secret -).
		const login = spawn(process.execPath, [cliPath, ...command.split(' ').slice(1), '--json'], {env: {...process.env, BROWSER: undefined, MCP_AUTH_WIZARD_HOME: home.path}, stdio: ['pipe', 'pipe', 'pipe']});
		login.stdin.end(`${secret}\n`);
		const run = await collectOutput(login);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout) as {server: {name: string}};
		expect(result).toMatchObject({grant: 'jwt-bearer', check: {ok: true}});

		// The other command: no ID token at hand, the user logs in at the identity provider in the browser for one.
		expect(browserCommand).toBe(command.replace(` --id-token ${idTokenFile}`, ''));
		const other = temporaryHome();
		try {
			const browserLogin = spawn(process.execPath, [cliPath, ...browserCommand.split(' ').slice(1), '--json'], {env: {...process.env, BROWSER: scriptedBrowser, SCRIPTED_BROWSER_USER: 'bob@example.com', MCP_AUTH_WIZARD_HOME: other.path}, stdio: ['pipe', 'pipe', 'pipe']});
			browserLogin.stdin.end(`${secret}\n`);
			const browserRun = await collectOutput(browserLogin);
			expect(browserRun.code, browserRun.stderr).toBe(0);
			expect(JSON.parse(browserRun.stdout)).toMatchObject({grant: 'jwt-bearer', check: {ok: true}, enterprise: {idJag: {claims: {sub: 'bob@example.com', client_id: clientId}}}});
			expect(browserRun.stderr).toContain(`No ID token given: logging in at the identity provider ${idpIssuer} in the browser`);
			expect(browserRun.stderr).toMatch(new RegExp(`Open this URL in a browser to log in .*:\\n {2}${idpIssuer}/auth\\?`));
			// The ID token it got, and the ID-JAG, never whole.
			expect(`${browserRun.stdout}${browserRun.stderr}`).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);

			// Its tokens forgotten, the proxy logs in again by itself as reauthorize does: at the identity
			// provider in the browser for a new ID token, with the saved MCP client.
			const {name} = (JSON.parse(browserRun.stdout) as {server: {name: string}}).server;
			expect((await runCli(['forget-tokens', name, '--yes'], {MCP_AUTH_WIZARD_HOME: other.path})).code).toBe(0);
			const transport = new StdioClientTransport({command: process.execPath, args: [cliPath, 'proxy', name], env: {...process.env, BROWSER: scriptedBrowser, SCRIPTED_BROWSER_USER: 'carol@example.com', MCP_AUTH_WIZARD_HOME: other.path} as Record<string, string>, stderr: 'pipe'});
			let proxyErr = '';
			transport.stderr?.on('data', (chunk: Buffer) => {
				proxyErr += chunk.toString('utf8');
			});
			const again = new Client({name: 'enterprise-again-test', version: '1.0.0'});
			await again.connect(transport);
			try {
				expect(JSON.stringify(await again.callTool({name: 'whoami', arguments: {}}))).toContain('carol@example.com');
				expect(proxyErr).toContain(`logging in again at the identity provider ${idpIssuer} (the browser), for a new ID token`);
			} finally {
				await again.close();
			}
		} finally {
			other.remove();
		}

		// The proxy serves an MCP client with this login as with any other.
		const client = new Client({name: 'enterprise-proxy-test', version: '1.0.0'});
		await client.connect(new StdioClientTransport({command: process.execPath, args: [cliPath, 'proxy', result.server.name], env: {...process.env, MCP_AUTH_WIZARD_HOME: home.path} as Record<string, string>, stderr: 'pipe'}));
		try {
			const answer = await client.callTool({name: 'whoami', arguments: {}});
			expect(JSON.stringify(answer)).toContain('demo-user@example.com');
		} finally {
			await client.close();
		}
	} finally {
		home.remove();
		expect(await sandbox.stop()).toBe(0);
	}

	// Gone with the sandbox.
	expect(existsSync(idTokenFile)).toBe(false);
}, 90_000);

it('`sandbox --profile enterprise --json` names the ID token\'s file, never the token', async () => {
	const sandbox = await runningSandbox(['--profile', 'enterprise', '--json'], sandboxJson);
	try {
		const {printed} = sandbox;
		expect(printed).toMatchObject({
			profile: 'enterprise',
			enterprise: {
				idpIssuer: expect.stringMatching(/\/idp$/),
				idpTokenEndpoint: expect.stringMatching(/\/idp\/token$/),
				idpClientId: 'sandbox-idp-client',
				clientId: 'sandbox-enterprise-client',
				clientSecret: expect.any(String),
				idTokenFile: expect.any(String),
				user: 'demo-user@example.com',
			},
		});
		expect(printed['enterprise']).not.toHaveProperty('idToken');
		const idToken = readFileSync(printed['enterprise'].idTokenFile as string, 'utf8').trim();
		recordSecret('id token', idToken);
		expect(sandbox.stdout).not.toContain(idToken);
	} finally {
		expect(await sandbox.stop()).toBe(0);
	}
});
