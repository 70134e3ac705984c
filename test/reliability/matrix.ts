import {chmodSync, chownSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {type CliRun, scriptedBrowser} from '../helpers/run-cli.js';
import {type SavedServerFixture, fastmailServer} from '../helpers/saved-servers.js';
import {json, rawFaults, type RawRoute, text, type CallbackOverrides} from './servers.js';

// The reliability matrix: every way a login goes wrong that a user meets, each with what
// they see (step, message, hint), the exit code with --json, and what the saved servers hold after.
// matrix.test.ts runs every case through the built CLI; readme.md's Troubleshooting section is
// rendered from this table and the expectations it recorded (expected.json).

export const areas = ['What you type', 'The network', 'What servers answer', 'OAuth and MCP', 'You', 'The saved servers'] as const;
export type Area = (typeof areas)[number];

/**
 * What the store holds afterwards. Every case starts with one saved server ("fastmail"); `unchanged`
 * means the file is byte for byte as before.
 */
export type StoreAfter =
	| 'unchanged'
	| 'the new server saved'
	| 'the new server saved, its check failed'
	| 'both new servers saved'
	| 'tokens cleared, client kept'
	| 'moved aside, the user told where'
	| 'tightened to 0600 in 0700, the user told';

export type CaseTools = {
	/** The store directory, seeded with one saved server. */
	readonly home: string;
	/** Runs the built CLI with this store, no browser unless `env` names one. */
	cli(args: readonly string[], env?: Record<string, string>): Promise<CliRun>;
	/** A server of our own whose routes misbehave; closed after the case. */
	server(routes: (origin: string) => Record<string, RawRoute>, options?: {readonly tls?: boolean}): Promise<{readonly origin: string; close(): Promise<void>}>;
	/** A whole MCP server with its authorization server (see oauthChain), one step broken. */
	chain(overrides?: Record<string, RawRoute>, callback?: CallbackOverrides): Promise<{readonly origin: string; readonly mcpUrl: string; close(): Promise<void>}>;
	/** The embedded sandbox with a fault; closed after the case. */
	sandbox(faults: Record<string, boolean>): Promise<{readonly mcpUrl: string}>;
	/** Adds a saved server to the seeded store. */
	saveServer(server: SavedServerFixture): void;
	/** A port nothing listens on. */
	closedPort(): Promise<number>;
	/** A port something else holds until the case ends. */
	busyPort(): Promise<number>;
	/** Runs the CLI and sends it SIGINT once its stderr shows `when`; resolves with the run. */
	interrupt(args: readonly string[], when: RegExp, env?: Record<string, string>): Promise<CliRun>;
	/** Runs the CLI as a user other than root (root ignores file permissions), or as this user. */
	cliAsUser(args: readonly string[]): Promise<CliRun>;
};

export type MatrixCase = {
	/** Key into expected.json. */
	readonly id: string;
	readonly area: Area;
	readonly situation: string;
	/** The command as the readme shows it. */
	readonly command: string;
	readonly run: (tools: CaseTools) => Promise<CliRun>;
	readonly store: StoreAfter;
	/** Text that must not appear anywhere in the output (a password typed into the URL, say). */
	readonly never?: readonly string[];
	/** What the user sees when the command succeeds (a failure shows its error's message). */
	readonly seen?: (run: CliRun) => string;
};

/** The notices about the store a command printed on stderr, one per line. */
const storeNotices = (run: CliRun) => run.stderr.split('\n').filter(line => line.includes('saved servers')).join(' ');

const seedName = 'fastmail';
const noBrowser = {BROWSER: '/bin/true'};

/** `login --json` without the MCP check, with a browser wait of 10 s unless the case sets one. */
const login = (url: string, ...flags: string[]) => ['login', url, '--json', '--no-verify', ...(flags.includes('--timeout') ? [] : ['--timeout', '10s']), ...flags];

/** A server as saved after a login to a chain at `origin`, whose tokens have just expired. */
export function chainServer(origin: string): SavedServerFixture {
	const past = new Date(Date.now() - 2 * 3600 * 1000).toISOString();
	return fastmailServer({
		name: 'chain',
		mcpUrl: `${origin}/mcp`,
		resource: `${origin}/mcp`,
		issuer: origin,
		authorizationServer: {issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, code_challenge_methods_supported: ['S256']},
		client: {clientId: 'chain-client', authMethod: 'none', source: 'registration'},
		registration: undefined,
		scopes: ['mcp', 'offline_access'],
		tokens: {accessToken: 'chain-old-access-token-0123', tokenType: 'Bearer', refreshToken: 'chain-old-refresh-token-0123', expiresAt: past, scope: 'mcp offline_access', obtainedAt: past},
	});
}

const registrationRefusal = (error: string, description: string): MatrixCase => ({
	id: `registration-${error}`,
	area: 'OAuth and MCP',
	situation: `Registration refused: \`${error}\` (RFC 7591 3.2.2)`,
	command: 'login <url>',
	run: async ({chain, cli}) => cli(login((await chain({'/register': json(400, {error, error_description: description})})).mcpUrl)),
	store: 'unchanged',
});

export const matrix: readonly MatrixCase[] = [
	// What you type.
	{id: 'not-a-url', area: 'What you type', situation: 'Not a URL', command: 'login "mcp example"', run: async ({cli}) => cli(login('mcp example')), store: 'unchanged'},
	{id: 'other-scheme', area: 'What you type', situation: 'A scheme other than http(s)', command: 'login ftp://mcp.example.com/mcp', run: async ({cli}) => cli(login('ftp://mcp.example.com/mcp')), store: 'unchanged'},
	{id: 'plain-http', area: 'What you type', situation: 'Plain http to a host that is not this machine', command: 'login http://mcp.example.com/mcp', run: async ({cli}) => cli(login('http://mcp.example.com/mcp')), store: 'unchanged'},
	{id: 'fragment', area: 'What you type', situation: 'A URL with a fragment', command: 'login https://mcp.example.com/mcp#tools', run: async ({cli}) => cli(login('https://mcp.example.com/mcp#tools')), store: 'unchanged'},
	{
		id: 'credentials',
		area: 'What you type',
		situation: 'A URL with a user name and password in it',
		command: 'login https://me:secret@mcp.example.com/mcp',
		run: async ({cli}) => cli(login('https://me:hunter2-secret@mcp.example.com/mcp')),
		store: 'unchanged',
		never: ['hunter2-secret'],
	},
	{
		id: 'website',
		area: 'What you type',
		situation: 'The service\'s website instead of its MCP URL',
		command: 'discover <url>',
		run: async ({cli, server}) => cli(['discover', `${(await server(() => ({'/': text(200, '<!doctype html><html><head><title>Acme Mail</title></head><body>Welcome</body></html>', 'text/html')}))).origin}/`, '--json']),
		store: 'unchanged',
	},
	{id: 'unknown-server', area: 'What you type', situation: 'A saved-server name that is not saved', command: 'status nosuch', run: async ({cli}) => cli(['status', 'nosuch', '--json']), store: 'unchanged'},
	{id: 'unknown-flag', area: 'What you type', situation: 'A mistyped flag', command: 'login <url> --scope mcp', run: async ({cli}) => cli(login('https://mcp.example.com/mcp', '--scope', 'mcp')), store: 'unchanged'},
	{id: 'repeated-flag', area: 'What you type', situation: 'A flag given twice', command: 'login <url> --timeout 1m --timeout 2m', run: async ({cli}) => cli(login('https://mcp.example.com/mcp', '--timeout', '1m', '--timeout', '2m')), store: 'unchanged'},
	{id: 'bad-port', area: 'What you type', situation: 'A callback port out of range', command: 'login <url> --callback-port 99999', run: async ({cli}) => cli(login('https://mcp.example.com/mcp', '--callback-port', '99999')), store: 'unchanged'},
	{id: 'bad-timeout', area: 'What you type', situation: 'A duration that is not one', command: 'login <url> --timeout soon', run: async ({cli}) => cli(login('https://mcp.example.com/mcp', '--timeout', 'soon')), store: 'unchanged'},
	{id: 'bad-tool-arguments', area: 'What you type', situation: 'Tool arguments that are not a JSON object', command: 'verify fastmail --call search --args \'[1]\'', run: async ({cli}) => cli(['verify', seedName, '--json', '--call', 'search', '--args', '[1]']), store: 'unchanged'},
	{id: 'bad-export-target', area: 'What you type', situation: 'An export target that does not exist', command: 'export fastmail --for emacs', run: async ({cli}) => cli(['export', seedName, '--json', '--for', 'emacs']), store: 'unchanged'},

	// The network.
	{id: 'refused', area: 'The network', situation: 'Nothing listens at the URL', command: 'login <url>', run: async ({cli, closedPort}) => cli(login(`http://127.0.0.1:${await closedPort()}/mcp`)), store: 'unchanged'},
	// RFC 6761 6.4: names under .invalid never resolve, so this fails in DNS wherever it runs.
	{id: 'dns', area: 'The network', situation: 'The host name does not resolve', command: 'login https://mcp.nonexistent.invalid/mcp', run: async ({cli}) => cli(login('https://mcp.nonexistent.invalid/mcp')), store: 'unchanged'},
	{
		id: 'never-answers',
		area: 'The network',
		situation: 'The server never answers',
		command: 'login <url> --http-timeout 1s',
		run: async ({cli, server}) => cli(login(`${(await server(() => ({'/mcp': rawFaults.never}))).origin}/mcp`, '--http-timeout', '1s')),
		store: 'unchanged',
	},
	{
		id: 'stalls',
		area: 'The network',
		situation: 'The server sends headers, then stalls',
		// Long enough for the headers to arrive first on a loaded machine (two suites at once took over 1 s).
		command: 'login <url> --http-timeout 5s',
		run: async ({cli, server}) => cli(login(`${(await server(() => ({'/mcp': rawFaults.stallAfterHeaders}))).origin}/mcp`, '--http-timeout', '5s')),
		store: 'unchanged',
	},
	{
		id: 'tls',
		area: 'The network',
		situation: 'A certificate this machine does not trust',
		command: 'login https://<host>/mcp',
		run: async ({cli, server}) => cli(login(`${(await server(() => ({}), {tls: true})).origin}/mcp`)),
		store: 'unchanged',
	},
	{
		id: 'reset',
		area: 'The network',
		situation: 'The connection is reset in the middle of an answer',
		command: 'login <url>',
		run: async ({cli, server}) => cli(login(`${(await server(() => ({'/mcp': rawFaults.resetMidBody}))).origin}/mcp`)),
		store: 'unchanged',
	},

	// What servers answer.
	{
		id: 'server-error',
		area: 'What servers answer',
		situation: 'A 5xx for the resource metadata',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/.well-known/oauth-protected-resource/mcp': text(503, '<html><body>Service Unavailable</body></html>')})).mcpUrl)),
		store: 'unchanged',
	},
	{
		id: 'html',
		area: 'What servers answer',
		situation: 'An HTML page where the metadata should be',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/.well-known/oauth-authorization-server': text(200, '<!doctype html><title>Sign in</title>')})).mcpUrl)),
		store: 'unchanged',
	},
	{
		id: 'not-an-object',
		area: 'What servers answer',
		situation: 'JSON that is not an object',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/.well-known/oauth-protected-resource/mcp': json(200, ['mcp'])})).mcpUrl)),
		store: 'unchanged',
	},
	{
		id: 'ten-megabytes',
		area: 'What servers answer',
		situation: 'A 10 MB answer',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/.well-known/oauth-protected-resource/mcp': rawFaults.tenMegabytes})).mcpUrl)),
		store: 'unchanged',
	},
	{
		id: 'redirect-loop',
		area: 'What servers answer',
		situation: 'A redirect loop',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/.well-known/oauth-protected-resource/mcp': rawFaults.redirectLoop})).mcpUrl)),
		store: 'unchanged',
	},
	{
		id: 'redirect-scheme',
		area: 'What servers answer',
		situation: 'A redirect to a file: URL',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/.well-known/oauth-protected-resource/mcp': rawFaults.redirectToFile})).mcpUrl)),
		store: 'unchanged',
	},
	{
		id: 'wrong-types',
		area: 'What servers answer',
		situation: 'Metadata with a field of the wrong type',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/.well-known/oauth-authorization-server': (request, response, origin) => json(200, {issuer: origin, authorization_endpoint: 42, token_endpoint: `${origin}/token`})(request, response, origin)})).mcpUrl)),
		store: 'unchanged',
	},

	// OAuth and MCP.
	{id: 'resource-mismatch', area: 'OAuth and MCP', situation: 'The resource metadata names another resource', command: 'login <url>', run: async ({cli, sandbox}) => cli(login((await sandbox({resourceMismatch: true})).mcpUrl)), store: 'unchanged'},
	{id: 'issuer-mismatch', area: 'OAuth and MCP', situation: 'The authorization server metadata names another issuer', command: 'login <url>', run: async ({cli, sandbox}) => cli(login((await sandbox({issuerMismatch: true})).mcpUrl)), store: 'unchanged'},
	{
		id: 'plain-http-authorization-server',
		area: 'OAuth and MCP',
		situation: 'The resource metadata names an authorization server on plain http',
		command: 'login <url>',
		run: async ({chain, cli}) =>
			cli(login((await chain({'/.well-known/oauth-protected-resource/mcp': (request, response, origin) => json(200, {resource: `${origin}/mcp`, authorization_servers: ['http://auth.example.invalid']})(request, response, origin)})).mcpUrl)),
		store: 'unchanged',
	},
	{id: 'no-s256', area: 'OAuth and MCP', situation: 'The authorization server does not support PKCE S256', command: 'login <url>', run: async ({cli, sandbox}) => cli(login((await sandbox({noS256: true})).mcpUrl)), store: 'unchanged'},
	{
		id: 'registration-no-scope',
		area: 'OAuth and MCP',
		situation: 'Registration refused without a scope (Fastmail, the seed bug)',
		command: 'login <url> --scopes ""',
		run: async ({cli, sandbox}) => cli(login((await sandbox({})).mcpUrl, '--scopes', '')),
		store: 'unchanged',
	},
	registrationRefusal('invalid_redirect_uri', 'redirect_uris must use https'),
	registrationRefusal('invalid_client_metadata', 'grant_types not allowed'),
	registrationRefusal('invalid_software_statement', 'software_statement is malformed'),
	registrationRefusal('unapproved_software_statement', 'software_statement not approved'),
	{
		id: 'registration-not-json',
		area: 'OAuth and MCP',
		situation: 'Registration refused with a body that is not JSON',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/register': text(500, '<html><body>Internal Server Error</body></html>')})).mcpUrl)),
		store: 'unchanged',
	},
	{
		id: 'denied',
		area: 'OAuth and MCP',
		situation: 'You deny the login in the browser',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({}, {code: null, error: 'access_denied', error_description: 'The user denied the request'})).mcpUrl), {BROWSER: scriptedBrowser}),
		store: 'unchanged',
	},
	{
		id: 'wrong-state',
		area: 'OAuth and MCP',
		situation: 'A callback with a state that is not this login\'s (an old tab), and no other',
		command: 'login <url> --timeout 2s',
		run: async ({chain, cli}) => cli(login((await chain({}, {state: 'forged-state'})).mcpUrl, '--timeout', '2s'), {BROWSER: scriptedBrowser}),
		store: 'unchanged',
	},
	{
		id: 'missing-state',
		area: 'OAuth and MCP',
		situation: 'A callback without a state, and no other',
		command: 'login <url> --timeout 2s',
		run: async ({chain, cli}) => cli(login((await chain({}, {state: null})).mcpUrl, '--timeout', '2s'), {BROWSER: scriptedBrowser}),
		store: 'unchanged',
	},
	{
		id: 'no-callback',
		area: 'OAuth and MCP',
		situation: 'The browser never comes back (closed, or the login abandoned)',
		command: 'login <url> --timeout 1s',
		run: async ({chain, cli}) => cli(login((await chain()).mcpUrl, '--timeout', '1s'), noBrowser),
		store: 'unchanged',
	},
	{
		id: 'port-in-use',
		area: 'OAuth and MCP',
		situation: 'The callback port is in use',
		command: 'login <url> --callback-port <busy port>',
		run: async ({busyPort, chain, cli}) => cli(login((await chain()).mcpUrl, '--callback-port', String(await busyPort())), noBrowser),
		store: 'unchanged',
	},
	{
		id: 'invalid-grant',
		area: 'OAuth and MCP',
		situation: 'The token endpoint answers `invalid_grant`',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/token': json(400, {error: 'invalid_grant', error_description: 'authorization code expired'})})).mcpUrl), {BROWSER: scriptedBrowser}),
		store: 'unchanged',
	},
	{
		id: 'no-access-token',
		area: 'OAuth and MCP',
		situation: 'A token response without `access_token`',
		command: 'login <url>',
		run: async ({chain, cli}) => cli(login((await chain({'/token': json(200, {token_type: 'Bearer', expires_in: 3600})})).mcpUrl), {BROWSER: scriptedBrowser}),
		store: 'unchanged',
	},
	{
		id: 'refresh-revoked',
		area: 'OAuth and MCP',
		situation: 'The refresh token was revoked',
		command: 'refresh <server>',
		run: async ({chain, cli, saveServer}) => {
			const {origin} = await chain({'/token': json(400, {error: 'invalid_grant', error_description: 'refresh token revoked'})});
			saveServer(chainServer(origin));
			return cli(['refresh', 'chain', '--json']);
		},
		store: 'tokens cleared, client kept',
	},
	{
		id: 'refresh-unreachable',
		area: 'OAuth and MCP',
		situation: 'A refresh while the authorization server is down',
		command: 'refresh <server>',
		run: async ({cli, closedPort, saveServer}) => {
			saveServer(chainServer(`http://127.0.0.1:${await closedPort()}`));
			return cli(['refresh', 'chain', '--json']);
		},
		store: 'unchanged',
	},
	{
		id: 'mcp-rejects-token',
		area: 'OAuth and MCP',
		situation: 'The MCP server rejects the token it just got',
		command: 'login <url>',
		run: async ({chain, cli}) => {
			// Unauthenticated requests get the usual challenge; any token gets invalid_token (RFC 6750 3.1).
			const mcp: RawRoute = (request, response, origin) =>
				json(401, {error: 'invalid_token'}, {'www-authenticate': request.headers.authorization ? 'Bearer error="invalid_token", error_description="token not accepted"' : `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`})(request, response, origin);
			const {mcpUrl} = await chain({'/mcp': mcp});
			return cli(login(mcpUrl).filter(flag => flag !== '--no-verify'), {BROWSER: scriptedBrowser});
		},
		store: 'the new server saved, its check failed',
	},

	// You.
	{
		id: 'ctrl-c-login',
		area: 'You',
		situation: 'Ctrl-C while the login waits for the browser',
		command: 'login <url>',
		run: async ({chain, interrupt}) => interrupt(login((await chain()).mcpUrl), /Open this URL in a browser/, noBrowser),
		store: 'unchanged',
	},

	// The saved servers.
	{
		id: 'store-corrupt',
		area: 'The saved servers',
		situation: 'The store file is not valid JSON',
		command: 'list',
		run: async ({cli, home}) => {
			writeFileSync(join(home, 'servers.json'), '{"version": 1, "servers": {"https://x.example/mcp": {"name": "x"');
			return cli(['list', '--json']);
		},
		seen: storeNotices,
		store: 'moved aside, the user told where',
	},
	{
		id: 'store-unreadable',
		area: 'The saved servers',
		situation: 'The store file cannot be read (a directory in its place)',
		command: 'list',
		run: async ({cli, home}) => {
			rmSync(join(home, 'servers.json'));
			mkdirSync(join(home, 'servers.json'));
			return cli(['list', '--json']);
		},
		seen: storeNotices,
		store: 'moved aside, the user told where',
	},
	{
		id: 'store-read-only-file',
		area: 'The saved servers',
		situation: 'The store file is read-only',
		command: 'rename fastmail fm',
		run: async ({cli, home}) => {
			chmodSync(join(home, 'servers.json'), 0o400);
			return cli(['rename', seedName, 'fm', '--json']);
		},
		store: 'unchanged',
	},
	{
		id: 'store-read-only-directory',
		area: 'The saved servers',
		situation: 'The store directory is read-only',
		command: 'rename fastmail fm',
		run: async ({cliAsUser, home}) => {
			ownedByTestUser(home);
			ownedByTestUser(join(home, 'servers.json'));
			chmodSync(home, 0o500);
			return cliAsUser(['rename', seedName, 'fm', '--json']);
		},
		store: 'unchanged',
	},
	{
		id: 'store-too-open',
		area: 'The saved servers',
		situation: 'The store file is readable by others',
		command: 'list',
		run: async ({cli, home}) => {
			chmodSync(home, 0o755);
			chmodSync(join(home, 'servers.json'), 0o644);
			return cli(['list', '--json']);
		},
		seen: storeNotices,
		store: 'tightened to 0600 in 0700, the user told',
	},
	{
		id: 'store-newer',
		area: 'The saved servers',
		situation: 'The store was written by a newer version',
		command: 'rename fastmail fm',
		run: async ({cli, home}) => {
			const seed = fastmailServer();
			writeFileSync(join(home, 'servers.json'), JSON.stringify({version: 99, servers: {[seed.mcpUrl]: seed}, storedBy: 'a newer mcp-auth-wizard'}), {mode: 0o600});
			return cli(['rename', seedName, 'fm', '--json']);
		},
		store: 'unchanged',
	},
	{
		id: 'store-two-at-once',
		area: 'The saved servers',
		situation: 'Two logins save at the same moment',
		command: 'login <url> (twice at once)',
		run: async ({chain, cli}) => {
			const [first, second] = await Promise.all([chain(), chain()]);
			const runs = await Promise.all([first, second].map(async ({mcpUrl}, index) => cli(login(mcpUrl, '--name', ['one', 'two'][index]!), {BROWSER: scriptedBrowser})));
			// One outcome for the table: the second run's, after checking that the first agrees.
			return runs[0]!.code === runs[1]!.code ? runs[1]! : runs[0]!;
		},
		seen: run => `Logged in; saved as "${(JSON.parse(run.stdout) as {server: {name: string}}).server.name}"`,
		store: 'both new servers saved',
	},
];

/** The unprivileged user root runs a case as, so that file permissions count. */
export const testUser = {uid: 65_534, gid: 65_534};

export function ownedByTestUser(path: string): void {
	if (process.getuid?.() === 0) chownSync(path, testUser.uid, testUser.gid);
}
