import {createHash} from 'node:crypto';
import {join} from 'node:path';
import * as toml from 'smol-toml';
import type {ClientCredentials} from './client.js';
import type {ConfigEntry} from './config-edit.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {type RegistrationRequest, registeredRedirectUris} from './registration.js';
import type {LoginGrant} from './tokens.js';
import {shellQuote} from './text.js';
import {isLoopbackHost} from './urls.js';

/**
 * What an export needs of a logged-in server. Core knows nothing of the store: a saved server has
 * these fields, and is passed as it is.
 */
export type ExportSource = {
	readonly name: string;
	readonly mcpUrl: string;
	readonly resource: string;
	readonly authorizationServer: AuthorizationServerMetadata;
	readonly client?: ClientCredentials;
	readonly registration?: {readonly request: RegistrationRequest; readonly response: Record<string, unknown>};
	readonly scopes: readonly string[];
	/**
	 * A client acting as itself, or an enterprise login (an ID-JAG, SEP-990): no client can log in by
	 * itself with it (no redirect URI; the ID-JAG comes from the identity provider).
	 */
	readonly grant?: LoginGrant;
};

/*
 * Configuration for other MCP clients. First the proxy: the client starts `mcp-auth-wizard proxy
 * <name>`, which uses the login made here and keeps its tokens fresh. Then the other ways: Claude
 * Code's headersHelper asking `mcp-auth-wizard token`, and the client logging in by itself with the
 * client registered here (client id, scopes, redirect URI). Every key and flag below is one the target
 * documents; what a target cannot express goes into a note instead of an invented setting. Pure: no I/O.
 */

export const exportTargets = ['codex', 'claude-code', 'vscode', 'cursor', 'claude-desktop', 'windsurf', 'mcp-remote'] as const;
export type ExportTarget = (typeof exportTargets)[number];

/** One way to set the target up. */
export type ExportForm = {
	readonly kind: 'proxy' | 'headers-helper' | 'own-login';
	/** One line: what this way is. */
	readonly title: string;
	/** The configuration snippet or command, exactly as the user pastes it. */
	readonly text: string;
	/** The language of `text` for display. */
	readonly format: 'toml' | 'json' | 'shell';
	/** One line: where to put it (file path, or "run this in a terminal"). */
	readonly where: string;
	/** Anything the user must know (the secret is not printed; the port must be free; what the target lacks a setting for). */
	readonly notes: readonly string[];
};

/** The proxy's form first, its entry for `--write`, and the other ways. */
export type ExportResult = ExportForm & {
	readonly target: ExportTarget;
	/** The proxy's entry in the target's configuration file; `file` undefined where there is no one file (mcp-remote's users have many). */
	readonly entry: ConfigEntry & {readonly file: string | undefined};
	readonly alternatives: readonly ExportForm[];
};

/** How an MCP client runs mcp-auth-wizard: `command` with `args` before the subcommand, and `env`. */
export type Launcher = {readonly command: string; readonly args: readonly string[]; readonly env: Readonly<Record<string, string>>};

/** What the places of the clients' configuration files depend on. */
export type ConfigPlaces = {readonly home: string; readonly platform: NodeJS.Platform; readonly env: Readonly<Record<string, string | undefined>>};

export type ExportOptions = {readonly launcher: Launcher; readonly places: ConfigPlaces};

/**
 * npx, as MCP clients' docs start packages; the store's directory is passed on when it is not the
 * default one (an absolute path: clients start commands in a directory of their own).
 */
export function npxLauncher(storeHome: string | undefined): Launcher {
	return {command: 'npx', args: ['-y', 'mcp-auth-wizard'], env: storeHome === undefined ? {} : {MCP_AUTH_WIZARD_HOME: storeHome}};
}

export function isExportTarget(value: string): value is ExportTarget {
	return (exportTargets as readonly string[]).includes(value);
}

/** The redirect URI the authorization server holds for this client, taken apart. */
export type RegisteredRedirect = {
	readonly uri: string;
	readonly host: string;
	readonly port: number;
	readonly path: string;
	/** An http loopback URI (RFC 8252 7.3): the only kind a local client can listen on. */
	readonly loopback: boolean;
};

/**
 * The registered redirect URI: the registration answer's `redirect_uris` (what counts, RFC 7591
 * 3.2.1), else the request's; the first http loopback one if there are several. Undefined for a
 * client registered elsewhere (--client-id), whose redirect URIs are not known here.
 */
function registeredRedirect(server: ExportSource): RegisteredRedirect | undefined {
	const parsed = registeredRedirectUris(server.registration).filter(uri => URL.canParse(uri)).map(uri => ({uri, url: new URL(uri)}));
	const isLoopback = (url: URL) => url.protocol === 'http:' && isLoopbackHost(url.hostname);
	const chosen = parsed.find(({url}) => isLoopback(url)) ?? parsed[0];
	if (!chosen) return undefined;
	const {uri, url} = chosen;
	return {uri, host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), path: url.pathname, loopback: isLoopback(url)};
}

/** A JSON snippet as shown and copied: two spaces, not tabs (a terminal shows a tab up to 8 columns wide, which Ink counts as one). */
const jsonSnippet = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A server name every target takes (Codex and Claude Code refuse names other than letters, digits, - and _). */
function configName(name: string): string {
	const safe = name.replaceAll(/[^\w-]+/g, '-').replaceAll(/^-+|-+$/g, '');
	return safe === '' ? 'mcp-server' : safe;
}

function nameNotes(server: ExportSource, name: string): string[] {
	return name === server.name ? [] : [`The saved name "${server.name}" is "${name}" in the client's configuration: clients take only letters, digits, "-" and "_" in server names.`];
}

const secretWhere = 'The secret is not printed: it is client.clientSecret in the saved-server store, the file that `mcp-auth-wizard list --json` shows as storePath.';

const scopeText = (server: ExportSource) => server.scopes.join(' ');

const shellLine = (words: readonly string[]) => words.map(word => shellQuote(word)).join(' ');

// ---- The proxy, for every target.

/** The command and arguments that start the proxy for this login, as a client's configuration holds them. */
function proxyCommand(server: ExportSource, launcher: Launcher) {
	const hasEnv = Object.keys(launcher.env).length > 0;
	return {command: launcher.command, args: [...launcher.args, 'proxy', server.name], ...(hasEnv ? {env: {...launcher.env}} : {})};
}

/**
 * Where each client keeps its servers, per its docs: Codex https://developers.openai.com/codex/mcp
 * (CODEX_HOME, https://developers.openai.com/codex/environment-variables); Claude Code
 * https://code.claude.com/docs/en/mcp ("MCP installation scopes": user scope in ~/.claude.json);
 * VS Code https://code.visualstudio.com/docs/agents/reference/mcp-configuration (the user profile's
 * mcp.json); Cursor https://cursor.com/docs/mcp; Claude Desktop
 * https://modelcontextprotocol.io/docs/develop/connect-local-servers (macOS, Windows; on Linux the
 * XDG place its builds use); Windsurf https://docs.windsurf.com/windsurf/cascade/mcp.
 */
export function clientConfigFile(target: ExportTarget, {home, platform, env}: ConfigPlaces): string | undefined {
	const appData = env['APPDATA'] ?? join(home, 'AppData', 'Roaming');
	const userConfig = platform === 'darwin' ? join(home, 'Library', 'Application Support') : (platform === 'win32' ? appData : (env['XDG_CONFIG_HOME'] ?? join(home, '.config')));
	switch (target) {
		case 'codex': {
			return join(env['CODEX_HOME'] ?? join(home, '.codex'), 'config.toml');
		}

		case 'claude-code': {
			return join(env['CLAUDE_CONFIG_DIR'] ?? home, '.claude.json');
		}

		case 'vscode': {
			return join(userConfig, 'Code', 'User', 'mcp.json');
		}

		case 'cursor': {
			return join(home, '.cursor', 'mcp.json');
		}

		case 'claude-desktop': {
			return join(userConfig, 'Claude', 'claude_desktop_config.json');
		}

		case 'windsurf': {
			return join(home, '.codeium', 'windsurf', 'mcp_config.json');
		}

		case 'mcp-remote': {
			return undefined;
		}
	}
}

const clientNames: Record<ExportTarget, string> = {
	codex: 'Codex',
	'claude-code': 'Claude Code',
	vscode: 'VS Code',
	cursor: 'Cursor',
	'claude-desktop': 'Claude Desktop',
	windsurf: 'Windsurf',
	'mcp-remote': 'The MCP client',
};

/** What the proxy does when the login's token can no longer be used, by how the login gets tokens. */
function renewalByProxy(server: ExportSource): string {
	switch (server.grant) {
		case 'client_credentials': {
			return 'A client acting as itself gets each new token by the same grant: no browser ever opens.';
		}

		case 'jwt-bearer': {
			return 'The login came from an ID-JAG (enterprise-managed): when it cannot be renewed, requests get an error saying to log in again here with `mcp-auth-wizard login … --enterprise` and a new ID token; no browser opens.';
		}

		case undefined: {
			return `When that login cannot be renewed it opens the browser to log in again (as \`mcp-auth-wizard reauthorize ${shellQuote(server.name)}\` would); add --no-login to the arguments to get an error instead.`;
		}
	}
}

/** The proxy's form for a target: its entry, where it goes, and what to know. */
function proxyForm(server: ExportSource, target: ExportTarget, options: ExportOptions): Pick<ExportResult, 'entry'> & ExportForm {
	const name = configName(server.name);
	const file = clientConfigFile(target, options.places);
	const command = proxyCommand(server, options.launcher);
	const client = clientNames[target];
	const notes = [
		...nameNotes(server, name),
		`${client} starts \`mcp-auth-wizard proxy ${shellQuote(server.name)}\`, which relays MCP with the login saved here and keeps its tokens fresh. ${renewalByProxy(server)}`,
		...(command.env ? ['"env" names this store\'s directory (MCP_AUTH_WIZARD_HOME), which is not the default one.'] : []),
	];
	const title = `Through the proxy (recommended): ${client === 'The MCP client' ? 'the client' : client} starts mcp-auth-wizard, which uses this login`;
	const writeNote = (place: string) => `\`mcp-auth-wizard export ${shellQuote(server.name)} --for ${target} --write\` adds it to ${place} for you, showing the change first and keeping a backup.`;
	const json = (path: readonly string[], value: Record<string, unknown>) => ({language: 'json', path: [...path, name], value, file}) as const;
	switch (target) {
		case 'codex': {
			// startup_timeout_sec: the first start may fetch the package, or wait for a login in the browser.
			const value = {...command, startup_timeout_sec: 120};
			notes.push('startup_timeout_sec gives the first start time to fetch the package or to log in (Codex waits 10 s by default).', writeNote(file!));
			const entry = {language: 'toml', path: ['mcp_servers', name], value, file} as const;
			return {kind: 'proxy', title, format: 'toml', text: toml.stringify({mcp_servers: {[name]: value}}), where: `${file}: add these tables.`, notes, entry};
		}

		case 'claude-code': {
			const value = {type: 'stdio', ...command};
			notes.push(`Or let this program add it: ${writeNote(file!).slice(0, -1)} (the user scope, all your projects).`);
			// With an environment, the JSON form: `claude mcp add --env` takes every word after it, the name too
			// (anthropics/claude-code issue #23365).
			const words = command.env ? ['claude', 'mcp', 'add-json', '--scope', 'user', name, JSON.stringify(value)] : ['claude', 'mcp', 'add', '--scope', 'user', name, '--', command.command, ...command.args];
			return {kind: 'proxy', title, format: 'shell', text: `${shellLine(words)}\n`, where: 'Run this in a terminal (the user scope: all your projects).', notes, entry: json(['mcpServers'], value)};
		}

		case 'vscode': {
			const value = {type: 'stdio', ...command};
			notes.push(writeNote(file!));
			return {kind: 'proxy', title, format: 'json', text: jsonSnippet({servers: {[name]: value}}), where: `${file} (MCP: Open User Configuration), or .vscode/mcp.json in a workspace: merge into "servers".`, notes, entry: json(['servers'], value)};
		}

		case 'cursor':
		case 'claude-desktop':
		case 'windsurf':
		case 'mcp-remote': {
			if (target === 'claude-desktop') notes.push('Quit Claude Desktop fully and start it again after the change. If it cannot find npx (it does not read your shell\'s PATH), put npx\'s full path (`which npx`) as "command".');
			notes.push(file === undefined ? 'In place of an `npx mcp-remote <url>` entry: the same kind of entry, with this login. `--write --config <file>` adds it to that file for you.' : writeNote(file));
			const where = file === undefined ? 'The "mcpServers" of an MCP client that starts local commands: merge into it.' : `${file}: merge into "mcpServers".`;
			return {kind: 'proxy', title, format: 'json', text: jsonSnippet({mcpServers: {[name]: command}}), where, notes, entry: json(['mcpServers'], command)};
		}
	}
}

// ---- Claude Code's headersHelper.

/**
 * Claude Code runs `headersHelper`, a shell command, at every connection (and again after a 401 or
 * 403) and sends the JSON object it prints as headers; 10 s at most. Source:
 * https://code.claude.com/docs/en/mcp ("Use dynamic headers for custom authentication").
 */
function headersHelperForm(server: ExportSource, launcher: Launcher): ExportForm {
	const name = configName(server.name);
	const environment = Object.entries(launcher.env).map(([key, value]) => `${key}=${shellQuote(value)}`);
	const helper = [...environment, shellLine([launcher.command, ...launcher.args, 'token', server.name, '--header-json'])].join(' ');
	const entry = {type: 'http', url: server.mcpUrl, headersHelper: helper};
	return {
		kind: 'headers-helper',
		title: 'Or Claude Code connects by itself and asks mcp-auth-wizard for the Authorization header (headersHelper)',
		format: 'shell',
		text: `${shellLine(['claude', 'mcp', 'add-json', '--scope', 'user', name, JSON.stringify(entry)])}\n`,
		where: 'Run this in a terminal.',
		notes: [
			`Claude Code runs \`mcp-auth-wizard token ${shellQuote(server.name)} --header-json\` at each connection, and again after a 401 or 403; it prints a fresh access token, refreshed here when needed.`,
			`The helper has 10 seconds and no browser: when the login here can no longer be renewed, run \`mcp-auth-wizard reauthorize ${shellQuote(server.name)}\`.`,
		],
	};
}

// ---- The target logs in by itself, with the client registered here.

/** A saved server that has a client to export. */
type ServerWithClient = ExportSource & {readonly client: ClientCredentials};

/**
 * What to say about the redirect URI the target sends: nothing when it is registered; else how to
 * register it here (`reauthorize --redirect-uri` registers a client that holds it too).
 */
function redirectNote(server: ServerWithClient, client: string, uris: readonly string[], fallback: string): string[] {
	const registered = registeredRedirectUris(server.registration);
	const missing = uris.filter(uri => !registered.includes(uri));
	if (missing.length === 0) return [];
	if (server.client.source !== 'registration') {
		return [`This client was not registered by mcp-auth-wizard (${server.client.source}), so its redirect URIs are not known here: ${client} sends ${missing.join(' and ')}, which must be registered for it at the provider.`];
	}

	const flags = missing.map(uri => `--redirect-uri ${shellQuote(uri)}`).join(' ');
	return [
		`${client} sends the redirect URI ${missing.join(' and ')}, which is not registered for this client (it has ${registered.join(', ') || 'none'}), so the login would be refused: register a client that has it with \`mcp-auth-wizard reauthorize ${shellQuote(server.name)} ${flags}\`, then export again; ${fallback}.`,
	];
}

function notLoopbackNote(redirect: RegisteredRedirect, client: string): string {
	return `The registered redirect URI ${redirect.uri} is not an http loopback URI, which ${client} cannot listen on: the login will fail with this client.`;
}

/** Codex's per-server callback ID: base64url of the first 9 bytes of SHA-256 of the MCP URL without its fragment. */
export function codexCallbackId(mcpUrl: string): string {
	const url = new URL(mcpUrl);
	url.hash = '';
	return createHash('sha256').update(url.href).digest().subarray(0, 9).toString('base64url');
}

const ownLoginTitle = (client: string) => `Or ${client} logs in by itself, with the client registered here (its own tokens)`;

/**
 * Codex: `~/.codex/config.toml`, one `[mcp_servers.<name>]` table.
 * Sources: https://developers.openai.com/codex/config-file/config-reference (mcp_servers.<id>.url,
 * .scopes, .oauth_resource, .oauth.client_id, .oauth.callback_port, .oauth.callback_url; checked
 * against the key list of codex-cli 0.160.0); https://developers.openai.com/codex/mcp (OAuth, scope
 * preference); openai/codex PR #22575 (oauth.client_id, May 2026); openai/codex
 * codex-rs/rmcp-client/src/perform_oauth_login.rs (redirect http://127.0.0.1:PORT/callback plus
 * "/<callback ID>", callback_id_from_server_url). Codex documents no client secret setting.
 */
function codexOwnLogin(server: ServerWithClient, file: string): ExportForm {
	const name = configName(server.name);
	const redirect = registeredRedirect(server);
	const callbackId = codexCallbackId(server.mcpUrl);
	const table = `mcp_servers.${name}`;
	const oauth: Record<string, unknown> = {client_id: server.client.clientId};
	const notes = nameNotes(server, name);
	if (!redirect) {
		notes.push(...redirectNote(server, 'Codex', [`http://127.0.0.1:<port>/callback/${callbackId}`], 'or delete the oauth table so that Codex registers its own client'));
	} else if (!redirect.loopback) {
		notes.push(notLoopbackNote(redirect, 'Codex'));
	} else {
		oauth['callback_port'] = redirect.port;
		oauth['callback_url'] = redirect.uri;
		// The docs: a pre-registered client reuses callback_url when issuer identification (RFC 9207) is
		// supported; otherwise Codex appends the callback ID to its default callback.
		const issuerIdentification = server.authorizationServer.authorization_response_iss_parameter_supported === true;
		const codexUri = issuerIdentification ? redirect.uri : `http://127.0.0.1:${redirect.port}/callback/${callbackId}`;
		if (codexUri !== redirect.uri) notes.push(`Codex appends a per-server callback ID to its redirect URI unless the authorization server supports RFC 9207 issuer identification, which this one does not advertise.`);
		notes.push(...redirectNote(server, 'Codex', [codexUri], `or delete the [${table}.oauth] table so that Codex registers its own client`), `Port ${redirect.port} must be free when you log in from Codex.`);
	}

	if (server.client.clientSecret !== undefined) {
		notes.push(`This client has a client secret, and Codex documents no setting for one (only oauth.client_id), so its token request will fail: delete the [${table}.oauth] table so that Codex registers its own client. ${secretWhere}`);
	}

	if (server.scopes.length > 0) {
		notes.push(`Codex's MCP docs say it prefers the scopes the server advertises (scopes_supported) to \`scopes\`: check that the consent page asks for ${scopeText(server)}.`);
	}

	notes.push(
		`The [${table}.oauth] keys need a recent Codex (oauth.client_id came in May 2026; checked against codex-cli 0.160.0); an older one does not use them.`,
		`Then log in: codex mcp login ${name} (Codex keeps its own tokens).`,
	);
	const entry = {url: server.mcpUrl, ...(server.scopes.length > 0 ? {scopes: [...server.scopes]} : {}), oauth_resource: server.resource, oauth};
	return {kind: 'own-login', title: ownLoginTitle('Codex'), format: 'toml', text: toml.stringify({mcp_servers: {[name]: entry}}), where: `${file} (or .codex/config.toml in a trusted project): add these tables.`, notes};
}

/**
 * Claude Code: `claude mcp add-json <name> '<json>'`, the JSON being the `.mcp.json` server entry.
 * Source: https://code.claude.com/docs/en/mcp ("Use a fixed OAuth callback port", "Use
 * pre-configured OAuth credentials": --client-secret and MCP_CLIENT_SECRET, redirect URI
 * http://localhost:PORT/callback; "Add MCP servers from JSON configuration"; "Restrict OAuth
 * scopes": oauth.scopes, a space-separated string; docs as of Claude Code 2.1.x, mid-2026).
 * anthropics/claude-code issue #66511: host and path of the redirect URI are fixed, only the port is
 * configurable. Claude Code documents no setting for the RFC 8707 resource.
 */
function claudeCodeOwnLogin(server: ServerWithClient): ExportForm {
	const name = configName(server.name);
	const redirect = registeredRedirect(server);
	const port = redirect?.loopback ? redirect.port : undefined;
	const entry = {
		type: 'http',
		url: server.mcpUrl,
		oauth: {
			clientId: server.client.clientId,
			...(port === undefined ? {} : {callbackPort: port}),
			...(server.scopes.length > 0 ? {scopes: scopeText(server)} : {}),
		},
	};
	const argv = ['claude', 'mcp', 'add-json', name, JSON.stringify(entry), ...(server.client.clientSecret === undefined ? [] : ['--client-secret'])];

	const notes = nameNotes(server, name);
	const fallback = 'or drop "clientId" from the JSON so that Claude Code registers its own client';
	if (!redirect) {
		notes.push(...redirectNote(server, 'Claude Code', ['http://localhost:<port>/callback'], fallback));
	} else if (!redirect.loopback) {
		notes.push(notLoopbackNote(redirect, 'Claude Code'));
	} else {
		// Only the port can be set: host and path are Claude Code's own.
		notes.push(...redirectNote(server, 'Claude Code', [`http://localhost:${redirect.port}/callback`], fallback), `Port ${redirect.port} must be free when you log in from Claude Code.`);
	}

	if (server.client.clientSecret !== undefined) {
		notes.push(`--client-secret makes Claude Code ask for the client secret (masked input; or set MCP_CLIENT_SECRET for the command) and keep it in the system keychain or its credentials file, not in the config. ${secretWhere}`);
	}

	notes.push('Then run /mcp in Claude Code and log in (Claude Code keeps its own tokens).');
	return {kind: 'own-login', title: ownLoginTitle('Claude Code'), format: 'shell', text: `${shellLine(argv)}\n`, where: 'Run this in a terminal (the server is added for the current project; add --scope user for all your projects).', notes};
}

/**
 * VS Code: `servers.<name>` with type "http" and url. Sources: microsoft/vscode-docs
 * docs/copilot/reference/mcp-configuration.md (HTTP servers take type, url and headers);
 * api/extension-guides/ai/mcp.md ("Authorization": dynamic client registration first, else VS Code
 * asks for a client ID and secret; redirect URLs http://127.0.0.1:33418 and https://vscode.dev/redirect).
 */
function vscodeOwnLogin(server: ServerWithClient, file: string): ExportForm {
	const name = configName(server.name);
	const config = {servers: {[name]: {type: 'http', url: server.mcpUrl}}};
	const notes = nameNotes(server, name);
	const scopes = server.scopes.length > 0 ? ` (here: ${scopeText(server)})` : '';
	notes.push(`VS Code's mcp.json has no setting for a client id, scopes${scopes} or a callback port: VS Code runs its own login and chooses the scopes itself.`);
	if (server.authorizationServer.registration_endpoint === undefined) {
		const secret = server.client.clientSecret === undefined ? '' : ' and a client secret';
		notes.push(`This authorization server has no registration endpoint, so VS Code asks for a client ID${secret}: enter ${server.client.clientId}.`);
		notes.push(...redirectNote(server, 'VS Code', ['http://127.0.0.1:33418', 'https://vscode.dev/redirect'], 'else the login will fail'));
		if (server.client.clientSecret !== undefined) notes.push(secretWhere);
	} else {
		notes.push(`This authorization server supports dynamic client registration, so VS Code registers its own client (redirect URIs http://127.0.0.1:33418 and https://vscode.dev/redirect) and does not use client ${server.client.clientId}.`);
	}

	notes.push('Then start the server (MCP: List Servers, or Start in mcp.json); VS Code opens the browser to log in and keeps its own tokens.');
	return {kind: 'own-login', title: ownLoginTitle('VS Code'), format: 'json', text: jsonSnippet(config), where: `${file}, or .vscode/mcp.json in a workspace: merge into "servers".`, notes};
}

const cursorSecretVariable = 'MCP_CLIENT_SECRET';

/**
 * Cursor: a remote `mcpServers` entry with `url` and static OAuth in `auth` (CLIENT_ID, CLIENT_SECRET,
 * scopes; ${env:NAME} expanded), redirect URI http://localhost:8787/callback for the desktop app.
 * Source: https://cursor.com/docs/mcp ("Static OAuth for remote servers", "Static redirect URL").
 */
function cursorOwnLogin(server: ServerWithClient, file: string): ExportForm {
	const name = configName(server.name);
	const hasSecret = server.client.clientSecret !== undefined;
	const auth = {CLIENT_ID: server.client.clientId, ...(hasSecret ? {CLIENT_SECRET: `\${env:${cursorSecretVariable}}`} : {}), ...(server.scopes.length > 0 ? {scopes: [...server.scopes]} : {})};
	const notes = [
		...nameNotes(server, name),
		...redirectNote(server, 'Cursor', ['http://localhost:8787/callback'], 'or drop "auth" so that Cursor registers its own client'),
		...(hasSecret ? [`CLIENT_SECRET is read from the environment variable ${cursorSecretVariable} of Cursor. ${secretWhere}`] : []),
		'Cursor has no setting for the RFC 8707 resource, and sends no headers of yours to a server that asks for OAuth.',
		'Then Cursor opens the browser to log in and keeps its own tokens.',
	];
	return {kind: 'own-login', title: ownLoginTitle('Cursor'), format: 'json', text: jsonSnippet({mcpServers: {[name]: {url: server.mcpUrl, auth}}}), where: `${file}: merge into "mcpServers".`, notes};
}

/**
 * Windsurf: a remote `mcpServers` entry with `serverUrl`; it logs in over OAuth by itself and
 * documents no setting for a client id. Source: https://docs.windsurf.com/windsurf/cascade/mcp.
 */
function windsurfOwnLogin(server: ServerWithClient, file: string): ExportForm {
	const name = configName(server.name);
	const registers = server.authorizationServer.registration_endpoint === undefined
		? `Windsurf documents no setting for a client id, and this authorization server has no registration endpoint: its login will likely fail, so use the proxy.`
		: `Windsurf documents no setting for a client id or scopes: it registers its own client (not ${server.client.clientId}) and chooses the scopes itself.`;
	return {
		kind: 'own-login',
		title: ownLoginTitle('Windsurf'),
		format: 'json',
		text: jsonSnippet({mcpServers: {[name]: {serverUrl: server.mcpUrl}}}),
		where: `${file}: merge into "mcpServers".`,
		notes: [...nameNotes(server, name), registers, 'Then Windsurf opens the browser to log in and keeps its own tokens.'],
	};
}

/** mcp-remote's own paths on the callback server (it refuses them as --callback-path). */
const mcpRemoteReservedPaths = new Set(['/wait-for-auth', '/.mcp-remote/id']);
const mcpRemoteSecretVariable = 'MCP_REMOTE_CLIENT_SECRET';

/**
 * mcp-remote: an `mcpServers` entry that runs `npx mcp-remote <url> <port> ...`, for MCP clients
 * that only start local commands. Sources: the README of mcp-remote 0.15.1 on npm (repository
 * punkpeye/mcp-remote, formerly geelen/mcp-remote): "Usage" (mcpServers command/args/env), "Flags"
 * (port after the URL, --host, --callback-path, default http://localhost:<port>/oauth/callback),
 * "Multiple Instances" (--resource, the RFC 8707 resource), "Static OAuth Client Metadata" (scope,
 * token_endpoint_auth_method), "Static OAuth Client Information" (client_id, client_secret;
 * "${ENV_VAR}" placeholders expanded from the environment), checked against its dist/ code.
 */
function mcpRemoteOwnLogin(server: ServerWithClient, where: string): ExportForm {
	const name = configName(server.name);
	const redirect = registeredRedirect(server);
	const hasSecret = server.client.clientSecret !== undefined;
	const args = ['-y', 'mcp-remote@latest', server.mcpUrl];
	const notes = nameNotes(server, name);
	if (!redirect) {
		notes.push(...redirectNote(server, 'mcp-remote', ['http://localhost:<port>/oauth/callback, with a port derived from the server URL unless you put one after the URL'], 'else the login will fail'));
	} else if (!redirect.loopback) {
		notes.push(notLoopbackNote(redirect, 'mcp-remote'));
	} else {
		args.push(String(redirect.port), '--host', redirect.host);
		if (mcpRemoteReservedPaths.has(redirect.path)) {
			notes.push(`mcp-remote keeps the path ${redirect.path} for itself, so it cannot serve the registered redirect URI ${redirect.uri}: the login will fail with this client.`);
		} else {
			args.push('--callback-path', redirect.path);
		}

		notes.push(`mcp-remote listens on port ${redirect.port} for ${redirect.uri}; the port must be free, and mcp-remote fails rather than moving to another one.`);
	}

	const clientInfo = {client_id: server.client.clientId, ...(hasSecret ? {client_secret: `\${${mcpRemoteSecretVariable}}`} : {})};
	args.push('--static-oauth-client-info', JSON.stringify(clientInfo));
	// mcp-remote picks `none` when the server takes public clients: a client with a secret says how it authenticates.
	const metadata = {...(server.scopes.length > 0 ? {scope: scopeText(server)} : {}), ...(hasSecret ? {token_endpoint_auth_method: server.client.authMethod} : {})};
	if (Object.keys(metadata).length > 0) args.push('--static-oauth-client-metadata', JSON.stringify(metadata));
	args.push('--resource', server.resource);

	const entry = {command: 'npx', args, ...(hasSecret ? {env: {[mcpRemoteSecretVariable]: '<client secret: see the notes>'}} : {})};
	if (hasSecret) {
		notes.push(`client_secret is \${${mcpRemoteSecretVariable}}, which mcp-remote takes from its environment: put the secret in place of the placeholder in "env". ${secretWhere}`);
	}

	if (args.some(arg => arg.includes(' '))) {
		notes.push('Claude Desktop on Windows, Cursor and Codex do not escape spaces inside args (mcp-remote README): if the scopes arrive split, put the metadata JSON in a file and pass --static-oauth-client-metadata "@/absolute/path.json".');
	}

	notes.push(
		'--callback-path needs a recent mcp-remote (checked against 0.15.1), hence mcp-remote@latest; an older one ignores it and uses /oauth/callback.',
		'mcp-remote opens the browser to log in the first time the MCP client starts it, and keeps its own tokens in ~/.mcp-auth.',
	);
	return {kind: 'own-login', title: ownLoginTitle('mcp-remote'), format: 'json', text: jsonSnippet({mcpServers: {[name]: entry}}), where, notes};
}

function ownLogin(server: ServerWithClient, target: ExportTarget, file: string | undefined): ExportForm {
	switch (target) {
		case 'codex': {
			return codexOwnLogin(server, file!);
		}

		case 'claude-code': {
			return claudeCodeOwnLogin(server);
		}

		case 'vscode': {
			return vscodeOwnLogin(server, file!);
		}

		case 'cursor': {
			return cursorOwnLogin(server, file!);
		}

		case 'windsurf': {
			return windsurfOwnLogin(server, file!);
		}

		// Claude Desktop starts only local commands from its file: mcp-remote is its way to a remote server.
		case 'claude-desktop':
		case 'mcp-remote': {
			return mcpRemoteOwnLogin(server, file === undefined ? 'The "mcpServers" of an MCP client that starts local commands: merge into it.' : `${file}: merge into "mcpServers".`);
		}
	}
}

/** Every way to use this login from the target, the proxy first. */
export function exportConfig(server: ExportSource, target: ExportTarget, options: ExportOptions): ExportResult {
	const lead = proxyForm(server, target, options);
	const {client} = server;
	// Logins that are not a user's in a browser: no other client can make them with this client.
	const notOwn = server.grant !== undefined;
	const alternatives = [
		...(target === 'claude-code' ? [headersHelperForm(server, options.launcher)] : []),
		...(client && !notOwn ? [ownLogin({...server, client}, target, lead.entry.file)] : []),
	];
	const missing = server.grant === 'client_credentials'
		? `This login is a client acting as itself (client credentials): only mcp-auth-wizard gets its tokens, so there is no way for ${clientNames[target]} to log in by itself with it.`
		: server.grant === 'jwt-bearer'
			? `This login is an enterprise one (an ID-JAG from the identity provider): only mcp-auth-wizard gets its tokens, so there is no way for ${clientNames[target]} to log in by itself with it.`
			: `The other way, ${clientNames[target]} logging in by itself with the client registered here, needs a client: this login's registration was forgotten.`;
	const notes = client && !notOwn ? lead.notes : [...lead.notes, missing];
	return {...lead, notes, target, alternatives};
}
