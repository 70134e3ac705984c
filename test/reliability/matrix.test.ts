import {spawn} from 'node:child_process';
import {chmodSync, cpSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {createServer, type AddressInfo, type Server} from 'node:net';
import {dirname, join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {startTestSandbox} from '../helpers/secret-scan.js';
import {type CliRun, cliPath, collectOutput, runCli, temporaryHome} from '../helpers/run-cli.js';
import {fastmailServer} from '../helpers/saved-servers.js';
import {type CaseTools, type MatrixCase, type StoreAfter, matrix, testUser} from './matrix.js';
import {oauthChain, startFaultServer} from './servers.js';
import {type Observed, expectedFile, normalize, readExpected, readmeFile, renderTroubleshooting, troubleshootingOf, withTroubleshooting} from './troubleshooting.js';

// Runs every case of the matrix through the built CLI. RECORD_MATRIX=1 writes what was seen to
// expected.json (review the diff!) and the readme's Troubleshooting section from it.
const recording = process.env['RECORD_MATRIX'] === '1';
const expected = readExpected();
const recorded: Record<string, Observed> = {};

const seed = fastmailServer();
const seedFile = `${JSON.stringify({version: 2, servers: {[seed.name]: seed}}, null, '\t')}\n`;
const isRoot = process.getuid?.() === 0;
const repositoryRoot = join(dirname(cliPath), '..');

type Closer = () => Promise<void> | void;

let copiedCli: {readonly path: string; remove(): void} | undefined;
afterAll(() => copiedCli?.remove());

/**
 * The built CLI where any user can run it: the clone may live where only root may enter (a CI runner's
 * `mktemp -d` folder), and the other user could not even load it there. The bundle needs only dist/,
 * assets/ and package.json (every dependency is in it).
 */
function cliForAnyUser(): string {
	if (!copiedCli) {
		const root = temporaryHome();
		for (const part of ['dist', 'assets', 'package.json']) cpSync(join(repositoryRoot, part), join(root.path, part), {recursive: true});
		// mkdtemp makes the folder 0700; the copy is for reading only.
		chmodSync(root.path, 0o755);
		copiedCli = root;
	}

	return join(copiedCli.path, 'dist', 'cli.js');
}

function listen(server: Server): Promise<number> {
	return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** The tools of one case, and what closes everything they started. */
function toolsFor(home: string): {tools: CaseTools; closeAll(): Promise<void>; storeBeforeCli(): string} {
	const closers: Closer[] = [];
	let storeBeforeCli: string | undefined;
	// The store as the case set it up, read as the first command starts: what `unchanged` compares with.
	const env = (extra: Record<string, string> = {}) => {
		if (storeBeforeCli === undefined) {
			const path = join(home, 'servers.json');
			storeBeforeCli = statSync(path).isFile() ? readFileSync(path, 'utf8') : '(a directory)';
		}

		return {MCP_AUTH_WIZARD_HOME: home, ...extra};
	};
	const tools: CaseTools = {
		home,
		cli: async (args, extra) => runCli(args, env(extra)),
		async server(routes, options) {
			const server = await startFaultServer(routes, options);
			closers.push(async () => server.close());
			return server;
		},
		async chain(overrides, callback) {
			const server = await startFaultServer(origin => oauthChain(origin, overrides, callback));
			closers.push(async () => server.close());
			return {origin: server.origin, mcpUrl: `${server.origin}/mcp`, close: async () => server.close()};
		},
		async sandbox(faults) {
			const sandbox = await startTestSandbox({faults});
			closers.push(async () => sandbox.close());
			return sandbox;
		},
		saveServer(server) {
			const file = JSON.parse(readFileSync(join(home, 'servers.json'), 'utf8')) as {servers: Record<string, unknown>};
			file.servers[server.name] = server;
			writeFileSync(join(home, 'servers.json'), JSON.stringify(file), {mode: 0o600});
		},
		async closedPort() {
			const server = createServer();
			const port = await listen(server);
			await new Promise(resolve => server.close(resolve));
			return port;
		},
		async busyPort() {
			const server = createServer();
			const port = await listen(server);
			closers.push(async () => new Promise<void>(resolve => server.close(() => resolve())));
			return port;
		},
		async interrupt(args, when, extra) {
			const child = spawn(process.execPath, [cliPath, ...args], {env: {...process.env, BROWSER: undefined, ...env(extra)}, stdio: ['ignore', 'pipe', 'pipe']});
			let seen = '';
			const watch = (chunk: Buffer) => {
				seen += chunk.toString();
				if (!when.test(seen)) return;
				child.stderr.off('data', watch);
				child.kill('SIGINT');
			};
			child.stderr.on('data', watch);
			return collectOutput(child);
		},
		async cliAsUser(args) {
			const child = spawn(process.execPath, [isRoot ? cliForAnyUser() : cliPath, ...args], {env: {...process.env, BROWSER: undefined, ...env()}, stdio: ['ignore', 'pipe', 'pipe'], ...(isRoot ? testUser : {})});
			return collectOutput(child);
		},
	};
	return {
		tools,
		closeAll: async () => void (await Promise.all(closers.map(async close => close()))),
		storeBeforeCli: () => storeBeforeCli ?? seedFile,
	};
}

/** What the user saw, in the words the readme shows (addresses and paths made stable). */
function observe(matrixCase: MatrixCase, run: CliRun, home: string): Observed {
	let output: {ok: boolean; error?: {step: string; message: string; hint: string}};
	try {
		output = JSON.parse(run.stdout) as typeof output;
	} catch {
		// A CLI that did not even start prints no JSON: show why, not a parse error.
		throw new Error(`The CLI printed no JSON document (exit ${run.code ?? 'none'}). Its stdout:\n${run.stdout}\nIts stderr:\n${run.stderr}`);
	}

	const clean = (text: string) => normalize(text, home);
	if (output.error) return {exit: run.code ?? -1, step: output.error.step, message: clean(output.error.message), hint: clean(output.error.hint)};
	return {exit: run.code ?? -1, message: clean(matrixCase.seen?.(run) ?? '(no error)')};
}

type StoreFile = {version: number; servers: Record<string, {name: string; tokens?: unknown; client?: unknown; lastCheck?: {result: {ok: boolean}}}>};
const storeOf = (home: string) => JSON.parse(readFileSync(join(home, 'servers.json'), 'utf8')) as StoreFile;

/** Checks the store against what the case says it holds afterwards. */
function expectStore(store: StoreAfter, home: string, before: string): void {
	const path = join(home, 'servers.json');
	switch (store) {
		case 'unchanged': {
			expect(readFileSync(path, 'utf8')).toBe(before);
			break;
		}

		case 'the new server saved':
		case 'the new server saved, its check failed':
		case 'both new servers saved': {
			const {servers} = storeOf(home);
			expect(servers[seed.name]).toEqual(seed);
			const added = Object.values(servers).filter(server => server.name !== seed.name);
			expect(added).toHaveLength(store === 'both new servers saved' ? 2 : 1);
			for (const server of added) expect(server.tokens).toBeDefined();
			if (store === 'the new server saved, its check failed') expect(added[0]!.lastCheck?.result.ok).toBe(false);
			break;
		}

		case 'tokens cleared, client kept': {
			const chain = Object.values(storeOf(home).servers).find(server => server.name === 'chain')!;
			expect(chain.tokens).toBeUndefined();
			expect(chain.client).toBeDefined();
			expect(storeOf(home).servers[seed.name]).toEqual(seed);
			break;
		}

		case 'moved aside, the user told where': {
			const aside = readdirSync(home).find(name => name.startsWith('servers.json.corrupt-'));
			expect(aside).toBeDefined();
			// Nothing is deleted: what was there is kept whole beside the new store.
			const moved = join(home, aside!);
			expect(statSync(moved).isDirectory() || readFileSync(moved, 'utf8') === before).toBe(true);
			break;
		}

		case 'tightened to 0600 in 0700, the user told': {
			expect(statSync(path).mode & 0o777).toBe(0o600);
			expect(statSync(home).mode & 0o777).toBe(0o700);
			expect(readFileSync(path, 'utf8')).toBe(before);
			break;
		}
	}
}

describe.concurrent('the reliability matrix', () => {
	it.each(matrix.map(matrixCase => [matrixCase.id, matrixCase] as const))('%s', async (_id, matrixCase) => {
		const home = temporaryHome();
		try {
			writeFileSync(join(home.path, 'servers.json'), seedFile, {mode: 0o600});
			const {tools, closeAll, storeBeforeCli} = toolsFor(home.path);
			let run: CliRun;
			try {
				run = await matrixCase.run(tools);
			} finally {
				await closeAll();
			}

			const seen = observe(matrixCase, run, home.path);
			if (recording) recorded[matrixCase.id] = seen;
			else expect(seen).toEqual(expected[matrixCase.id]);
			expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // Never a stack trace.
			for (const text of matrixCase.never ?? []) expect(run.stdout + run.stderr).not.toContain(text);
			expectStore(matrixCase.store, home.path, storeBeforeCli());
		} finally {
			home.remove();
		}
	});
});

it('the readme\'s Troubleshooting section is the matrix as it ran', () => {
	// A recording run rewrites the section after all cases (afterAll below).
	if (recording) return;
	expect(troubleshootingOf(readFileSync(readmeFile, 'utf8'))).toBe(renderTroubleshooting(matrix, expected));
});

afterAll(() => {
	if (!recording) return;
	// In the matrix's order, not the order the concurrent cases finished in: a re-recording diffs cleanly.
	const inOrder = Object.fromEntries(matrix.filter(matrixCase => matrixCase.id in recorded).map(matrixCase => [matrixCase.id, recorded[matrixCase.id]]));
	writeFileSync(expectedFile, `${JSON.stringify(inOrder, null, '\t')}\n`);
	writeFileSync(readmeFile, withTroubleshooting(readFileSync(readmeFile, 'utf8'), renderTroubleshooting(matrix, recorded)));
});
