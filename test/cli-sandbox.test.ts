import {spawn} from 'node:child_process';
import {expect, it} from 'vitest';
import {cliPath} from './helpers/run-cli.js';

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

it('`sandbox` prints a login command that works from a clone of this repository (npx)', async () => {
	const child = spawn(process.execPath, [cliPath, 'sandbox'], {stdio: ['ignore', 'pipe', 'pipe']});
	const exited = new Promise<number | null>(resolve => child.on('close', resolve));
	let stdout = '';
	try {
		await new Promise<void>((resolve, reject) => {
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString();
				if (stdout.includes('Press Ctrl-C')) resolve();
			});
			child.on('close', () => reject(new Error('sandbox exited early')));
		});
		expect(stdout).toMatch(/npx mcp-auth-wizard login http:\/\/127\.0\.0\.1:\d+\/mcp\n/);
	} finally {
		child.kill('SIGINT');
	}

	expect(await exited).toBe(0);
});
