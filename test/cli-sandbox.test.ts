import {spawn} from 'node:child_process';
import {expect, it} from 'vitest';
import {cliPath, collectOutput, runningSandbox, sandboxJson, sandboxLines, temporaryHome} from './helpers/run-cli.js';

it('`sandbox` prints its URLs, serves the MCP server, and stops cleanly on Ctrl-C', async () => {
	const sandbox = await runningSandbox(['--json'], sandboxJson);
	try {
		expect(sandbox.printed['mcpUrl']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
		const answer = await fetch(sandbox.printed['mcpUrl'] as string, {method: 'POST'});
		expect(answer.status).toBe(401);
		expect(answer.headers.get('www-authenticate')).toContain('resource_metadata=');
	} finally {
		expect(await sandbox.stop()).toBe(0);
	}

	expect(sandbox.stderr()).toContain('Sandbox stopped.');
	expect(sandbox.stderr()).not.toContain('WARNING');
});

it('`sandbox --profile preregistered` prints the client the operator would give', async () => {
	const sandbox = await runningSandbox(['--profile', 'preregistered', '--json'], sandboxJson);
	try {
		expect(sandbox.printed).toMatchObject({profile: 'preregistered', preregisteredClient: {clientId: expect.any(String), clientSecret: expect.any(String), tokenEndpointAuthMethod: 'client_secret_basic'}});
	} finally {
		expect(await sandbox.stop()).toBe(0);
	}
});

it('`sandbox` prints a login command that works from a clone of this repository (npx)', async () => {
	const sandbox = await runningSandbox([], sandboxLines);
	try {
		expect(sandbox.stdout).toMatch(/npx mcp-auth-wizard login http:\/\/127\.0\.0\.1:\d+\/mcp\n/);
	} finally {
		expect(await sandbox.stop()).toBe(0);
	}
});

it('`sandbox --profile client-credentials` prints a client-credentials login command that works, and no login page', async () => {
	const sandbox = await runningSandbox(['--profile', 'client-credentials'], sandboxLines);
	const home = temporaryHome();
	try {
		expect(sandbox.stdout).not.toContain('login page');
		const secret = /--client-secret (\S+) \(client_secret_basic\)/.exec(sandbox.stdout)![1]!;
		const command = /it acts as itself, no user: mcp-auth-wizard (login .* --client-secret -)\n/.exec(sandbox.stdout)![1]!.split(' ');
		// The command as printed, the secret on standard input (--client-secret -).
		const login = spawn(process.execPath, [cliPath, ...command, '--json'], {env: {...process.env, MCP_AUTH_WIZARD_HOME: home.path}, stdio: ['pipe', 'pipe', 'pipe']});
		login.stdin.end(`${secret}\n`);
		const run = await collectOutput(login);
		expect(run.code, run.stderr).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({grant: 'client_credentials', check: {ok: true}});
	} finally {
		home.remove();
		expect(await sandbox.stop()).toBe(0);
	}
}, 60_000);
