import {type ChildProcessByStdio, spawn} from 'node:child_process';
import type {Readable, Writable} from 'node:stream';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {recordRun, recordStore} from './secret-scan.js';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const scriptedBrowser = fileURLToPath(new URL('scripted-browser.mjs', import.meta.url));

export type CliRun = {readonly code: number | null; readonly stdout: string; readonly stderr: string};

/** showsAccessToken: the run prints an access token whole on purpose (status --show-token); see secret-scan.ts. */
export type ScanOptions = {readonly showsAccessToken?: boolean};

/**
 * Runs the built CLI as a user would, with no TTY, and collects what it printed. Its output, and the
 * login traces it saved, go to the secret scan.
 */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}, options: ScanOptions = {}): Promise<CliRun> {
	const child = spawn(process.execPath, [cliPath, ...args], {
		env: {...process.env, BROWSER: undefined, ...env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const run = await collectOutput(child, options);
	recordStore(env['MCP_AUTH_WIZARD_HOME'] ?? process.env['MCP_AUTH_WIZARD_HOME'] ?? '');
	return run;
}

/** Waits for a child process to end, with everything it printed (which goes to the secret scan). */
export async function collectOutput(child: ChildProcessByStdio<Writable | null, Readable, Readable>, options: ScanOptions = {}): Promise<CliRun> {
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
	});
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	const run = {code, stdout, stderr};
	// Named by the command only: the arguments may hold a secret (--client-secret).
	const command = child.spawnargs[1] === cliPath ? `mcp-auth-wizard ${child.spawnargs[2] ?? ''}`.trim() : child.spawnargs[0] ?? '?';
	recordRun(command, run, options);
	return run;
}

/** A fresh store directory for one test file; `remove` deletes it. */
export function temporaryHome(): {readonly path: string; remove(): void} {
	const path = mkdtempSync(join(tmpdir(), 'maw-test-'));
	return {path, remove: () => rmSync(path, {recursive: true, force: true})};
}

/** A sandbox the built CLI runs (`mcp-auth-wizard sandbox …`), once it has printed what `ready` takes. */
export type RunningSandbox<T> = {
	/** What `ready` made of the output. */
	readonly printed: T;
	readonly stdout: string;
	readonly stderr: () => string;
	/** Ctrl-C; resolves with its exit code. */
	stop(): Promise<number | null>;
};

/**
 * `mcp-auth-wizard sandbox <args>` until `ready` makes something of what it printed so far (undefined:
 * not yet); an exit before that fails with its stderr.
 */
export async function runningSandbox<T>(args: readonly string[], ready: (stdout: string) => T | undefined): Promise<RunningSandbox<T>> {
	const child = spawn(process.execPath, [cliPath, 'sandbox', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	const exited = new Promise<number | null>(resolve => child.on('close', resolve));
	let stdout = '';
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const printed = await new Promise<T>((resolve, reject) => {
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			const value = ready(stdout);
			if (value !== undefined) resolve(value);
		});
		child.on('close', () => reject(new Error(`sandbox exited early: ${stderr}`)));
	});
	return {
		printed,
		stdout,
		stderr: () => stderr,
		async stop() {
			child.kill('SIGINT');
			return exited;
		},
	};
}

/** For runningSandbox: the whole `--json` document, once it has come. */
export function sandboxJson(stdout: string): Record<string, any> | undefined {
	try {
		return JSON.parse(stdout) as Record<string, any>;
	} catch {
		return undefined;
	}
}

/** For runningSandbox: its lines, once they end with how to stop it. */
export function sandboxLines(stdout: string): string | undefined {
	return stdout.includes('Press Ctrl-C') ? stdout : undefined;
}
