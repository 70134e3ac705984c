import {spawn} from 'node:child_process';
import {expect, it} from 'vitest';
import {cliPath, collectOutput, temporaryHome} from './helpers/run-cli.js';

it('`sandbox` prints its URLs, serves the MCP server, and stops cleanly on Ctrl-C', async () => {
	const child = spawn(process.execPath, [cliPath, 'sandbox', '--json'], {stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exited = new Promise<number | null>(resolve => child.on('close', resolve));
	try {
		const printed = await new Promise<{mcpUrl: string; issuer: string}>((resolve, reject) => {
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				try {
					resolve(JSON.parse(stdout) as {mcpUrl: string; issuer: string});
				} catch {
					// Not all of the document yet.
				}
			});
			child.on('close', () => reject(new Error(`sandbox exited early: ${stderr}`)));
		});
		expect(printed.mcpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
		const answer = await fetch(printed.mcpUrl, {method: 'POST'});
		expect(answer.status).toBe(401);
		expect(answer.headers.get('www-authenticate')).toContain('resource_metadata=');
	} finally {
		child.kill('SIGINT');
	}

	expect(await exited).toBe(0);
	expect(stderr).toContain('Sandbox stopped.');
	expect(stderr).not.toContain('WARNING');
});

it('`sandbox --profile preregistered` prints the client the operator would give', async () => {
	const child = spawn(process.execPath, [cliPath, 'sandbox', '--profile', 'preregistered', '--json'], {stdio: ['ignore', 'pipe', 'pipe']});
	const exited = new Promise<number | null>(resolve => child.on('close', resolve));
	let stdout = '';
	try {
		const printed = await new Promise<Record<string, any>>((resolve, reject) => {
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				try {
					resolve(JSON.parse(stdout) as Record<string, any>);
				} catch {
					// Not all of the document yet.
				}
			});
			child.on('close', () => reject(new Error('sandbox exited early')));
		});
		expect(printed).toMatchObject({profile: 'preregistered', preregisteredClient: {clientId: expect.any(String), clientSecret: expect.any(String), tokenEndpointAuthMethod: 'client_secret_basic'}});
	} finally {
		child.kill('SIGINT');
	}

	expect(await exited).toBe(0);
});

/** `sandbox` with `args`, once it has printed what a person needs (up to "Press Ctrl-C"). */
async function sandboxReady(args: readonly string[]): Promise<{stdout: string; stop: () => Promise<number | null>}> {
	const child = spawn(process.execPath, [cliPath, 'sandbox', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	const exited = new Promise<number | null>(resolve => child.on('close', resolve));
	let stdout = '';
	await new Promise<void>((resolve, reject) => {
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			if (stdout.includes('Press Ctrl-C')) resolve();
		});
		child.on('close', () => reject(new Error('sandbox exited early')));
	});
	return {
		stdout,
		async stop() {
			child.kill('SIGINT');
			return exited;
		},
	};
}

it('`sandbox` prints a login command that works from a clone of this repository (npx)', async () => {
	const sandbox = await sandboxReady([]);
	try {
		expect(sandbox.stdout).toMatch(/npx mcp-auth-wizard login http:\/\/127\.0\.0\.1:\d+\/mcp\n/);
	} finally {
		expect(await sandbox.stop()).toBe(0);
	}
});

it('`sandbox --profile client-credentials` prints a client-credentials login command that works, and no login page', async () => {
	const sandbox = await sandboxReady(['--profile', 'client-credentials']);
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
