import {readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {leftovers, runWorker, temporaryDirectory} from './store-helpers.js';

let home: ReturnType<typeof temporaryDirectory>;
const storeFile = () => join(home.path, 'servers.json');

beforeEach(() => {
	home = temporaryDirectory();
});

afterEach(() => {
	home.remove();
});

const parseRun = (stdout: string) => JSON.parse(stdout) as {ok: boolean; milliseconds: number[]; error?: unknown};

it('keeps every server when four processes save 15 each at the same time, and the file stays whole and 0600', async () => {
	const runs = await Promise.all([0, 1, 2, 3].map(async worker => runWorker([home.path, 'save', String(worker), '15'])));
	for (const run of runs) {
		expect(run.stderr).toBe('');
		expect(parseRun(run.stdout)).toMatchObject({ok: true});
	}

	const file = JSON.parse(readFileSync(storeFile(), 'utf8')) as {version: number; servers: Record<string, unknown>};
	expect(file.version).toBe(2);
	const expected = [0, 1, 2, 3].flatMap(worker => Array.from({length: 15}, (_, i) => `w${worker}-s${i}.example`));
	expect(Object.keys(file.servers).sort()).toEqual(expected.sort());
	expect(statSync(storeFile()).mode & 0o777).toBe(0o600);
	expect(statSync(home.path).mode & 0o777).toBe(0o700);
	// No lock left held, no temporary file left behind.
	expect(leftovers(home.path)).toEqual([]);
});

it('loses no update when three processes change the same server at the same time', async () => {
	const runs = await Promise.all([0, 1, 2].map(async worker => runWorker([home.path, 'append', String(worker), '20'])));
	for (const run of runs) expect(parseRun(run.stdout)).toMatchObject({ok: true});

	const file = JSON.parse(readFileSync(storeFile(), 'utf8')) as {servers: Record<string, {scopes: string[]}>};
	const {scopes} = file.servers['shared.example']!;
	expect(scopes).toHaveLength(60);
	expect(new Set(scopes).size).toBe(60);
	// Each process's own changes are in the order it made them.
	for (const worker of [0, 1, 2]) {
		const own = scopes.filter(scope => scope.startsWith(`w${worker}-`));
		expect(own).toEqual(Array.from({length: 20}, (_, i) => `w${worker}-${i}`));
	}
});
