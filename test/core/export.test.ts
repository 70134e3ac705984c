import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import type {CommandContext} from '../../source/commands/context.js';
import {runExport} from '../../source/commands/export.js';
import {UsageError} from '../../source/core/errors.js';
import {codexCallbackId, exportConfig, exportTargets, type ExportResult, type ExportTarget} from '../../source/core/export.js';
import type {RegistrationRequest} from '../../source/core/registration.js';
import type {SavedServer, ServerStore} from '../../source/store/types.js';

/*
 * The fixtures in test/fixtures/export are minimal examples adapted from each client's own
 * documentation (sources at the top of each fixture and of each function in source/core/export.ts):
 * every key or flag the export emits must appear in its target's fixture.
 */
const fixture = (file: string) => readFileSync(new URL(`../fixtures/export/${file}`, import.meta.url), 'utf8');

const mcpScope = 'https://www.fastmail.com/dev/mcp';
const scopes = [mcpScope, 'offline_access'];
const clientId = 'fm-client-7f3a9c';
const redirectUri = 'http://127.0.0.1:8976/callback';
const clientSecret = 'cs-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const accessToken = 'at-0123456789abcdef0123456789abcdef';
const refreshToken = 'rt-fedcba9876543210fedcba9876543210';

const request: RegistrationRequest = {
	client_name: 'mcp-auth-wizard',
	scope: scopes.join(' '),
	redirect_uris: [redirectUri],
	grant_types: ['authorization_code', 'refresh_token'],
	response_types: ['code'],
	token_endpoint_auth_method: 'none',
	application_type: 'native',
};

/** Fastmail as mcp-auth-wizard saves it after a login with both scopes on port 8976. */
const fastmail: SavedServer = {
	name: 'fastmail',
	mcpUrl: 'https://api.fastmail.com/mcp',
	resource: 'https://api.fastmail.com/mcp',
	issuer: 'https://api.fastmail.com',
	authorizationServer: {
		issuer: 'https://api.fastmail.com',
		authorization_endpoint: 'https://api.fastmail.com/oauth/authorize',
		token_endpoint: 'https://api.fastmail.com/oauth/refresh',
		registration_endpoint: 'https://api.fastmail.com/oauth/register',
		scopes_supported: ['urn:ietf:params:oauth:scope:mail', mcpScope, 'offline_access'],
		token_endpoint_auth_methods_supported: ['none'],
		code_challenge_methods_supported: ['S256'],
	},
	client: {clientId, authMethod: 'none', source: 'registration'},
	registration: {request, response: {...request, client_id: clientId, client_id_issued_at: 1_767_225_600}, registeredAt: '2026-01-01T00:00:00.000Z'},
	scopes,
	tokens: {accessToken, tokenType: 'Bearer', refreshToken, expiresAt: '2026-01-01T01:00:00.000Z', scope: scopes.join(' '), obtainedAt: '2026-01-01T00:00:00.000Z'},
	createdAt: '2026-01-01T00:00:00.000Z',
	updatedAt: '2026-01-01T00:00:00.000Z',
};

/** The same, with a confidential client: its secret must never be printed. */
const confidential: SavedServer = {
	...fastmail,
	client: {clientId, clientSecret, authMethod: 'client_secret_basic', source: 'registration'},
	registration: {request: {...request, token_endpoint_auth_method: 'client_secret_basic'}, response: {...request, client_id: clientId, client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_basic'}, registeredAt: '2026-01-01T00:00:00.000Z'},
};

// ---- Tiny parsers, enough for the documented formats.

type Table = {[key: string]: unknown};

/** TOML tables with bare or quoted dotted keys, and `key = value` with strings, integers and arrays of strings. */
function parseToml(text: string): Table {
	const root: Table = {};
	let current = root;
	const keyPart = String.raw`(?:[\w-]+|"(?:[^"\\]|\\.)*")`;
	const unquote = (key: string) => (key.startsWith('"') ? (JSON.parse(key) as string) : key);
	const splitKey = (key: string) => [...key.matchAll(new RegExp(keyPart, 'g'))].map(match => unquote(match[0]));
	for (const [index, raw] of text.split('\n').entries()) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) continue;
		const header = new RegExp(String.raw`^\[(${keyPart}(?:\.${keyPart})*)\]$`).exec(line);
		if (header) {
			current = root;
			for (const key of splitKey(header[1]!)) {
				current[key] ??= {};
				current = current[key] as Table;
			}

			continue;
		}

		const pair = new RegExp(String.raw`^(${keyPart})\s*=\s*(.+)$`).exec(line);
		if (!pair) throw new Error(`TOML line ${index + 1} is neither a table nor a key: ${line}`);
		const key = unquote(pair[1]!);
		const value = pair[2]!;
		if (key in current) throw new Error(`TOML key ${key} defined twice`);
		if (/^-?\d+$/.test(value)) current[key] = Number(value);
		else if (/^"(?:[^"\\]|\\.)*"$/.test(value)) current[key] = JSON.parse(value);
		else if (/^\[\s*("(?:[^"\\]|\\.)*"\s*,\s*)*("(?:[^"\\]|\\.)*")?\s*\]$/.test(value)) current[key] = JSON.parse(value);
		else throw new Error(`TOML value not understood on line ${index + 1}: ${value}`);
	}

	return root;
}

/** The argv a POSIX shell makes of a command line: single and double quotes, backslashes; `#` lines are comments. */
function shellWords(text: string): string[] {
	const words: string[] = [];
	for (const line of text.split('\n').filter(line => !line.trim().startsWith('#'))) {
		let word: string | undefined;
		for (let index = 0; index < line.length; index++) {
			const char = line[index]!;
			if (/\s/.test(char)) {
				if (word !== undefined) words.push(word);
				word = undefined;
			} else if (char === "'") {
				const end = line.indexOf("'", index + 1);
				if (end === -1) throw new Error('unterminated single quote');
				word = (word ?? '') + line.slice(index + 1, end);
				index = end;
			} else if (char === '"') {
				word ??= '';
				for (index++; line[index] !== '"'; index++) {
					if (index >= line.length) throw new Error('unterminated double quote');
					if (line[index] === '\\' && '"\\$`'.includes(line[index + 1] ?? '')) index++;
					word += line[index];
				}
			} else if (char === '\\') {
				word = (word ?? '') + (line[++index] ?? '');
			} else {
				word = (word ?? '') + char;
			}
		}

		if (word !== undefined) words.push(word);
	}

	return words;
}

/** Every key path of a JSON/TOML value; below a `maps` path the member names are free and show as `*`. */
function keyPaths(value: unknown, maps: readonly string[], prefix = ''): Set<string> {
	const paths = new Set<string>();
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return paths;
	for (const [key, item] of Object.entries(value)) {
		const path = `${prefix}${maps.includes(prefix.slice(0, -1)) ? '*' : key}`;
		paths.add(path);
		for (const inner of keyPaths(item, maps, `${path}.`)) paths.add(inner);
	}

	return paths;
}

function expectSubset(emitted: Iterable<string>, documented: Iterable<string>) {
	const known = new Set(documented);
	expect([...emitted].filter(item => !known.has(item))).toEqual([]);
}

const flags = (words: readonly string[]) => words.filter(word => word.startsWith('--'));
const argAfter = (words: readonly string[], flag: string) => words[words.indexOf(flag) + 1];
const allText = (result: ExportResult) => [result.text, result.where, ...result.notes].join('\n');

// ---- The four targets.

describe('exportConfig for codex', () => {
	const maps = ['mcp_servers'];

	it('writes a config.toml table with the documented keys: url, scopes, oauth_resource, oauth.client_id, callback port and URL', () => {
		const result = exportConfig(fastmail, 'codex');
		expect(result).toMatchObject({target: 'codex', format: 'toml'});
		const config = parseToml(result.text);
		expectSubset(keyPaths(config, maps), keyPaths(parseToml(fixture('codex.toml')), maps));
		expect(config).toEqual({
			mcp_servers: {
				fastmail: {
					url: 'https://api.fastmail.com/mcp',
					scopes,
					oauth_resource: 'https://api.fastmail.com/mcp',
					oauth: {client_id: clientId, callback_port: 8976, callback_url: redirectUri},
				},
			},
		});
		expect(result.where).toContain('~/.codex/config.toml');
	});

	it('warns that Codex appends its callback ID unless the server supports issuer identification', () => {
		expect(codexCallbackId('https://api.fastmail.com/mcp')).toBe('7Gie_ixvy2Wk');
		expect(codexCallbackId('https://api.fastmail.com/mcp#fragment')).toBe('7Gie_ixvy2Wk');
		const notes = exportConfig(fastmail, 'codex').notes.join('\n');
		expect(notes).toContain('http://127.0.0.1:8976/callback/7Gie_ixvy2Wk');
		expect(notes).toContain('Port 8976 must be free');

		const withIss = exportConfig({...fastmail, authorizationServer: {...fastmail.authorizationServer, authorization_response_iss_parameter_supported: true}}, 'codex');
		expect(withIss.notes.join('\n')).not.toContain('/callback/7Gie');
	});

	it('makes a name from the host a bare TOML key, and says so', () => {
		const result = exportConfig({...fastmail, name: 'api.fastmail.com'}, 'codex');
		expect(parseToml(result.text)).toHaveProperty(['mcp_servers', 'api-fastmail-com', 'oauth', 'client_id'], clientId);
		expect(result.notes[0]).toContain('"api-fastmail-com"');
	});

	it('leaves the callback out for a pre-registered client, whose redirect URIs are not known', () => {
		const {registration: _registration, ...rest} = fastmail;
		const result = exportConfig({...rest, client: {clientId, authMethod: 'none', source: 'pre-registered'}}, 'codex');
		expect(parseToml(result.text)).toEqual({mcp_servers: {fastmail: {url: fastmail.mcpUrl, scopes, oauth_resource: fastmail.resource, oauth: {client_id: clientId}}}});
		expect(result.notes.join('\n')).toContain('not known here');
	});
});

describe('exportConfig for claude-code', () => {
	const documented = shellWords(fixture('claude-code.sh'));

	it('writes a claude mcp add-json command with the documented oauth object', () => {
		const result = exportConfig(fastmail, 'claude-code');
		expect(result).toMatchObject({target: 'claude-code', format: 'shell'});
		const words = shellWords(result.text);
		expect(words.slice(0, 4)).toEqual(['claude', 'mcp', 'add-json', 'fastmail']);
		expectSubset(flags(words), flags(documented));
		const entry: unknown = JSON.parse(words[4]!);
		expectSubset(keyPaths(entry, []), keyPaths(JSON.parse(documented[4]!), []));
		expect(entry).toEqual({type: 'http', url: fastmail.mcpUrl, oauth: {clientId, callbackPort: 8976, scopes: scopes.join(' ')}});
		expect(words).toHaveLength(5);
	});

	it('says that Claude Code sends http://localhost:PORT/callback, not the registered 127.0.0.1 URI', () => {
		const notes = exportConfig(fastmail, 'claude-code').notes.join('\n');
		expect(notes).toContain('http://localhost:8976/callback');
		expect(notes).toContain(redirectUri);
	});

	it('asks for the secret with --client-secret instead of printing it', () => {
		const result = exportConfig(confidential, 'claude-code');
		expect(shellWords(result.text).at(-1)).toBe('--client-secret');
		expect(result.notes.join('\n')).toContain('MCP_CLIENT_SECRET');
	});
});

describe('exportConfig for vscode', () => {
	const maps = ['servers'];

	it('writes an mcp.json server with type and url, and says what VS Code cannot take', () => {
		const result = exportConfig(fastmail, 'vscode');
		expect(result).toMatchObject({target: 'vscode', format: 'json'});
		const config: unknown = JSON.parse(result.text);
		expectSubset(keyPaths(config, maps), keyPaths(JSON.parse(fixture('vscode.json')), maps));
		expect(config).toEqual({servers: {fastmail: {type: 'http', url: fastmail.mcpUrl}}});
		// VS Code has no setting for them: they are in the notes.
		const notes = result.notes.join('\n');
		expect(notes).toContain(clientId);
		expect(notes).toContain(scopes.join(' '));
		expect(notes).toContain('dynamic client registration');
	});

	it('tells what to enter when the server has no registration endpoint, and why the redirect will not match', () => {
		const {registration_endpoint: _endpoint, ...metadata} = confidential.authorizationServer;
		const notes = exportConfig({...confidential, authorizationServer: metadata}, 'vscode').notes.join('\n');
		expect(notes).toContain(`enter ${clientId}`);
		expect(notes).toContain('http://127.0.0.1:33418');
		expect(notes).toContain(redirectUri);
	});
});

describe('exportConfig for mcp-remote', () => {
	const maps = ['mcpServers', 'mcpServers.*.env'];
	const documented = JSON.parse(fixture('mcp-remote.json')) as {mcpServers: Record<string, {args: string[]}>};
	const documentedArgs = Object.values(documented.mcpServers)[0]!.args;

	function parse(result: ExportResult) {
		const config = JSON.parse(result.text) as {mcpServers: Record<string, {command: string; args: string[]; env?: Record<string, string>}>};
		expectSubset(keyPaths(config, maps), keyPaths(documented, maps));
		const entry = config.mcpServers['fastmail']!;
		expectSubset(flags(entry.args), flags(documentedArgs));
		for (const flag of ['--static-oauth-client-info', '--static-oauth-client-metadata']) {
			if (entry.args.includes(flag)) expectSubset(Object.keys(JSON.parse(argAfter(entry.args, flag)!) as object), Object.keys(JSON.parse(argAfter(documentedArgs, flag)!) as object));
		}

		return entry;
	}

	it('writes an mcpServers entry running mcp-remote with the registered port, host, path, client id, scopes and resource', () => {
		const result = exportConfig(fastmail, 'mcp-remote');
		expect(result).toMatchObject({target: 'mcp-remote', format: 'json'});
		const entry = parse(result);
		expect(entry.command).toBe('npx');
		expect(entry.args.slice(0, 4)).toEqual(['-y', 'mcp-remote@latest', fastmail.mcpUrl, '8976']);
		expect(argAfter(entry.args, '--host')).toBe('127.0.0.1');
		expect(argAfter(entry.args, '--callback-path')).toBe('/callback');
		expect(JSON.parse(argAfter(entry.args, '--static-oauth-client-info')!)).toEqual({client_id: clientId});
		expect(JSON.parse(argAfter(entry.args, '--static-oauth-client-metadata')!)).toEqual({scope: scopes.join(' ')});
		expect(argAfter(entry.args, '--resource')).toBe(fastmail.resource);
		expect(entry).not.toHaveProperty('env');
	});

	it('refers to the secret by an environment variable that mcp-remote expands', () => {
		const entry = parse(exportConfig(confidential, 'mcp-remote'));
		expect(JSON.parse(argAfter(entry.args, '--static-oauth-client-info')!)).toEqual({client_id: clientId, client_secret: '${MCP_REMOTE_CLIENT_SECRET}'});
		expect(JSON.parse(argAfter(entry.args, '--static-oauth-client-metadata')!)).toMatchObject({token_endpoint_auth_method: 'client_secret_basic'});
		expect(Object.keys(entry.env ?? {})).toEqual(['MCP_REMOTE_CLIENT_SECRET']);
	});
});

describe('exportConfig, every target', () => {
	it.each(exportTargets)('%s: the client id, the scopes and the port are there; no secret or token ever is', (target: ExportTarget) => {
		const result = exportConfig(fastmail, target);
		const text = allText(result);
		expect(text).toContain(clientId);
		expect(text).toMatch(new RegExp(`${mcpScope.replaceAll('.', String.raw`\.`)}.*offline_access|offline_access.*${mcpScope.replaceAll('.', String.raw`\.`)}`));
		if (target !== 'vscode') expect(result.text).toContain('8976');

		for (const server of [fastmail, confidential]) {
			const everything = JSON.stringify(exportConfig(server, target));
			for (const secret of [clientSecret, accessToken, refreshToken]) expect(everything).not.toContain(secret);
		}

		// Where the secret is, for a target that needs it (VS Code registers its own client here).
		if (target !== 'vscode') expect(allText(exportConfig(confidential, target))).toContain('client.clientSecret');
	});
});

// ---- The command.

function commandContext(json: boolean) {
	const printed: Array<{value: unknown; lines: readonly string[]}> = [];
	const servers = [fastmail];
	const store: ServerStore = {
		path: '/tmp/servers.json',
		list: () => servers,
		find: nameOrUrl => servers.find(server => server.name === nameOrUrl || server.mcpUrl === nameOrUrl),
		notices: [],
		async update() {
			throw new Error('export never changes the store');
		},
		async save() {},
		async loggingIn() {
			throw new Error('export never logs in');
		},
		async exclusively() {
			throw new Error('export never refreshes');
		},
	};
	const context: CommandContext = {
		output: {
			json,
			note() {},
			result(value, lines) {
				printed.push({value, lines: lines()});
			},
		},
		http: {} as CommandContext['http'],
		env: {},
		signal: new AbortController().signal,
		openStore: async () => store,
	};
	return {context, printed};
}

describe('runExport', () => {
	it('refuses an unknown or missing --for with a usage error listing the four targets', async () => {
		const {context, printed} = commandContext(false);
		for (const target of ['cursor', undefined]) {
			const error: unknown = await runExport(context, 'fastmail', target).catch((error_: unknown) => error_);
			expect(error).toBeInstanceOf(UsageError);
			for (const known of exportTargets) expect((error as UsageError).hint).toContain(known);
		}

		expect((await runExport(context, 'fastmail', 'cursor').catch((error: unknown) => error as Error)).toString()).toContain('Unknown export target "cursor"');
		expect(printed).toEqual([]);
	});

	it('prints where, a blank line, the text, then the notes', async () => {
		const {context, printed} = commandContext(false);
		expect(await runExport(context, 'fastmail', 'codex')).toBe(0);
		const {lines} = printed[0]!;
		const result = exportConfig(fastmail, 'codex');
		expect(lines[0]).toBe(result.where);
		expect(lines[1]).toBe('');
		expect(lines[2]).toBe('[mcp_servers.fastmail]');
		expect(lines).toContain('Notes:');
		expect(lines.at(-1)).toBe(`- ${result.notes.at(-1)}`);
	});

	it('gives one JSON document with --json', async () => {
		const {context, printed} = commandContext(true);
		await runExport(context, 'https://api.fastmail.com/mcp', 'mcp-remote');
		const result = exportConfig(fastmail, 'mcp-remote');
		expect(printed[0]!.value).toEqual({ok: true, server: 'fastmail', target: 'mcp-remote', format: 'json', where: result.where, text: result.text, notes: result.notes});
	});
});
