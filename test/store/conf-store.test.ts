import {chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {WizardError} from '../../source/core/errors.js';
import {changeServer, recordTokens} from '../../source/store/changes.js';
import {openConfStore} from '../../source/store/conf-store.js';
import {leftovers, runWorker, savedServer, temporaryDirectory} from './store-helpers.js';

let home: ReturnType<typeof temporaryDirectory>;
const storeFile = () => join(home.path, 'servers.json');
const onDisk = () => JSON.parse(readFileSync(storeFile(), 'utf8')) as {version: number; servers: Record<string, any>; [key: string]: unknown};
const writeStore = (content: unknown, mode = 0o600) => {
	writeFileSync(storeFile(), typeof content === 'string' ? content : JSON.stringify(content), {mode});
	chmodSync(storeFile(), mode);
};

beforeEach(() => {
	home = temporaryDirectory();
});

afterEach(() => {
	home.remove();
});

const alpha = savedServer('https://alpha.example/mcp', {name: 'alpha'});
const beta = savedServer('https://beta.example/mcp', {name: 'beta'});

describe('saving', () => {
	it('creates a versioned file, 0600 in a 0700 directory, with no notice', async () => {
		const store = openConfStore({home: join(home.path, 'new', 'home')});
		expect(store.notices).toEqual([]);
		expect(store.list()).toEqual([]);
		await store.save(alpha);
		expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({version: 2, servers: {[alpha.name]: alpha}});
		expect(statSync(store.path).mode & 0o777).toBe(0o600);
		expect(statSync(join(home.path, 'new', 'home')).mode & 0o777).toBe(0o700);
		expect(store.find('alpha')).toEqual(alpha);
		expect(store.find('https://alpha.example/mcp')).toEqual(alpha);
	});

	it('keeps the file 0600 through every atomic rewrite, even after someone widened it', async () => {
		const store = openConfStore({home: home.path});
		await store.save(alpha);
		chmodSync(storeFile(), 0o644);
		await store.save(beta);
		expect(statSync(storeFile()).mode & 0o777).toBe(0o600);
	});

	it('removes a server (a change to nothing), and writes nothing when there was none', async () => {
		const store = openConfStore({home: home.path});
		await store.save(alpha);
		await store.save(beta);
		await store.update(alpha.name, () => undefined);
		expect(Object.keys(onDisk().servers)).toEqual([beta.name]);
		const before = statSync(storeFile()).mtimeMs;
		await store.update(alpha.name, () => undefined);
		expect(statSync(storeFile()).mtimeMs).toBe(before);
	});

	it('update() sees what another store opened earlier saved since, and loses none of it', async () => {
		const first = openConfStore({home: home.path});
		const second = openConfStore({home: home.path});
		await second.save(alpha);
		await second.save(beta);

		let seen: unknown;
		const result = await first.update(alpha.name, current => {
			seen = current;
			return current && {...current, scopes: [...current.scopes, 'offline_access']};
		});
		expect(seen).toEqual(alpha);
		expect(result?.scopes).toEqual(['mcp', 'offline_access']);
		await first.save(savedServer('https://gamma.example/mcp'));
		expect(Object.keys(onDisk().servers).sort()).toEqual(['alpha', 'beta', 'gamma.example']);
		// And list() reads the file, not what the store had when it opened.
		expect(second.list().map(server => server.name)).toEqual(['alpha', 'beta', 'gamma.example']);
	});

	it('lets an error thrown by change() through as it is, and writes nothing', async () => {
		const store = openConfStore({home: home.path});
		await store.save(alpha);
		const before = readFileSync(storeFile(), 'utf8');
		await expect(
			store.update(alpha.name, () => {
				throw new Error('changed my mind');
			}),
		).rejects.toThrow('changed my mind');
		expect(readFileSync(storeFile(), 'utf8')).toBe(before);
		expect(leftovers(home.path)).toEqual([]);
	});
});

describe('several logins of one server (accounts)', () => {
	const work = savedServer('https://mail.example/mcp', {name: 'work'});
	const personal = savedServer('https://mail.example/mcp', {name: 'personal', tokens: undefined});

	it('keeps each under its name; the URL finds one only while it has one login', async () => {
		const store = openConfStore({home: home.path});
		await store.save(work);
		expect(store.find('https://mail.example/mcp')).toEqual(work);
		await store.save(personal);
		expect(store.list().map(server => server.name)).toEqual(['personal', 'work']);
		expect(store.find('work')).toEqual(work);
		expect(store.find('personal')).toEqual(personal);
		expect(store.find('https://mail.example/mcp')).toBeUndefined();
		await store.update('personal', () => undefined);
		expect(store.find('https://mail.example/mcp')).toEqual(work);
	});

	it('makes a change (a rename) only when no refresh of that login runs, so the tokens it saves are kept', async () => {
		const store = openConfStore({home: home.path});
		await store.save(work);
		const refreshed = {...work.tokens!, accessToken: 'refreshed-access-token-0123456789'};
		let renaming: Promise<unknown> | undefined;
		await store.exclusively('work', async () => {
			renaming = changeServer(store, 'work', {kind: 'rename', name: 'office'});
			// The rename waits for the lock: nothing to await but time (a second, on a loaded machine).
			await new Promise(resolve => {
				setTimeout(resolve, 1000);
			});
			expect(store.find('work')).toBeDefined();
			await recordTokens(store, 'work', refreshed);
		});
		await renaming;
		expect(store.find('office')?.tokens).toEqual(refreshed);
	});

	it('takes any name, those of an object\'s own fields included ("constructor", "__proto__")', async () => {
		const store = openConfStore({home: home.path});
		for (const name of ['constructor', '__proto__']) await store.save({...work, name});
		await store.update('constructor', current => current && {...current, name: 'toString'});
		expect(store.list().map(server => server.name)).toEqual(['__proto__', 'toString']);
		expect(Object.keys(onDisk().servers).sort()).toEqual(['__proto__', 'toString']);
		expect(openConfStore({home: home.path}).find('__proto__')?.tokens).toEqual(work.tokens);
		// A name no login has is no login, whatever an object inherits under it.
		expect(await store.update('valueOf', current => current && {...current, scopes: []})).toBeUndefined();
		expect(Object.keys(onDisk().servers).sort()).toEqual(['__proto__', 'toString']);
	});

	it('renames under the lock, and refuses a name another login has, changing nothing', async () => {
		const store = openConfStore({home: home.path});
		await store.save(work);
		await store.save(personal);
		await store.save(alpha);
		await expect(store.update('work', current => current && {...current, name: 'alpha'})).rejects.toMatchObject({step: 'store', message: expect.stringContaining('called "alpha" already')});
		expect(Object.keys(onDisk().servers).sort()).toEqual(['alpha', 'personal', 'work']);
		await store.update('work', current => current && {...current, name: 'office'});
		expect(Object.keys(onDisk().servers).sort()).toEqual(['alpha', 'office', 'personal']);
		expect(store.find('office')?.tokens).toEqual(work.tokens);
	});
});

describe('versions', () => {
	it('migrates a file without a version (version 0) and writes it back, keeping what it does not know', () => {
		writeStore({servers: {[alpha.name]: alpha}, note: 'kept'});
		const store = openConfStore({home: home.path});
		expect(store.notices).toEqual([]);
		expect(store.list()).toEqual([alpha]);
		expect(onDisk()).toEqual({version: 2, servers: {[alpha.name]: alpha}, note: 'kept'});
		expect(statSync(storeFile()).mode & 0o777).toBe(0o600);
	});

	it('migrates version 1 (keyed by URL) to keys by name, a name met twice made unique so neither login is lost', () => {
		const twin = savedServer('https://twin.example/mcp', {name: 'alpha'});
		writeStore({version: 1, servers: {[alpha.mcpUrl]: alpha, [twin.mcpUrl]: twin}});
		const store = openConfStore({home: home.path});
		expect(store.notices).toEqual([]);
		expect(onDisk()).toEqual({version: 2, servers: {alpha, 'alpha-2': {...twin, name: 'alpha-2'}}});
		expect(store.find('alpha-2')?.mcpUrl).toBe(twin.mcpUrl);
	});

	it('opens a file of a newer version read-only: listed, never rewritten, and saving says to upgrade', async () => {
		const newer = `${JSON.stringify({version: 7, servers: {[alpha.name]: {...alpha, futureField: {x: 1}}}, futureTopLevel: true}, undefined, 2)}\n`;
		writeStore(newer);
		const mtime = statSync(storeFile()).mtimeMs;

		const store = openConfStore({home: home.path});
		expect(store.notices).toHaveLength(1);
		expect(store.notices[0]).toContain('newer mcp-auth-wizard');
		expect(store.notices[0]).toContain('Upgrade mcp-auth-wizard');
		expect(store.list().map(server => server.name)).toEqual(['alpha']);

		const saving = store.save(beta);
		await expect(saving).rejects.toBeInstanceOf(WizardError);
		await expect(saving).rejects.toMatchObject({step: 'store', message: expect.stringContaining('upgrade mcp-auth-wizard')});
		await expect(store.update(alpha.name, () => undefined)).rejects.toThrow(/upgrade mcp-auth-wizard/);
		expect(readFileSync(storeFile(), 'utf8')).toBe(newer);
		expect(statSync(storeFile()).mtimeMs).toBe(mtime);
		expect(leftovers(home.path)).toEqual([]);
	});

	it('refuses to save when a newer version wrote the file after this store opened it', async () => {
		const store = openConfStore({home: home.path});
		await store.save(alpha);
		writeStore({version: 3, servers: {}});
		await expect(store.save(beta)).rejects.toMatchObject({step: 'store', message: expect.stringContaining('newer mcp-auth-wizard')});
		expect(onDisk()).toEqual({version: 3, servers: {}});
	});
});

describe('a file that cannot be read', () => {
	for (const [what, content] of [
		['invalid JSON', '{"version": 1, "servers": {'],
		['`servers` not an object', '{"version": 1, "servers": []}'],
		['an entry that is not a server', '{"version": 1, "servers": {"https://x.example/mcp": {"name": 3}}}'],
		['a version that is not a number', '{"version": "1", "servers": {}}'],
	] as const) {
		it(`moves it aside (${what}), starts empty and says where it went`, async () => {
			writeStore(content);
			const store = openConfStore({home: home.path});
			expect(store.list()).toEqual([]);
			const [aside, ...others] = leftovers(home.path);
			expect(others).toEqual([]);
			expect(aside).toMatch(/^servers\.json\.corrupt-\d{4}-\d\d-\d\dT\d{6}\.\d{3}Z$/);
			expect(readFileSync(join(home.path, aside!), 'utf8')).toBe(content);
			expect(store.notices).toEqual([
				expect.stringMatching(new RegExp(`^Your saved servers file could not be read \\(.+\\); it was moved to ${join(home.path, aside!).replaceAll('.', '\\.')}\\. Nothing was deleted: fix it and move it back, or log in again\\.$`)),
			]);
			await store.save(alpha);
			expect(onDisk().servers).toEqual({[alpha.name]: alpha});
		});
	}

	it('never quotes the file in the notice (it holds tokens)', () => {
		writeStore('{"servers": {"x": {"tokens": {"accessToken": "secret-token-value"}}');
		const store = openConfStore({home: home.path});
		expect(store.notices.join('\n')).not.toContain('secret-token-value');
	});

	it('moves aside a file that turned unreadable after the store opened, at the next save', async () => {
		const store = openConfStore({home: home.path});
		await store.save(alpha);
		writeStore('not json');
		await store.save(beta);
		expect(onDisk().servers).toEqual({[beta.name]: beta});
		expect(leftovers(home.path)).toEqual([expect.stringMatching(/^servers\.json\.corrupt-/)]);
		expect(store.notices).toEqual([expect.stringContaining('Your saved servers file could not be read (not valid JSON)')]);
	});

	it('moves aside a directory where the file should be', () => {
		mkdirSync(storeFile());
		const store = openConfStore({home: home.path});
		expect(store.list()).toEqual([]);
		expect(store.notices).toEqual([expect.stringContaining('could not be read (cannot read it: EISDIR)')]);
		expect(leftovers(home.path)).toEqual([expect.stringMatching(/^servers\.json\.corrupt-/)]);
	});
});

describe('permissions', () => {
	it('tightens a file and a directory found open to others, and says so', () => {
		writeStore({version: 2, servers: {[alpha.name]: alpha}}, 0o644);
		chmodSync(home.path, 0o755);
		const store = openConfStore({home: home.path});
		expect(statSync(storeFile()).mode & 0o777).toBe(0o600);
		expect(statSync(home.path).mode & 0o777).toBe(0o700);
		expect(store.notices).toEqual([
			`The directory of your saved servers, ${home.path}, was open to other users (mode 0755); it is now 0700 (yours only).`,
			`Your saved servers file ${storeFile()} was readable by other users (mode 0644); it is now 0600 (yours only). It holds tokens: if others use this machine, log in again to replace them.`,
		]);
		expect(store.list()).toEqual([alpha]);
	});

	it('says nothing of modes on Windows, where they mean nothing (the platform faked)', () => {
		writeStore({version: 2, servers: {[alpha.name]: alpha}}, 0o644);
		chmodSync(home.path, 0o755);
		const store = openConfStore({home: home.path, platform: 'win32'});
		expect(store.notices).toEqual([]);
		expect(statSync(storeFile()).mode & 0o777).toBe(0o644);
		expect(store.list()).toEqual([alpha]);
	});

	it('leaves a shared directory (sticky bit, like /tmp) alone and says to use one of its own', () => {
		const shared = join(home.path, 'shared');
		mkdirSync(shared);
		chmodSync(shared, 0o1777);
		const store = openConfStore({home: shared});
		expect(statSync(shared).mode & 0o7777).toBe(0o1777);
		expect(store.notices).toEqual([expect.stringContaining('set MCP_AUTH_WIZARD_HOME to a directory of your own')]);
	});

	it('refuses to open in a place where the directory cannot be, with what to do', () => {
		writeFileSync(join(home.path, 'a-file'), '');
		let thrown: unknown;
		try {
			openConfStore({home: join(home.path, 'a-file', 'store')});
		} catch (error) {
			thrown = error;
		}

		expect(thrown).toBeInstanceOf(WizardError);
		expect(thrown).toMatchObject({step: 'store', hint: expect.stringContaining(join(home.path, 'a-file', 'store'))});
	});

	it('rejects a save with a WizardError when the directory was replaced by a file, and the saved file is untouched', async () => {
		const directory = join(home.path, 'store');
		const store = openConfStore({home: directory});
		await store.save(alpha);
		const saved = readFileSync(join(directory, 'servers.json'), 'utf8');
		renameSync(directory, join(home.path, 'moved'));
		writeFileSync(directory, 'not a directory');

		const saving = store.save(beta);
		await expect(saving).rejects.toBeInstanceOf(WizardError);
		await expect(saving).rejects.toMatchObject({step: 'store', message: expect.stringMatching(/^Could not save to .*servers\.json \(E[A-Z]+\)$/), hint: expect.stringContaining(`Check the permissions of ${directory}`)});
		expect(readFileSync(join(home.path, 'moved', 'servers.json'), 'utf8')).toBe(saved);
		// What the store read last is still listed.
		expect(store.list()).toEqual([alpha]);
	});

	it('rejects a save to a file made read-only (an atomic rename would replace it), and changes nothing', async () => {
		const store = openConfStore({home: home.path});
		await store.save(alpha);
		chmodSync(storeFile(), 0o400);
		const saved = readFileSync(storeFile(), 'utf8');
		await expect(store.save(beta)).rejects.toMatchObject({step: 'store', message: `Could not save to ${storeFile()}: the file is read-only (mode 0400)`, hint: expect.stringContaining(`chmod 600 ${storeFile()}`)});
		await expect(store.update(alpha.name, () => undefined)).rejects.toBeInstanceOf(WizardError);
		expect(readFileSync(storeFile(), 'utf8')).toBe(saved);
		expect(statSync(storeFile()).mode & 0o777).toBe(0o400);
		expect(leftovers(home.path)).toEqual([]);
	});

	it('rejects a save that cannot be written (every write fails, also as root) and loses nothing already saved', async () => {
		const store = openConfStore({home: home.path});
		await store.save(alpha);
		await store.save(beta);
		const saved = readFileSync(storeFile());

		const run = await runWorker([home.path, 'save', '9', '1'], {fileSizeLimit: 0});
		const result = JSON.parse(run.stdout) as {ok: boolean; error: {name: string; step: string; message: string; hint: string}};
		expect(result.ok).toBe(false);
		expect(result.error).toMatchObject({name: 'WizardError', step: 'store', message: `Could not save to ${storeFile()} (EFBIG)`, hint: expect.stringContaining(`Check the permissions of ${home.path}`)});
		expect(readFileSync(storeFile()).equals(saved)).toBe(true);
		expect(statSync(storeFile()).mode & 0o777).toBe(0o600);
		expect(leftovers(home.path)).toEqual([]);
	});
});
