import {type ChildProcessByStdio, spawn} from 'node:child_process';
import type {Readable} from 'node:stream';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const scriptedBrowser = fileURLToPath(new URL('scripted-browser.mjs', import.meta.url));

export type CliRun = {readonly code: number | null; readonly stdout: string; readonly stderr: string};

/** Runs the built CLI as a user would, with no TTY, and collects what it printed. */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
	const child = spawn(process.execPath, [cliPath, ...args], {
		env: {...process.env, BROWSER: undefined, ...env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return collectOutput(child);
}

/** Waits for a child process to end, with everything it printed. */
export async function collectOutput(child: ChildProcessByStdio<null, Readable, Readable>): Promise<CliRun> {
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
	});
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	return {code, stdout, stderr};
}

/** A fresh store directory for one test file; `remove` deletes it. */
export function temporaryHome(): {readonly path: string; remove(): void} {
	const path = mkdtempSync(join(tmpdir(), 'maw-test-'));
	return {path, remove: () => rmSync(path, {recursive: true, force: true})};
}
