import {readFileSync} from 'node:fs';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {openConfStore} from '../../source/store/conf-store.js';
import {type LoginOutcome, saveLogin} from '../../source/store/saved-server.js';
import {savedServer, temporaryDirectory} from './store-helpers.js';

let home: ReturnType<typeof temporaryDirectory>;

beforeEach(() => {
	home = temporaryDirectory();
});

afterEach(() => {
	home.remove();
});

function outcome(mcpUrl: string, accessToken = 'new-access-token-0123456789'): LoginOutcome {
	return {
		mcpUrl,
		resource: mcpUrl,
		issuer: 'https://auth.example',
		metadata: {issuer: 'https://auth.example', token_endpoint: 'https://auth.example/token'},
		client: {clientId: 'client-2', authMethod: 'none', source: 'registration'},
		scopes: ['mcp', 'offline_access'],
		tokens: {accessToken, tokenType: 'Bearer', obtainedAt: new Date().toISOString()},
	};
}

it('keeps the name and creation time as they are on disk when it saves, not when the store opened', async () => {
	const mcpUrl = 'https://mail.example/mcp';
	const wizard = openConfStore({home: home.path});
	const other = openConfStore({home: home.path});
	await other.save(savedServer(mcpUrl, {name: 'work-mail', createdAt: '2024-05-06T07:08:09.000Z'}));

	const saved = await saveLogin(wizard, outcome(mcpUrl), 'work-mail');
	expect(saved).toMatchObject({name: 'work-mail', createdAt: '2024-05-06T07:08:09.000Z', client: {clientId: 'client-2'}, tokens: {accessToken: 'new-access-token-0123456789'}});
	expect(saved.updatedAt).not.toBe(saved.createdAt);
	const file = JSON.parse(readFileSync(wizard.path, 'utf8')) as {servers: Record<string, unknown>};
	expect(file.servers).toEqual({'work-mail': saved});
});

it('adds a login of its own under a new name, or with none, beside the saved one of the same server', async () => {
	const mcpUrl = 'https://mail.example/mcp';
	const store = openConfStore({home: home.path});
	const old = savedServer(mcpUrl, {name: 'old'});
	await store.save(old);
	expect((await saveLogin(store, outcome(mcpUrl), 'new')).name).toBe('new');
	expect((await saveLogin(store, outcome(mcpUrl))).name).toBe('mail.example');
	expect(store.list().map(server => server.name)).toEqual(['mail.example', 'new', 'old']);
	expect(store.find('old')).toEqual(old);
});

it('saves a login under a name an object inherits ("constructor")', async () => {
	const store = openConfStore({home: home.path});
	expect((await saveLogin(store, outcome('https://mail.example/mcp'), 'constructor')).name).toBe('constructor');
	expect(store.find('constructor')?.mcpUrl).toBe('https://mail.example/mcp');
});

it('refuses a name another server\'s login has (taken meanwhile by another process), and loses neither', async () => {
	const store = openConfStore({home: home.path});
	const other = savedServer('https://other.example/mcp', {name: 'work'});
	await store.save(other);
	await expect(saveLogin(store, outcome('https://mail.example/mcp'), 'work')).rejects.toMatchObject({step: 'store', message: expect.stringContaining('another saved login is called "work"')});
	expect(store.list()).toEqual([other]);
});

it('makes a new name unique among the servers on disk when it saves', async () => {
	const wizard = openConfStore({home: home.path});
	const other = openConfStore({home: home.path});
	await other.save(savedServer('https://api.example/one/mcp', {name: 'api.example'}));

	const saved = await saveLogin(wizard, outcome('https://api.example/two/mcp'));
	expect(saved.name).toBe('api.example-2');
	expect(wizard.list().map(server => server.name)).toEqual(['api.example', 'api.example-2']);
});

it('chooses its name again when another process took it after the names were read, losing neither login', async () => {
	const store = openConfStore({home: home.path});
	const other = savedServer('https://api.example/one/mcp', {name: 'api.example'});
	await store.save(other);
	// The list as it was read before the other process saved.
	let stale = true;
	const racing = {...store, list: () => (stale ? ((stale = false), []) : store.list())};
	expect((await saveLogin(racing, outcome('https://api.example/two/mcp'))).name).toBe('api.example-2');
	expect(store.find('api.example')).toEqual(other);
});

it('saves a first login under the host name, created and updated now', async () => {
	const store = openConfStore({home: home.path});
	const saved = await saveLogin(store, outcome('https://mail.example/mcp'));
	expect(saved.name).toBe('mail.example');
	expect(saved.createdAt).toBe(saved.updatedAt);
	expect(store.find('mail.example')).toEqual(saved);
});
