import type {ClientCredentials} from './client.js';
import {WizardError} from './errors.js';
import {createHash} from 'node:crypto';
import type {AuthorizationServerMetadata} from './metadata.js';
import type {RegistrationRequest} from './registration.js';

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
};
import {isLoopbackHost} from './urls.js';

/*
 * Configuration for other MCP clients, with the client registered here (client id, scopes, redirect
 * URI). Every key and flag below is one the target documents; what a target cannot express goes into
 * a note instead of an invented setting. Pure: no I/O.
 */

export const exportTargets = ['codex', 'claude-code', 'vscode', 'mcp-remote'] as const;
export type ExportTarget = (typeof exportTargets)[number];

export type ExportResult = {
	readonly target: ExportTarget;
	/** The configuration snippet or command, exactly as the user pastes it. */
	readonly text: string;
	/** The language of `text` for display: 'toml' | 'json' | 'shell'. */
	readonly format: 'toml' | 'json' | 'shell';
	/** One line: where to put it (file path, or "run this in a terminal"). */
	readonly where: string;
	/** Anything the user must know (e.g. the client secret is not printed; the port must be free; the target client lacks a setting for scopes so it asks for X). */
	readonly notes: readonly string[];
};

/** A saved server that has a client to export. */
type ServerWithClient = ExportSource & {readonly client: ClientCredentials};

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

const stringList = (value: unknown): readonly string[] | undefined => (Array.isArray(value) && value.every(item => typeof item === 'string') ? value : undefined);

/**
 * The registered redirect URI: the registration answer's `redirect_uris` (what counts, RFC 7591
 * 3.2.1), else the request's; the first http loopback one if there are several. Undefined for a
 * client registered elsewhere (--client-id), whose redirect URIs are not known here.
 */
export function registeredRedirect(server: ExportSource): RegisteredRedirect | undefined {
	const registration = server.registration;
	if (!registration) return undefined;
	const answered = stringList(registration.response['redirect_uris']);
	const uris = answered && answered.length > 0 ? answered : (registration.request.redirect_uris ?? []);
	const parsed = uris.filter(uri => URL.canParse(uri)).map(uri => ({uri, url: new URL(uri)}));
	const isLoopback = (url: URL) => url.protocol === 'http:' && isLoopbackHost(url.hostname);
	const chosen = parsed.find(({url}) => isLoopback(url)) ?? parsed[0];
	if (!chosen) return undefined;
	const {uri, url} = chosen;
	return {uri, host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), path: url.pathname, loopback: isLoopback(url)};
}

/** A server name every target takes (Codex and Claude Code refuse names other than letters, digits, - and _). */
function configName(name: string): string {
	const safe = name.replaceAll(/[^\w-]+/g, '-').replaceAll(/^-+|-+$/g, '');
	return safe === '' ? 'mcp-server' : safe;
}

function nameNotes(server: ExportSource, name: string, why: string): string[] {
	return name === server.name ? [] : [`The saved name "${server.name}" is "${name}" here: ${why}.`];
}

const namesRefused = (client: string) => `${client} takes only letters, digits, "-" and "_" in server names`;

const secretWhere = 'The secret is not printed: it is client.clientSecret in the saved-server store, the file that `mcp-auth-wizard list --json` shows as storePath.';

const scopeText = (server: ExportSource) => server.scopes.join(' ');

function unknownRedirectNote(server: ServerWithClient, client: string, uri: string): string {
	return `This client was not registered by mcp-auth-wizard (${server.client.source}), so its redirect URIs are not known here: ${client} will send ${uri}, which must be registered for it.`;
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

/** A TOML basic string: JSON's escapes are TOML's, and TOML also wants DEL escaped (TOML 1.0, "String"). */
function tomlString(value: string): string {
	return JSON.stringify(value).replaceAll('\u007F', String.raw`\u007F`);
}

/**
 * Codex: `~/.codex/config.toml`, one `[mcp_servers.<name>]` table.
 * Sources: https://developers.openai.com/codex/config-file/config-reference (mcp_servers.<id>.url,
 * .scopes, .oauth_resource, .oauth.client_id, .oauth.callback_port, .oauth.callback_url; checked
 * against the key list of codex-cli 0.160.0); https://developers.openai.com/codex/mcp (OAuth, scope
 * preference); openai/codex PR #22575 (oauth.client_id, May 2026); openai/codex
 * codex-rs/rmcp-client/src/perform_oauth_login.rs (redirect http://127.0.0.1:PORT/callback plus
 * "/<callback ID>", callback_id_from_server_url). Codex documents no client secret setting.
 */
function codex(server: ServerWithClient): ExportResult {
	const name = configName(server.name);
	const redirect = registeredRedirect(server);
	const callbackId = codexCallbackId(server.mcpUrl);
	const table = `mcp_servers.${name}`;
	const lines = [`[${table}]`, `url = ${tomlString(server.mcpUrl)}`];
	if (server.scopes.length > 0) lines.push(`scopes = [${server.scopes.map(scope => tomlString(scope)).join(', ')}]`);
	lines.push(`oauth_resource = ${tomlString(server.resource)}`, '', `[${table}.oauth]`, `client_id = ${tomlString(server.client.clientId)}`);

	const notes = nameNotes(server, name, namesRefused('Codex'));
	if (!redirect) {
		notes.push(unknownRedirectNote(server, 'Codex', `http://127.0.0.1:<port>/callback/${callbackId}`));
	} else if (!redirect.loopback) {
		notes.push(notLoopbackNote(redirect, 'Codex'));
	} else {
		lines.push(`callback_port = ${redirect.port}`, `callback_url = ${tomlString(redirect.uri)}`);
		// The docs: a pre-registered client reuses callback_url when issuer identification (RFC 9207) is
		// supported; otherwise Codex appends the callback ID to its default callback.
		const issuerIdentification = server.authorizationServer.authorization_response_iss_parameter_supported === true;
		const codexUri = issuerIdentification ? redirect.uri : `http://127.0.0.1:${redirect.port}/callback/${callbackId}`;
		if (codexUri !== redirect.uri) {
			notes.push(
				`Codex will send the redirect URI ${codexUri}, not the registered ${redirect.uri}: it appends a per-server callback ID unless the authorization server supports RFC 9207 issuer identification, which this one does not advertise. The server will refuse that login, and mcp-auth-wizard can only register http://127.0.0.1:<port>/callback: register ${codexUri} for this client, or delete the [${table}.oauth] table so that Codex registers its own client.`,
			);
		}

		notes.push(`Port ${redirect.port} must be free when you log in from Codex.`);
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
	return {target: 'codex', format: 'toml', text: `${lines.join('\n')}\n`, where: '~/.codex/config.toml (or .codex/config.toml in a trusted project): add these tables.', notes};
}

/** One argv word for a POSIX shell: as it is when it is plain, else single-quoted. */
function shellQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", String.raw`'\''`)}'`;
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
function claudeCode(server: ServerWithClient): ExportResult {
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

	const notes = nameNotes(server, name, namesRefused('Claude Code'));
	if (!redirect) {
		notes.push(unknownRedirectNote(server, 'Claude Code', 'http://localhost:<port>/callback (oauth.callbackPort fixes the port)'));
	} else if (!redirect.loopback) {
		notes.push(notLoopbackNote(redirect, 'Claude Code'));
	} else {
		const claudeUri = `http://localhost:${redirect.port}/callback`;
		if (claudeUri !== redirect.uri) {
			notes.push(
				`Claude Code always sends the redirect URI http://localhost:<port>/callback (only the port can be set), here ${claudeUri}, not the registered ${redirect.uri}. An authorization server that compares redirect URIs exactly will refuse the login, and mcp-auth-wizard cannot register that URI: then drop "clientId" from the JSON so that Claude Code registers its own client.`,
			);
		}

		notes.push(`Port ${redirect.port} must be free when you log in from Claude Code.`);
	}

	if (server.client.clientSecret !== undefined) {
		notes.push(`--client-secret makes Claude Code ask for the client secret (masked input; or set MCP_CLIENT_SECRET for the command) and keep it in the system keychain or its credentials file, not in the config. ${secretWhere}`);
	}

	notes.push('Then run /mcp in Claude Code and log in (Claude Code keeps its own tokens).');
	return {target: 'claude-code', format: 'shell', text: `${argv.map(word => shellQuote(word)).join(' ')}\n`, where: 'Run this in a terminal (the server is added for the current project; add --scope user for all your projects).', notes};
}

/**
 * VS Code: `.vscode/mcp.json` or the user `mcp.json`, `servers.<name>` with type "http" and url.
 * Sources: microsoft/vscode-docs docs/copilot/reference/mcp-configuration.md (DateApproved
 * 5/20/2026: HTTP servers take type, url and headers; no OAuth settings); api/extension-guides/ai/mcp.md
 * ("Authorization": dynamic client registration first, else VS Code asks for a client ID and
 * secret; redirect URLs http://127.0.0.1:33418 and https://vscode.dev/redirect).
 */
function vscode(server: ServerWithClient): ExportResult {
	const name = configName(server.name);
	const redirect = registeredRedirect(server);
	const config = {servers: {[name]: {type: 'http', url: server.mcpUrl}}};
	const notes = nameNotes(server, name, 'VS Code asks for server names without special characters');
	const scopes = server.scopes.length > 0 ? ` (here: ${scopeText(server)})` : '';
	notes.push(`VS Code's mcp.json has no setting for a client id, scopes${scopes} or a callback port: VS Code runs its own login and chooses the scopes itself.`);
	const registered = redirect ? `only ${redirect.uri} is registered for it` : 'its registered redirect URIs are not known here';
	if (server.authorizationServer.registration_endpoint === undefined) {
		const secret = server.client.clientSecret === undefined ? '' : ' and a client secret';
		notes.push(
			`This authorization server has no registration endpoint, so VS Code asks for a client ID${secret}: enter ${server.client.clientId}. VS Code's redirect URIs are http://127.0.0.1:33418 and https://vscode.dev/redirect, and ${registered}: unless those are registered for the client at the provider, the login will fail.`,
		);
		if (server.client.clientSecret !== undefined) notes.push(secretWhere);
	} else {
		notes.push(`This authorization server supports dynamic client registration, so VS Code registers its own client (redirect URIs http://127.0.0.1:33418 and https://vscode.dev/redirect) and does not use client ${server.client.clientId}.`);
	}

	notes.push('Then start the server (MCP: List Servers, or Start in mcp.json); VS Code opens the browser to log in and keeps its own tokens.');
	return {target: 'vscode', format: 'json', text: `${JSON.stringify(config, null, '\t')}\n`, where: '.vscode/mcp.json in the workspace, or your user mcp.json (MCP: Open User Configuration): merge into "servers".', notes};
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
function mcpRemote(server: ServerWithClient): ExportResult {
	const name = configName(server.name);
	const redirect = registeredRedirect(server);
	const hasSecret = server.client.clientSecret !== undefined;
	const args = ['-y', 'mcp-remote@latest', server.mcpUrl];
	const notes = nameNotes(server, name, 'the same name as for the other clients, without special characters');
	if (!redirect) {
		notes.push(unknownRedirectNote(server, 'mcp-remote', 'http://localhost:<port>/oauth/callback, with a port derived from the server URL unless you put one after the URL'));
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
	return {
		target: 'mcp-remote',
		format: 'json',
		text: `${JSON.stringify({mcpServers: {[name]: entry}}, null, '\t')}\n`,
		where: 'The "mcpServers" of an MCP client that starts local commands (Claude Desktop: claude_desktop_config.json; Cursor: ~/.cursor/mcp.json; Windsurf: ~/.codeium/windsurf/mcp_config.json).',
		notes,
	};
}

export function exportConfig(saved: ExportSource, target: ExportTarget): ExportResult {
	const {client} = saved;
	if (!client) {
		throw new WizardError('client', `${saved.name} has no client: its registration was forgotten`, `Re-authorize it first (mcp-auth-wizard reauthorize ${saved.name}), then export.`);
	}

	const server = {...saved, client};
	switch (target) {
		case 'codex': {
			return codex(server);
		}

		case 'claude-code': {
			return claudeCode(server);
		}

		case 'vscode': {
			return vscode(server);
		}

		case 'mcp-remote': {
			return mcpRemote(server);
		}
	}
}
