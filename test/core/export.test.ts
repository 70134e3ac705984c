import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import type {CommandContext} from '../../source/commands/context.js';
import {runExport} from '../../source/commands/export.js';
import {UsageError} from '../../source/core/errors.js';
import {type ConfigPlaces, type ExportForm, type ExportOptions, type ExportTarget, clientConfigFile, codexCallbackId, exportConfig, exportTargets, npxLauncher} from '../../source/core/export.js';
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

const places: ConfigPlaces = {home: '/home/me', platform: 'linux', env: {}};
const options: ExportOptions = {launcher: npxLauncher(undefined), places};

/** The way where the target logs in by itself with the client registered here. */
function own(server: SavedServer, target: ExportTarget): ExportForm {
	const form = exportConfig(server, target, options).alternatives.find(({kind}) => kind === 'own-login');
	if (!form) throw new Error(`no own-login form for ${target}`);
	return form;
}

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
const allText = (result: ExportForm) => [result.text, result.where, ...result.notes].join('\n');

// ---- The other way: the client logs in by itself with the client registered here.

describe('exportConfig for codex', () => {
	const maps = ['mcp_servers'];

	it('writes a config.toml table with the documented keys: url, scopes, oauth_resource, oauth.client_id, callback port and URL', () => {
		const result = own(fastmail, 'codex');
		expect(result).toMatchObject({kind: 'own-login', format: 'toml'});
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
		expect(result.where).toContain('/home/me/.codex/config.toml');
	});

	it('warns that Codex appends its callback ID unless the server supports issuer identification', () => {
		expect(codexCallbackId('https://api.fastmail.com/mcp')).toBe('7Gie_ixvy2Wk');
		expect(codexCallbackId('https://api.fastmail.com/mcp#fragment')).toBe('7Gie_ixvy2Wk');
		const notes = own(fastmail, 'codex').notes.join('\n');
		expect(notes).toContain('http://127.0.0.1:8976/callback/7Gie_ixvy2Wk');
		expect(notes).toContain('Port 8976 must be free');

		const withIss = own({...fastmail, authorizationServer: {...fastmail.authorizationServer, authorization_response_iss_parameter_supported: true}}, 'codex');
		expect(withIss.notes.join('\n')).not.toContain('/callback/7Gie');
	});

	it('makes a name from the host a bare TOML key, and says so', () => {
		const result = own({...fastmail, name: 'api.fastmail.com'}, 'codex');
		expect(parseToml(result.text)).toHaveProperty(['mcp_servers', 'api-fastmail-com', 'oauth', 'client_id'], clientId);
		expect(result.notes[0]).toContain('"api-fastmail-com"');
	});

	it('leaves the callback out for a pre-registered client, whose redirect URIs are not known', () => {
		const {registration: _registration, ...rest} = fastmail;
		const result = own({...rest, client: {clientId, authMethod: 'none', source: 'pre-registered'}}, 'codex');
		expect(parseToml(result.text)).toEqual({mcp_servers: {fastmail: {url: fastmail.mcpUrl, scopes, oauth_resource: fastmail.resource, oauth: {client_id: clientId}}}});
		expect(result.notes.join('\n')).toContain('not known here');
	});
});

describe('exportConfig for claude-code', () => {
	const documented = shellWords(fixture('claude-code.sh'));

	it('writes a claude mcp add-json command with the documented oauth object', () => {
		const result = own(fastmail, 'claude-code');
		expect(result).toMatchObject({kind: 'own-login', format: 'shell'});
		const words = shellWords(result.text);
		expect(words.slice(0, 4)).toEqual(['claude', 'mcp', 'add-json', 'fastmail']);
		expectSubset(flags(words), flags(documented));
		const entry: unknown = JSON.parse(words[4]!);
		expectSubset(keyPaths(entry, []), keyPaths(JSON.parse(documented[4]!), []));
		expect(entry).toEqual({type: 'http', url: fastmail.mcpUrl, oauth: {clientId, callbackPort: 8976, scopes: scopes.join(' ')}});
		expect(words).toHaveLength(5);
	});

	it('says that Claude Code sends http://localhost:PORT/callback, not the registered 127.0.0.1 URI', () => {
		const notes = own(fastmail, 'claude-code').notes.join('\n');
		expect(notes).toContain('http://localhost:8976/callback');
		expect(notes).toContain(redirectUri);
	});

	it('asks for the secret with --client-secret instead of printing it', () => {
		const result = own(confidential, 'claude-code');
		expect(shellWords(result.text).at(-1)).toBe('--client-secret');
		expect(result.notes.join('\n')).toContain('MCP_CLIENT_SECRET');
	});
});

describe('exportConfig for vscode', () => {
	const maps = ['servers'];

	it('writes an mcp.json server with type and url, and says what VS Code cannot take', () => {
		const result = own(fastmail, 'vscode');
		expect(result).toMatchObject({kind: 'own-login', format: 'json'});
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
		const notes = own({...confidential, authorizationServer: metadata}, 'vscode').notes.join('\n');
		expect(notes).toContain(`enter ${clientId}`);
		expect(notes).toContain('http://127.0.0.1:33418');
		expect(notes).toContain(redirectUri);
	});
});

describe('exportConfig for mcp-remote', () => {
	const maps = ['mcpServers', 'mcpServers.*.env'];
	const documented = JSON.parse(fixture('mcp-remote.json')) as {mcpServers: Record<string, {args: string[]}>};
	const documentedArgs = Object.values(documented.mcpServers)[0]!.args;

	function parse(result: ExportForm) {
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
		const result = own(fastmail, 'mcp-remote');
		expect(result).toMatchObject({kind: 'own-login', format: 'json'});
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
		const entry = parse(own(confidential, 'mcp-remote'));
		expect(JSON.parse(argAfter(entry.args, '--static-oauth-client-info')!)).toEqual({client_id: clientId, client_secret: '${MCP_REMOTE_CLIENT_SECRET}'});
		expect(JSON.parse(argAfter(entry.args, '--static-oauth-client-metadata')!)).toMatchObject({token_endpoint_auth_method: 'client_secret_basic'});
		expect(Object.keys(entry.env ?? {})).toEqual(['MCP_REMOTE_CLIENT_SECRET']);
	});
});

describe('exportConfig, every target', () => {
	const secretsAbsent = (value: unknown) => {
		for (const secret of [clientSecret, accessToken, refreshToken]) expect(JSON.stringify(value)).not.toContain(secret);
	};

	it.each(exportTargets)('%s: the proxy first, its entry as --write puts it; the client id and scopes in the other way; no secret or token ever', (target: ExportTarget) => {
		const result = exportConfig(fastmail, target, options);
		expect(result).toMatchObject({target, kind: 'proxy'});
		expect(result.entry.value).toMatchObject({command: 'npx', args: ['-y', 'mcp-auth-wizard', 'proxy', 'fastmail']});
		expect(result.entry.path.at(-1)).toBe('fastmail');
		expect(result.entry.file).toBe(clientConfigFile(target, places));
		const form = own(fastmail, target);
		expect(allText(form)).toContain(clientId);
		if (target !== 'windsurf') expect(allText(form)).toContain(target === 'cursor' || target === 'codex' ? mcpScope : scopes.join(' '));
		for (const server of [fastmail, confidential]) secretsAbsent(exportConfig(server, target, options));
		// Where the secret is, for a target that needs it (VS Code and Windsurf register their own client here).
		if (target !== 'vscode' && target !== 'windsurf') expect(allText(own(confidential, target))).toContain('client.clientSecret');
	});

	it.each(exportTargets)('%s: a login whose registration was forgotten still gets the proxy, and is told why the other way is missing', (target: ExportTarget) => {
		const {client: _client, registration: _registration, ...forgotten} = fastmail;
		const result = exportConfig(forgotten, target, options);
		expect(result.entry.value).toMatchObject({args: ['-y', 'mcp-auth-wizard', 'proxy', 'fastmail']});
		expect(result.alternatives.map(({kind}) => kind)).toEqual(target === 'claude-code' ? ['headers-helper'] : []);
		expect(result.notes.at(-1)).toContain('registration was forgotten');
	});
});

describe('a client acting as itself', () => {
	it.each(exportTargets)('%s: the proxy only (and Claude Code\'s headersHelper), never a client that would log in by itself', target => {
		const result = exportConfig({...confidential, grant: 'client_credentials'}, target, options);
		expect(result.alternatives.map(({kind}) => kind)).toEqual(target === 'claude-code' ? ['headers-helper'] : []);
		expect(result.notes.at(-1)).toContain('client acting as itself');
		expect(result.notes.join('\n')).toContain('no browser ever opens');
		expect(result.notes.join('\n')).not.toContain('opens the browser');
		expect(JSON.stringify(result)).not.toContain(clientSecret);
	});
});

describe('the proxy for each client, in its documented format', () => {
	const withHome: ExportOptions = {...options, launcher: npxLauncher('/srv/wizard home')};
	const proxyArgs = ['-y', 'mcp-auth-wizard', 'proxy', 'fastmail'];

	it('codex: a [mcp_servers.<name>] table with command, args and a startup time for the first start', () => {
		const result = exportConfig(fastmail, 'codex', options);
		const config = parseToml(result.text);
		expectSubset(keyPaths(config, ['mcp_servers']), keyPaths(parseToml(fixture('codex.toml')), ['mcp_servers']));
		expect(config).toEqual({mcp_servers: {fastmail: {command: 'npx', args: proxyArgs, startup_timeout_sec: 120}}});
		expect(result.entry).toEqual({language: 'toml', path: ['mcp_servers', 'fastmail'], value: config['mcp_servers'] && (config['mcp_servers'] as Table)['fastmail'], file: '/home/me/.codex/config.toml'});
		expect(parseToml(exportConfig(fastmail, 'codex', withHome).text)).toHaveProperty(['mcp_servers', 'fastmail', 'env', 'MCP_AUTH_WIZARD_HOME'], '/srv/wizard home');
	});

	it('claude-code: claude mcp add in the user scope, and the headersHelper way with mcp-auth-wizard token', () => {
		const documented = fixture('claude-code.sh').split('\n').filter(line => line.startsWith('claude')).map(line => shellWords(line));
		const plain = shellWords(exportConfig(fastmail, 'claude-code', options).text);
		expect(plain).toEqual(['claude', 'mcp', 'add', '--scope', 'user', 'fastmail', '--', 'npx', ...proxyArgs]);
		expectSubset(flags(plain.slice(0, plain.indexOf('--'))), documented.flatMap(line => flags(line)));
		// With an environment, the JSON form: `--env` would take the name as one more variable.
		const result = exportConfig(fastmail, 'claude-code', withHome);
		const words = shellWords(result.text);
		const stdio = {type: 'stdio', command: 'npx', args: proxyArgs, env: {MCP_AUTH_WIZARD_HOME: '/srv/wizard home'}};
		expect(words).toEqual(['claude', 'mcp', 'add-json', '--scope', 'user', 'fastmail', JSON.stringify(stdio)]);
		expect(result.entry).toMatchObject({language: 'json', path: ['mcpServers', 'fastmail'], value: stdio, file: '/home/me/.claude.json'});

		const helper = exportConfig(fastmail, 'claude-code', withHome).alternatives[0]!;
		expect(helper.kind).toBe('headers-helper');
		const helperWords = shellWords(helper.text);
		expect(helperWords.slice(0, 6)).toEqual(['claude', 'mcp', 'add-json', '--scope', 'user', 'fastmail']);
		const entry = JSON.parse(helperWords[6]!) as {headersHelper: string};
		expectSubset(keyPaths(entry, []), documented.flatMap(line => (line[2] === 'add-json' ? [...keyPaths(JSON.parse(line.at(-1)!.startsWith('{') ? line.at(-1)! : line[4]!), [])] : [])));
		expect(entry).toEqual({type: 'http', url: fastmail.mcpUrl, headersHelper: `MCP_AUTH_WIZARD_HOME='/srv/wizard home' npx -y mcp-auth-wizard token fastmail --header-json`});
		// The helper is run by a shell: what it runs is these words.
		expect(shellWords(entry.headersHelper)).toEqual(['MCP_AUTH_WIZARD_HOME=/srv/wizard home', 'npx', '-y', 'mcp-auth-wizard', 'token', 'fastmail', '--header-json']);
	});

	it.each([
		['vscode', 'vscode.json', 'servers', {type: 'stdio', command: 'npx', args: proxyArgs}, '/home/me/.config/Code/User/mcp.json'],
		['cursor', 'cursor.json', 'mcpServers', {command: 'npx', args: proxyArgs}, '/home/me/.cursor/mcp.json'],
		['claude-desktop', 'claude-desktop.json', 'mcpServers', {command: 'npx', args: proxyArgs}, '/home/me/.config/Claude/claude_desktop_config.json'],
		['windsurf', 'windsurf.json', 'mcpServers', {command: 'npx', args: proxyArgs}, '/home/me/.codeium/windsurf/mcp_config.json'],
		['mcp-remote', 'mcp-remote.json', 'mcpServers', {command: 'npx', args: proxyArgs}, undefined],
	] as const)('%s: an entry of "%s" with the documented keys', (target, file, key, entry, configFile) => {
		const result = exportConfig(fastmail, target, options);
		const config = JSON.parse(result.text) as Record<string, unknown>;
		const maps = [key, `${key}.*.env`];
		expectSubset(keyPaths(config, maps), keyPaths(JSON.parse(fixture(file)), maps));
		expect(config).toEqual({[key]: {fastmail: entry}});
		expect(result.entry).toEqual({language: 'json', path: [key, 'fastmail'], value: entry, file: configFile});
	});

	it('names the entry as clients allow, passes the saved name whole to the proxy, and quotes it in the commands it names', () => {
		const result = exportConfig({...fastmail, name: 'work mail (me)'}, 'cursor', options);
		expect(JSON.parse(result.text)).toEqual({mcpServers: {'work-mail-me': {command: 'npx', args: ['-y', 'mcp-auth-wizard', 'proxy', 'work mail (me)']}}});
		expect(result.notes[0]).toContain('"work-mail-me"');
		expect(result.notes.join('\n')).toContain("`mcp-auth-wizard proxy 'work mail (me)'`");
		expect(result.notes.join('\n')).toContain("`mcp-auth-wizard export 'work mail (me)' --for cursor --write`");
	});

	it('finds each client\'s file on macOS, Windows and Linux, and where the environment moves it', () => {
		const mac: ConfigPlaces = {home: '/Users/me', platform: 'darwin', env: {}};
		expect(clientConfigFile('vscode', mac)).toBe('/Users/me/Library/Application Support/Code/User/mcp.json');
		expect(clientConfigFile('claude-desktop', mac)).toBe('/Users/me/Library/Application Support/Claude/claude_desktop_config.json');
		const windows: ConfigPlaces = {home: '/c/me', platform: 'win32', env: {APPDATA: '/c/me/AppData/Roaming'}};
		expect(clientConfigFile('claude-desktop', windows)).toBe('/c/me/AppData/Roaming/Claude/claude_desktop_config.json');
		expect(clientConfigFile('vscode', windows)).toBe('/c/me/AppData/Roaming/Code/User/mcp.json');
		const moved: ConfigPlaces = {home: '/home/me', platform: 'linux', env: {CODEX_HOME: '/opt/codex', CLAUDE_CONFIG_DIR: '/opt/claude', XDG_CONFIG_HOME: '/xdg'}};
		expect(clientConfigFile('codex', moved)).toBe('/opt/codex/config.toml');
		expect(clientConfigFile('claude-code', moved)).toBe('/opt/claude/.claude.json');
		expect(clientConfigFile('vscode', moved)).toBe('/xdg/Code/User/mcp.json');
		expect(clientConfigFile('cursor', moved)).toBe('/home/me/.cursor/mcp.json');
	});
});

describe('the other way, for the clients added with the proxy', () => {
	it('cursor: a url entry with static OAuth (CLIENT_ID, scopes), and how to register its redirect URI', () => {
		const form = own(fastmail, 'cursor');
		const config = JSON.parse(form.text) as Record<string, unknown>;
		expectSubset(keyPaths(config, ['mcpServers']), keyPaths(JSON.parse(fixture('cursor.json')), ['mcpServers']));
		expect(config).toEqual({mcpServers: {fastmail: {url: fastmail.mcpUrl, auth: {CLIENT_ID: clientId, scopes}}}});
		expect(form.notes.join('\n')).toContain('mcp-auth-wizard reauthorize fastmail --redirect-uri http://localhost:8787/callback');
		// Registered already: nothing to do.
		const withCursor = {...fastmail, registration: {...fastmail.registration!, response: {...fastmail.registration!.response, redirect_uris: [redirectUri, 'http://localhost:8787/callback']}}};
		expect(own(withCursor, 'cursor').notes.join('\n')).not.toContain('--redirect-uri');
		expect(JSON.parse(own(confidential, 'cursor').text)).toHaveProperty(['mcpServers', 'fastmail', 'auth', 'CLIENT_SECRET'], '${env:MCP_CLIENT_SECRET}');
	});

	it('windsurf: a serverUrl entry; claude-desktop: mcp-remote with this client', () => {
		const windsurf = own(fastmail, 'windsurf');
		expect(JSON.parse(windsurf.text)).toEqual({mcpServers: {fastmail: {serverUrl: fastmail.mcpUrl}}});
		expectSubset(keyPaths(JSON.parse(windsurf.text), ['mcpServers']), keyPaths(JSON.parse(fixture('windsurf.json')), ['mcpServers']));
		const desktop = own(fastmail, 'claude-desktop');
		expect(desktop.text).toBe(own(fastmail, 'mcp-remote').text);
		expect(desktop.where).toContain('claude_desktop_config.json');
	});

	it('codex and claude-code: the redirect URI each sends, and the reauthorize that registers it', () => {
		expect(own(fastmail, 'claude-code').notes.join('\n')).toContain('mcp-auth-wizard reauthorize fastmail --redirect-uri http://localhost:8976/callback');
		expect(own(fastmail, 'codex').notes.join('\n')).toContain('mcp-auth-wizard reauthorize fastmail --redirect-uri http://127.0.0.1:8976/callback/7Gie_ixvy2Wk');
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
		env: {HOME: '/home/me'},
		signal: new AbortController().signal,
		openStore: async () => store,
	};
	return {context, printed};
}

describe('runExport', () => {
	it('refuses an unknown or missing --for with a usage error listing every target', async () => {
		const {context, printed} = commandContext(false);
		for (const target of ['emacs', undefined]) {
			const error: unknown = await runExport(context, 'fastmail', target).catch((error_: unknown) => error_);
			expect(error).toBeInstanceOf(UsageError);
			for (const known of exportTargets) expect((error as UsageError).hint).toContain(known);
		}

		expect((await runExport(context, 'fastmail', 'emacs').catch((error: unknown) => error as Error)).toString()).toContain('Unknown export target "emacs"');
		expect(printed).toEqual([]);
	});

	it('prints the proxy\'s way first (title, where, a blank line, the text, the notes), then the other ways', async () => {
		const {context, printed} = commandContext(false);
		expect(await runExport(context, 'fastmail', 'codex')).toBe(0);
		const {lines} = printed[0]!;
		const result = exportConfig(fastmail, 'codex', options);
		expect(lines.slice(0, 4)).toEqual([result.title, result.where, '', '[mcp_servers.fastmail]']);
		expect(lines).toContain('Notes:');
		const other = result.alternatives[0]!;
		expect(lines.indexOf(other.title)).toBeGreaterThan(lines.indexOf('Notes:'));
		expect(lines.at(-1)).toBe(`- ${other.notes.at(-1)}`);
	});

	it('gives one JSON document with --json', async () => {
		const {context, printed} = commandContext(true);
		await runExport(context, 'https://api.fastmail.com/mcp', 'mcp-remote');
		const result = exportConfig(fastmail, 'mcp-remote', options);
		const {kind, title, format, where, text, notes} = result.alternatives[0]!;
		expect(printed[0]!.value).toEqual({ok: true, server: 'fastmail', target: 'mcp-remote', kind: 'proxy', title: result.title, format: 'json', where: result.where, text: result.text, notes: result.notes, file: undefined, alternatives: [{kind, title, format, where, text, notes}]});
	});
});
