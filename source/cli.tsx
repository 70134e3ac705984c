#!/usr/bin/env node
import {readFileSync} from 'node:fs';
import meow from 'meow';
import {UsageError, WizardError} from './core/errors.js';
import {scopeTokenProblem} from './core/scopes.js';
import {isHttpsOrLoopback} from './core/urls.js';
import type {EnterpriseFlags} from './commands/login.js';
import {printableLine} from './core/text.js';
import {maskPastedSecret} from './core/redact.js';
import {exchangeText, newExchanges} from './core/trace.js';
import {describeFailure, exitCode, jsonText, terminalText} from './commands/output.js';

const help = `
  Log in to a remote MCP server over OAuth, and see every step.

  Usage
    $ mcp-auth-wizard --demo                 try it against the embedded sandbox
    $ mcp-auth-wizard discover <url>         show the server's OAuth metadata and scopes
    $ mcp-auth-wizard login <url>            log in and save the server
    $ mcp-auth-wizard list                   saved servers and their token status
    $ mcp-auth-wizard status [server]        token status of a saved server (name or URL)
    $ mcp-auth-wizard refresh <server>       refresh its tokens now
    $ mcp-auth-wizard verify <server>        check the token with MCP initialize + tools/list
    $ mcp-auth-wizard verify <server> --call <tool> [--args '<json>']
                                             call a tool; on 403 insufficient_scope, log in again
                                             with the extra scopes (asked, or --yes) and call again
    $ mcp-auth-wizard reauthorize <server>   log in again, reusing the saved client when it still works
    $ mcp-auth-wizard rename <server> <name> rename a saved server
    $ mcp-auth-wizard forget-tokens <server> forget its tokens, keep its client registration
    $ mcp-auth-wizard forget-registration <server>
                                             forget its client registration and tokens
    $ mcp-auth-wizard remove <server>        forget a saved server
    $ mcp-auth-wizard export <server> --for <client>
                                             use this login from another MCP client: its
                                             configuration for the proxy, and the other ways
    $ mcp-auth-wizard token [<server>]       a valid access token on stdout (refreshed if needed);
                                             without a name, CLAUDE_CODE_MCP_SERVER_URL's server
    $ mcp-auth-wizard proxy <server>         MCP over stdio for any MCP client, relayed to the server
                                             with the saved login, its tokens kept fresh
    $ mcp-auth-wizard sandbox                run the sandbox servers until Ctrl-C

  Options
    --json                 one JSON document on stdout; progress goes to stderr
    --trace                print each HTTP exchange on stderr as it ends (secrets masked)
    --http-timeout <time>  the limit for each HTTP request, e.g. 10s or 2m (default 30s)
    --scopes a,b           login: the scopes to ask for (default: what the server advertises;
                           reauthorize: the scopes of the last login)
    --name <name>          login: the name to save the login under; a new name adds another
                           login (account) to a server saved already
    --client-id <id>       login: a pre-registered client id (skips registration)
    --client-secret <s>    login: its secret, if it has one; - reads it from standard input (or set
                           MCP_AUTH_WIZARD_CLIENT_SECRET): a secret on the command line is seen
                           by ps and kept in your shell history
    --client-credentials   login: the client acting as itself, no user and no browser (client_credentials
                           grant): with --client-id and its secret, or --private-key; renewed by the
                           same grant (token, verify, the proxy)
    --private-key <file>   login --client-credentials: the client's private key (PEM) for private_key_jwt
    --enterprise           login: enterprise-managed (ID-JAG, cross-app access): the user's ID token
                           (--id-token, or a browser login at the identity provider without it) is
                           exchanged there for an ID-JAG, which the MCP server's authorization server
                           takes for a token (JWT bearer grant), with --client-id and its secret;
                           renewed only by its refresh token, if one comes, else by this login again
                           (the ID token is never saved)
    --idp-issuer <url>     login --enterprise: the identity provider (its metadata names its token endpoint)
    --idp-token-endpoint <url>
                           login --enterprise: its token endpoint, instead of discovering it
    --idp-client-id <id>   login --enterprise: this application's client id at the identity provider
    --idp-client-secret <s>
                           login --enterprise: its secret, if it has one (sent as its metadata lists;
                           client_secret_post with --idp-token-endpoint); - reads it from standard
                           input (or set MCP_AUTH_WIZARD_IDP_CLIENT_SECRET)
    --id-token <file>      login --enterprise: a file that holds the user's ID token; - reads it from
                           standard input; without it, the user logs in at --idp-issuer in the browser
    --client-metadata-url <url>
                           login: a Client ID Metadata Document to use as the client id where the
                           authorization server supports them (https with a path; http on localhost)
    --callback-port <n>    login: the loopback port for the redirect (default: a free one)
    --no-open              login: only print the login URL, open no browser
    --device               login, reauthorize: log in on another device with a code (RFC 8628), where
                           the authorization server offers it: for SSH and containers
    --timeout <time>       login: how long to wait for the browser, e.g. 90s, 5m or 1h (default 5m);
                           with --device, for the approval (default: until the code expires)
    --no-verify            login: skip the MCP check after logging in
    --replace              login: replace the server's saved login without --name (else asked)
    --port <n>             sandbox: the port to listen on (default: a free one)
    --profile <name>       sandbox, --demo: fastmail (default), openid-tenant, root-metadata,
                           challenge-only-metadata, legacy-2025-03-26, preregistered,
                           client-metadata-document, step-up, iss-required, device-flow,
                           client-credentials, enterprise
    --fault <name>         sandbox, --demo: resource-mismatch, issuer-mismatch, no-s256, omit-iss
    --for <client>         export: codex, claude-code, vscode, cursor, claude-desktop, windsurf or
                           mcp-remote (any client that starts local commands)
    --write                export: add the proxy's entry to the client's configuration file, after
                           showing the change (asked, or --yes); other entries and comments stay,
                           the old file is kept beside it as a backup
    --config <file>        export --write: this file instead of the client's usual one
    --redirect-uri <uri>   login, reauthorize: also register this redirect URI for the client (another
                           client's, for export's "logs in by itself" way); may be repeated
    --call <tool>          verify: call this tool with the saved token
    --args <json>          verify --call: the tool's arguments, a JSON object (default {})
    --show-token           status: print the access token whole (for curl or another client)
    --log <file>           also write what goes to stderr (events, --trace) to this file, timed
    --no-login             proxy: never open a browser to log in again; requests get an error instead
    --header-json          token: print {"Authorization": "Bearer …"} (Claude Code's headersHelper)
    --yes                  forget-tokens, forget-registration, remove, export --write, verify --call (logging in again
                           with more scopes): no question (needed without a terminal)

  Environment
    BROWSER                the browser: commands separated by : tried in turn, %s for the URL (no shell)
    MCP_AUTH_WIZARD_HOME   the directory of the saved-server store
    MCP_AUTH_WIZARD_CLIENT_SECRET
                           the client secret of --client-id, instead of --client-secret
    MCP_AUTH_WIZARD_IDP_CLIENT_SECRET
                           the client secret of --idp-client-id, instead of --idp-client-secret

  Exit codes: 0 success, 1 the login or check failed, 2 bad usage, 130 interrupted (Ctrl-C).

  Examples
    $ mcp-auth-wizard login https://api.fastmail.com/mcp --scopes https://www.fastmail.com/dev/mcp,offline_access
    $ mcp-auth-wizard verify api.fastmail.com --json
`;

const knownFlags = {
	json: {type: 'boolean', default: false},
	trace: {type: 'boolean', default: false},
	demo: {type: 'boolean', default: false},
	scopes: {type: 'string'},
	name: {type: 'string'},
	clientId: {type: 'string'},
	clientSecret: {type: 'string'},
	clientMetadataUrl: {type: 'string'},
	callbackPort: {type: 'string'},
	open: {type: 'boolean', default: true},
	verify: {type: 'boolean', default: true},
	timeout: {type: 'string'},
	log: {type: 'string'},
	port: {type: 'string'},
	for: {type: 'string'},
	call: {type: 'string'},
	args: {type: 'string'},
	yes: {type: 'boolean', default: false},
	replace: {type: 'boolean', default: false},
	device: {type: 'boolean', default: false},
	login: {type: 'boolean', default: true},
	profile: {type: 'string'},
	fault: {type: 'string', isMultiple: true},
	showToken: {type: 'boolean', default: false},
	headerJson: {type: 'boolean', default: false},
	write: {type: 'boolean', default: false},
	clientCredentials: {type: 'boolean', default: false},
	privateKey: {type: 'string'},
	enterprise: {type: 'boolean', default: false},
	idpIssuer: {type: 'string'},
	idpTokenEndpoint: {type: 'string'},
	idpClientId: {type: 'string'},
	idpClientSecret: {type: 'string'},
	idToken: {type: 'string'},
	config: {type: 'string'},
	redirectUri: {type: 'string', isMultiple: true},
	httpTimeout: {type: 'string'},
} satisfies Parameters<typeof meow>[0]['flags'];

/** meow throws for a flag given twice or a value of the wrong type: a usage error, not a stack trace. */
const kebab = (name: string) => name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);

/** --scopes: scopes separated by spaces or commas, each one a scope token (RFC 6749 3.3). */
function parseScopeFlag(text: string | undefined): string[] | undefined {
	if (text === undefined) return undefined;
	const scopes = text.split(/[\s,]+/).filter(scope => scope !== '');
	for (const scope of scopes) {
		const problem = scopeTokenProblem(scope);
		if (problem !== undefined) throw new UsageError(`--scopes: ${problem}`, 'Pass scopes separated by spaces or commas, e.g. --scopes "mail offline_access".');
	}

	return scopes;
}

/** --private-key: the PEM file's text (checked when it is used: the server's algorithms decide). */
function readPrivateKey(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		throw new UsageError(`--private-key: cannot read ${printableLine(file, 80)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'Pass the path of the client\'s private key, a PEM file.');
	}
}

/**
 * --redirect-uri: absolute URIs without a fragment (RFC 6749 3.1.2), for a client registered here in a
 * browser login (a client id given, a metadata document or a device login have their own).
 */
function parseRedirectUris(uris: readonly string[] | undefined, flags: {readonly clientId?: string; readonly clientMetadataUrl?: string; readonly device: boolean}): string[] | undefined {
	if (uris === undefined || uris.length === 0) return undefined;
	const other = flags.clientId === undefined ? (flags.clientMetadataUrl === undefined ? (flags.device ? '--device' : undefined) : '--client-metadata-url') : '--client-id';
	if (other !== undefined) throw new UsageError(`--redirect-uri does not go with ${other}`, '--redirect-uri registers a client here that also has another client\'s redirect URIs: leave out one of them.');
	for (const uri of uris) {
		if (!URL.canParse(uri) || uri.includes('#')) throw new UsageError(`--redirect-uri: "${printableLine(uri, 80)}" is not an absolute URI without a fragment`, 'e.g. --redirect-uri http://localhost:8976/callback (RFC 6749 3.1.2).');
	}

	return [...uris];
}

/**
 * A value flag's value may start with "-" (a client secret often does): `--client-secret -x1` means
 * `--client-secret=-x1`, not the short flags -x and -1. Rewritten unless the next word is one of our flags.
 */
function attachDashValues(argv: readonly string[]): string[] {
	const valueFlags = new Set(Object.entries(knownFlags).filter(([, flag]) => flag.type === 'string').map(([name]) => `--${kebab(name)}`));
	const isOurFlag = (word: string) => ['--help', '--version'].includes(word) || Object.keys(knownFlags).some(name => word === `--${kebab(name)}` || word === `--no-${kebab(name)}` || word.startsWith(`--${kebab(name)}=`));
	const words: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const word = argv[i]!;
		const next = argv[i + 1];
		if (valueFlags.has(word) && next !== undefined && next.startsWith('-') && !isOurFlag(next)) {
			words.push(`${word}=${next}`);
			i++;
		} else {
			words.push(word);
		}
	}

	return words;
}

function parseFlags() {
	try {
		return meow(help, {
			importMeta: import.meta,
			// The help says it in its first line: the package's description would say it twice.
			description: false,
			argv: attachDashValues(process.argv.slice(2)),
			// Checked in run(), so that a typo gets the same error (JSON with --json) and a suggestion.
			allowUnknownFlags: true,
			flags: knownFlags,
		});
	} catch (error) {
		const failure = describeFailure(new UsageError(error instanceof Error ? error.message : String(error), 'See mcp-auth-wizard --help for the flags.'));
		if (process.argv.includes('--json')) process.stdout.write(`${jsonText(failure.value, 2)}\n`);
		process.stderr.write(terminalText(failure.lines));
		process.exit(failure.code);
	}
}

const cli = parseFlags();

function parsePort(value: string | undefined, flag: string): number | undefined {
	if (value === undefined) return undefined;
	const port = Number(value);
	if (!Number.isInteger(port) || port < 0 || port > 65_535) {
		throw new UsageError(`--${flag} must be a port number from 0 to 65535, not "${value}"`, `For example --${flag} 8976 (0 picks a free port).`);
	}

	return port;
}

/** meow keeps unknown flags (camelCased) next to the known ones: the first unknown one is a usage error. */
function checkFlagNames(names: readonly string[]): void {
	const known = Object.keys(knownFlags);
	const unknown = names.find(name => !(name in knownFlags));
	if (unknown === undefined) return;
	// A typo is most often a known flag with a letter more or less at the end (--scope, --callback).
	const like = known.find(name => name.startsWith(unknown) || unknown.startsWith(name));
	throw new UsageError(`Unknown flag --${kebab(unknown)}`, like === undefined ? 'See mcp-auth-wizard --help for the flags.' : `Did you mean --${kebab(like)}? See mcp-auth-wizard --help for the flags.`);
}

/** "300" (seconds), "90s", "5m", "1500ms", "2h", "1d". */
function parseTimeout(value: string | undefined, flag = 'timeout'): number | undefined {
	if (value === undefined) return undefined;
	const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
	const units = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000} as const;
	if (!match || Number(match[1]) <= 0) {
		throw new UsageError(`--${flag} must be a duration like 90s, 5m or 2h, not "${value}"`, `For example --${flag} 10m.`);
	}

	return Number(match[1]) * units[(match[2] ?? 's') as keyof typeof units];
}

/** The environment variable a client secret can come from, so that it lands in neither `ps` nor shell history. */
const clientSecretVariable = 'MCP_AUTH_WIZARD_CLIENT_SECRET';
/** The same for the identity provider's client secret (login --enterprise). */
const idpClientSecretVariable = 'MCP_AUTH_WIZARD_IDP_CLIENT_SECRET';

/**
 * `--client-secret -`: the secret from standard input, its first line (piped or redirected), or typed
 * at a prompt that does not show it.
 */
async function readClientSecret(): Promise<string> {
	const secret = await readStandardInput('Client secret');
	if (secret === '') throw new UsageError('--client-secret - read no secret from standard input', `Pipe it in (… | mcp-auth-wizard login <url> --client-id <id> --client-secret -), or set ${clientSecretVariable}.`);
	return secret;
}

/** A JWT's shape (RFC 7519 7.2): three base64url parts separated by dots. */
const jwtShape = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** --id-token: the ID token from its file, or from standard input with `-`; a JWT (OpenID Connect Core 2). Never printed. */
async function readIdToken(source: string): Promise<string> {
	let token: string;
	// The token itself given where its file goes: never echoed (its first characters are the claims).
	const shown = source === '-' ? 'what standard input held' : printableLine(maskPastedSecret(source), 80);
	if (source === '-') {
		token = (await readStandardInput('ID token')).trim();
		if (token === '') throw new UsageError('--id-token - read no ID token from standard input', 'Pipe it in (… | mcp-auth-wizard login <url> --enterprise … --id-token -), or pass the file that holds it.');
	} else {
		try {
			token = readFileSync(source, 'utf8').trim();
		} catch (error) {
			throw new UsageError(`--id-token: cannot read ${shown} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'Pass the path of a file that holds the ID token, or - to read it from standard input.');
		}
	}

	if (!jwtShape.test(token)) {
		throw new UsageError(`--id-token: ${shown} is not an ID token (a JWT: three base64url parts separated by dots, OpenID Connect Core 2)`, 'Pass the id_token the identity provider issued, alone in the file (it is not shown here).');
	}

	return token;
}

/** The first line of standard input (piped or redirected), or typed at a prompt that does not show it. */
async function readStandardInput(label: string): Promise<string> {
	let secret: string;
	if (process.stdin.isTTY) {
		process.stderr.write(`${label} (not shown): `);
		const terminal = await unechoedTerminal();
		try {
			secret = await new Promise<string>(resolve => {
				terminal.once('line', resolve);
			});
		} finally {
			terminal.close();
			process.stderr.write('\n');
		}
	} else {
		const chunks: Buffer[] = [];
		for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
		secret = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
	}

	return secret;
}

/** The client secret: --client-secret <secret>, --client-secret - (standard input), or the environment. */
async function clientSecretOf(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
	if (flag === '-') return readClientSecret();
	if (flag !== undefined) return flag;
	const fromEnvironment = env[clientSecretVariable];
	return fromEnvironment === undefined || fromEnvironment === '' ? undefined : fromEnvironment;
}

/** The identity provider's client secret: --idp-client-secret <secret>, - (standard input), or the environment; none for a public client. */
async function idpClientSecretOf(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
	if (flag === '-') {
		const secret = await readStandardInput('Identity provider client secret');
		if (secret === '') throw new UsageError('--idp-client-secret - read no secret from standard input', `Pipe it in, or set ${idpClientSecretVariable}; leave it out for a public client.`);
		return secret;
	}

	if (flag !== undefined) return flag;
	const fromEnvironment = env[idpClientSecretVariable];
	return fromEnvironment === undefined || fromEnvironment === '' ? undefined : fromEnvironment;
}

const enterpriseUsage = 'mcp-auth-wizard login <url> --enterprise --idp-issuer <url> --idp-client-id <id> [--id-token <file>] --client-id <id> --client-secret -';

/** The flags that go with --enterprise only, by their meow names. */
const enterpriseOnly = {idpIssuer: '--idp-issuer', idpTokenEndpoint: '--idp-token-endpoint', idpClientId: '--idp-client-id', idpClientSecret: '--idp-client-secret', idToken: '--id-token'} as const;

/**
 * login --enterprise: everything it needs is there before anything is sent, the identity provider's
 * URLs are https (the ID token goes there; http only on localhost), and at most one value comes from
 * standard input. Files are read here; standard input afterwards.
 */
function checkEnterpriseFlags(flags: typeof cli.flags, command: string | undefined, env: NodeJS.ProcessEnv): void {
	const stray = Object.entries(enterpriseOnly).find(([name]) => flags[name as keyof typeof enterpriseOnly] !== undefined)?.[1];
	if (!flags.enterprise) {
		if (stray) throw new UsageError(`${stray} goes with --enterprise`, enterpriseUsage);
		return;
	}

	if (command !== 'login') throw new UsageError('--enterprise goes with login', `${enterpriseUsage} (an enterprise login is renewed by the same command with a new ID token).`);
	const other = flags.clientCredentials ? '--client-credentials' : flags.device ? '--device' : flags.clientMetadataUrl === undefined ? (flags.redirectUri?.length ? '--redirect-uri' : flags.privateKey === undefined ? undefined : '--private-key') : '--client-metadata-url';
	if (other) throw new UsageError(`--enterprise does not go with ${other}`, 'An enterprise login exchanges the ID token for an ID-JAG at the identity provider: the MCP server\'s client is pre-registered, and no browser goes to its authorization server. Leave it out.');
	// With an ID token at hand, nothing listens for a browser's redirect.
	if (flags.idToken !== undefined && flags.callbackPort !== undefined) throw new UsageError('--callback-port goes with a browser login, and --id-token needs none', 'Leave out --id-token to log in at the identity provider in the browser, or leave out --callback-port.');
	if (flags.idpIssuer === undefined && flags.idpTokenEndpoint === undefined) throw new UsageError('--enterprise needs the identity provider', 'Pass --idp-issuer <url> (its metadata names its token endpoint), or --idp-token-endpoint <url>.');
	for (const [flag, value] of [['--idp-issuer', flags.idpIssuer], ['--idp-token-endpoint', flags.idpTokenEndpoint]] as const) {
		if (value !== undefined && !isHttpsOrLoopback(value)) throw new UsageError(`${flag}: "${printableLine(value, 80)}" is not an https URL`, `The ID token goes there: https only (http only on localhost), e.g. ${flag} https://login.example.com${flag === '--idp-issuer' ? '' : '/oauth2/token'}.`);
	}

	if (flags.idpClientId === undefined) throw new UsageError('--enterprise needs --idp-client-id', 'Pass this application\'s client id at the identity provider (the one its ID tokens are issued to).');
	// The browser login needs the identity provider's metadata (its authorization endpoint).
	if (flags.idToken === undefined && flags.idpIssuer === undefined) throw new UsageError('--enterprise needs the user\'s ID token, or the identity provider\'s issuer to log in there', 'Pass --id-token <file> (a file that holds the ID token; - reads standard input), or --idp-issuer <url> to log in at the identity provider in the browser.');
	if (flags.clientId === undefined) throw new UsageError('--enterprise needs --client-id', 'Pass the MCP client\'s id at the MCP server\'s authorization server, with its secret (--client-secret -, or MCP_AUTH_WIZARD_CLIENT_SECRET).');
	if (flags.clientSecret === undefined && !env[clientSecretVariable]) throw new UsageError('--enterprise needs the MCP client\'s secret', `Pass --client-secret - (read from standard input), or set ${clientSecretVariable}.`);
	const readers = (['clientSecret', 'idpClientSecret', 'idToken'] as const).filter(name => flags[name] === '-').map(name => `--${kebab(name)} -`);
	if (readers.length > 1) throw new UsageError(`${readers.join(' and ')} cannot both read standard input`, `Pass the ID token in a file (--id-token <file>), and the secrets through ${clientSecretVariable} and ${idpClientSecretVariable}.`);
}

async function askInTerminal(question: string): Promise<boolean> {
	const {createInterface} = await import('node:readline/promises');
	const terminal = createInterface({input: process.stdin, output: process.stderr});
	try {
		return /^y(es)?$/i.test((await terminal.question(question)).trim());
	} finally {
		terminal.close();
	}
}

/** Lines typed in the terminal (not echoed), each handed on as it is entered, until stopped. */
/**
 * Lines typed in the terminal, not echoed: what is typed there (a client secret, a pasted redirect URL
 * with its authorization code) never shows whole. Readline's echo goes through _writeToOutput.
 */
async function unechoedTerminal(): Promise<import('node:readline').Interface> {
	const {createInterface} = await import('node:readline');
	const terminal = createInterface({input: process.stdin, output: process.stderr, terminal: true});
	(terminal as unknown as {_writeToOutput: (text: string) => void})._writeToOutput = () => undefined;
	// The terminal is raw while readline reads it: Ctrl-C comes as a key, and is made the signal again.
	terminal.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
	return terminal;
}

function readLinesInTerminal(onLine: (line: string) => void): () => void {
	let terminal: import('node:readline').Interface | undefined;
	let stopped = false;
	void unechoedTerminal().then(opened => {
		if (stopped) {
			opened.close();
			return;
		}

		terminal = opened;
		terminal.on('line', onLine);
	});
	return () => {
		stopped = true;
		terminal?.close();
		// The terminal's input is not read any more: the process may end.
		process.stdin.pause();
	};
}

/** Within this of a first Ctrl-C, another is the same one delivered twice. */
const repeatedSignalMs = 300;

/**
 * stderr, and a log file (appended, 0600: it may name servers and accounts) that gets the same lines,
 * each after the time it was written.
 */
async function teeToLog(path: string): Promise<NodeJS.WritableStream> {
	const [{createWriteStream}, {Writable}] = await Promise.all([import('node:fs'), import('node:stream')]);
	const file = createWriteStream(path, {flags: 'a', mode: 0o600});
	let failed = false;
	file.on('error', error => {
		// Said once; stderr goes on as without --log.
		if (!failed) process.stderr.write(`Cannot write the log ${path} (${(error as NodeJS.ErrnoException).code ?? error.message}): writing to stderr only.\n`);
		failed = true;
	});
	return new Writable({
		write(chunk: Buffer, _encoding, done) {
			process.stderr.write(chunk);
			if (failed) {
				done();
				return;
			}

			const stamp = new Date().toISOString();
			file.write(chunk.toString('utf8').replaceAll(/^(?=.)/gm, `${stamp} `), () => {
				done();
			});
		},
	});
}

async function run(): Promise<number> {
	const [command, ...args] = cli.input;
	const {flags} = cli;
	const controller = new AbortController();
	let interruptedAt: number | undefined;
	const onSignal = () => {
		// The first Ctrl-C stops the flow cleanly (listeners closed, nothing half-saved); a second one exits.
		// One Ctrl-C can be delivered twice when a child (the browser) is being started at that instant:
		// a person's second press comes later than that.
		if (interruptedAt !== undefined) {
			if (Date.now() - interruptedAt > repeatedSignalMs) process.exit(130);
			return;
		}

		interruptedAt = Date.now();
		controller.abort(new WizardError('interrupted', 'Interrupted', 'The listener and requests were stopped and nothing half-done was saved; run the command again when ready.'));
	};

	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	// --log FILE: what goes to stderr (events, the trace, a failure) goes to FILE too, each line timed.
	const stderr = flags.log === undefined ? process.stderr : await teeToLog(flags.log);

	/** A failure as the user sees it; exit 130 after Ctrl-C, as shells expect of an interrupted program. */
	const fail = (error: unknown): number => {
		const failure = describeFailure(controller.signal.aborted ? controller.signal.reason : error);
		if (flags.json) process.stdout.write(`${jsonText(failure.value, 2)}\n`);
		stderr.write(terminalText(failure.lines));
		return controller.signal.aborted ? 130 : failure.code;
	};

	const [{createHttpClient}, {createOutput}] = await Promise.all([import('./core/http.js'), import('./commands/output.js')]);
	const output = createOutput(flags.json, {stdout: process.stdout, stderr});
	let httpTimeoutMs: number | undefined;
	try {
		httpTimeoutMs = parseTimeout(flags.httpTimeout, 'http-timeout');
	} catch (error) {
		return fail(error);
	}

	const http = createHttpClient({timeoutMs: httpTimeoutMs});
	// --trace: each exchange on stderr as it ends (secrets masked), readable, or one JSON line with --json.
	const printTrace = newExchanges(http, exchange => stderr.write(flags.json ? `${jsonText(exchange)}\n` : terminalText(exchangeText(exchange))));

	// The wizard owns the terminal while it runs: its trace comes after it (it has its own panel, t).
	const inWizard = command === undefined || command.includes('://');
	const stopTrace = flags.trace && !inWizard ? http.subscribe(printTrace) : () => undefined;
	const context = {
		output,
		http,
		env: process.env,
		signal: controller.signal,
		yes: flags.yes,
		ask: process.stdin.isTTY && process.stderr.isTTY ? askInTerminal : undefined,
		readLines: process.stdin.isTTY ? readLinesInTerminal : undefined,
		async openStore() {
			const {openConfStore} = await import('./store/conf-store.js');
			const store = openConfStore({home: process.env['MCP_AUTH_WIZARD_HOME']});
			// A file moved aside, permissions tightened: said once, on stderr (the wizard shows them too).
			const wizard = command === undefined || command.includes('://');
			if (!wizard) for (const notice of store.notices) output.note(notice);
			return store;
		},
	};

	let clientSecret: string | undefined;
	let privateKey: string | undefined;
	let enterprise: EnterpriseFlags | undefined;
	const loginFlags = () => ({
		scopes: parseScopeFlag(flags.scopes),
		name: flags.name,
		clientId: flags.clientId,
		clientSecret,
		clientMetadataUrl: flags.clientMetadataUrl,
		callbackPort: parsePort(flags.callbackPort, 'callback-port'),
		redirectUris: parseRedirectUris(flags.redirectUri, flags),
		open: flags.open,
		timeoutMs: parseTimeout(flags.timeout),
		verify: flags.verify,
		device: flags.device,
		clientCredentials: flags.clientCredentials,
		privateKey,
		enterprise,
	});

	const wizardOptions = () => {
		const login = loginFlags();
		if (login.redirectUris) throw new UsageError('--redirect-uri goes with login or reauthorize', 'mcp-auth-wizard reauthorize <server> --redirect-uri <uri>: the wizard registers its own redirect URI only.');
		return {clientId: login.clientId, clientSecret: login.clientSecret, clientMetadataUrl: login.clientMetadataUrl, callbackPort: login.callbackPort, timeoutMs: login.timeoutMs, noOpen: !login.open, name: login.name};
	};

	/** The interactive wizard needs a terminal: without one, the help (never a hang, never an input). */
	async function runWizard(commandContext: typeof context, wizard: {url: string | undefined; demo: boolean; options: ReturnType<typeof wizardOptions>}): Promise<number> {
		if (!process.stdin.isTTY || !process.stdout.isTTY) {
			if (wizard.demo || wizard.url !== undefined) {
				throw new UsageError('The wizard needs an interactive terminal', 'Run it in a terminal, or script the same steps: mcp-auth-wizard sandbox, then mcp-auth-wizard login <url> --json.');
			}

			cli.showHelp(exitCode.usage);
			return exitCode.usage;
		}

		const {startWizard} = await import('./wizard/start.js');
		if (!wizard.demo) return startWizard(commandContext, {url: wizard.url, options: wizard.options});
		// Something on screen at once: starting the sandbox (oidc-provider) takes a moment.
		commandContext.output.note('Starting the sandbox: an authorization server and an MCP server on 127.0.0.1…');
		const choice = await sandboxChoice();

		const {withDemoSandbox, demoBanner} = await import('./commands/sandbox.js');
		return withDemoSandbox(commandContext, choice, async (sandbox, demoContext, throwawayStore) =>
			startWizard(demoContext, {url: sandbox.mcpUrl, options: wizard.options, banner: demoBanner(sandbox, flags.fault ?? []), throwawayStore}),
		);
	}

	/** --profile and --fault for the sandbox and --demo. */
	async function sandboxChoice() {
		const {isSandboxProfile, sandboxProfiles} = await import('./sandbox/index.js');
		const profile = flags.profile;
		if (profile !== undefined && !isSandboxProfile(profile)) {
			throw new UsageError(`Unknown sandbox profile "${profile}"`, `One of: ${sandboxProfiles.join(', ')}.`);
		}

		const known = {'resource-mismatch': 'resourceMismatch', 'issuer-mismatch': 'issuerMismatch', 'no-s256': 'noS256', 'omit-iss': 'omitIss'} as const;
		const faults: Record<string, boolean> = {};
		for (const fault of flags.fault ?? []) {
			if (!(fault in known)) throw new UsageError(`Unknown sandbox fault "${fault}"`, `One of: ${Object.keys(known).join(', ')}.`);
			faults[known[fault as keyof typeof known]] = true;
		}

		return {profile, faults};
	}

	const needUrl = (what: string) => {
		if (args[0] === undefined) throw new UsageError(`${what} needs the MCP server URL`, `mcp-auth-wizard ${what} https://example.com/mcp`);
		return args[0];
	};

	try {
		checkFlagNames(Object.keys(flags));
		if (flags.clientSecret !== undefined && flags.clientId === undefined) {
			throw new UsageError('--client-secret needs --client-id', 'Pass the client id that the secret belongs to.');
		}

		if (flags.privateKey !== undefined && !flags.clientCredentials) throw new UsageError('--private-key goes with --client-credentials', 'mcp-auth-wizard login <url> --client-credentials --client-id <id> --private-key <PEM file>');
		if ((flags.clientCredentials || flags.privateKey !== undefined) && command !== 'login') {
			throw new UsageError('--client-credentials and --private-key go with login', 'mcp-auth-wizard login <url> --client-credentials --client-id <id> (--client-secret - or --private-key <file>); reauthorize <name> then uses the saved client.');
		}

		if (flags.clientCredentials) {
			if (flags.clientId === undefined) throw new UsageError('--client-credentials needs --client-id', 'mcp-auth-wizard login <url> --client-credentials --client-id <id> --client-secret - (or --private-key <file>)');
			if (flags.privateKey !== undefined && (flags.clientSecret !== undefined || process.env['MCP_AUTH_WIZARD_CLIENT_SECRET'])) {
				throw new UsageError('--private-key and a client secret are two ways to authenticate the client', 'Pass one of them (unset MCP_AUTH_WIZARD_CLIENT_SECRET for --private-key).');
			}

			const other = flags.device ? '--device' : (flags.clientMetadataUrl === undefined ? (flags.redirectUri?.length ? '--redirect-uri' : undefined) : '--client-metadata-url');
			if (other) throw new UsageError(`--client-credentials does not go with ${other}`, 'The client acts as itself, with no user and no browser: leave it out.');
			if (flags.privateKey !== undefined) privateKey = readPrivateKey(flags.privateKey);
		}

		checkEnterpriseFlags(flags, command, process.env);
		// A file is read before a secret is asked for: a wrong path is said before any typing.
		const idTokenFromFile = flags.enterprise && flags.idToken !== undefined && flags.idToken !== '-' ? await readIdToken(flags.idToken) : undefined;

		// Only with a pre-registered client id: the variable may be set for other uses of the tool.
		clientSecret = flags.clientId === undefined ? undefined : await clientSecretOf(flags.clientSecret, process.env);
		if (flags.enterprise) {
			enterprise = {
				...(flags.idpIssuer === undefined ? {} : {idpIssuer: flags.idpIssuer}),
				...(flags.idpTokenEndpoint === undefined ? {} : {idpTokenEndpoint: flags.idpTokenEndpoint}),
				idpClientId: flags.idpClientId!,
				idpClientSecret: await idpClientSecretOf(flags.idpClientSecret, process.env),
				...(flags.idToken === undefined ? {} : {idToken: idTokenFromFile ?? (await readIdToken('-'))}),
			};
		}

		if (flags.clientMetadataUrl !== undefined) {
			if (flags.clientId !== undefined) {
				throw new UsageError('--client-id and --client-metadata-url are two ways to name the client', 'Pass one of them: a pre-registered client id, or the URL of your Client ID Metadata Document.');
			}

			const {clientMetadataUrlProblem} = await import('./core/client-metadata-document.js');
			const problem = clientMetadataUrlProblem(flags.clientMetadataUrl);
			if (problem !== undefined) {
				throw new UsageError(`--client-metadata-url cannot be a client id: ${problem}`, 'Pass an https URL with a path, e.g. --client-metadata-url https://example.com/mcp-client.json (http only on localhost).');
			}
		}

		if ((flags.call !== undefined || flags.args !== undefined) && command !== 'verify') {
			throw new UsageError('--call and --args go with verify', 'mcp-auth-wizard verify <server> --call <tool> --args \'{"key": "value"}\'');
		}

		if (flags.headerJson && command !== 'token') {
			throw new UsageError('--header-json goes with token', 'mcp-auth-wizard token <server> --header-json');
		}

		if (flags.showToken && command !== 'status') {
			throw new UsageError('--show-token goes with status', 'mcp-auth-wizard status <server> --show-token');
		}

		if (flags.args !== undefined && flags.call === undefined) {
			throw new UsageError('--args needs --call', 'Name the tool to call: mcp-auth-wizard verify <server> --call <tool> --args \'{...}\'');
		}

		if (flags.call !== undefined && flags.call.trim() === '') {
			throw new UsageError('--call needs a tool name', 'mcp-auth-wizard verify <server> --call <tool>; `verify <server>` lists the tools.');
		}

		switch (command) {
			case undefined: {
				return await runWizard(context, {url: undefined, demo: flags.demo, options: wizardOptions()});
			}

			case 'discover': {
				const {runDiscover} = await import('./commands/discover.js');
				return await runDiscover(context, needUrl('discover'));
			}

			case 'login': {
				const {runLogin} = await import('./commands/login.js');
				return await runLogin(context, needUrl('login'), {...loginFlags(), replace: flags.replace});
			}

			case 'list': {
				const {runList} = await import('./commands/servers.js');
				return await runList(context);
			}

			case 'status': {
				const {runStatus} = await import('./commands/servers.js');
				return await runStatus(context, args[0], {showToken: flags.showToken});
			}

			case 'refresh': {
				const {runRefresh} = await import('./commands/servers.js');
				return await runRefresh(context, args[0]);
			}

			case 'verify': {
				if (flags.call !== undefined) {
					const {parseToolArguments, runToolCall} = await import('./commands/step-up.js');
					return await runToolCall(context, args[0], {tool: flags.call.trim(), args: parseToolArguments(flags.args)}, loginFlags());
				}

				const {runVerify} = await import('./commands/servers.js');
				return await runVerify(context, args[0]);
			}

			case 'remove': {
				const {runRemove} = await import('./commands/servers.js');
				return await runRemove(context, args[0]);
			}

			case 'reauthorize': {
				const {runReauthorize} = await import('./commands/manage.js');
				return await runReauthorize(context, args[0], loginFlags());
			}

			case 'rename': {
				const {runChange} = await import('./commands/manage.js');
				return await runChange(context, 'rename', args[0], args[1]);
			}

			case 'forget-tokens':
			case 'forget-registration': {
				const {runChange} = await import('./commands/manage.js');
				return await runChange(context, command, args[0]);
			}

			case 'export': {
				const {runExport} = await import('./commands/export.js');
				return await runExport(context, args[0], flags.for, {write: flags.write, config: flags.config});
			}

			case 'token': {
				const {runToken} = await import('./commands/servers.js');
				return await runToken(context, args[0], {headerJson: flags.headerJson});
			}

			case 'proxy': {
				const {runProxy} = await import('./commands/proxy.js');
				return await runProxy(context, args[0], {input: process.stdin, output: process.stdout}, {login: flags.login, loginFlags: loginFlags()});
			}

			case 'sandbox': {
				const {runSandbox} = await import('./commands/sandbox.js');
				return await runSandbox(context, {port: parsePort(flags.port, 'port'), ...(await sandboxChoice())});
			}

			default: {
				// `mcp-auth-wizard <url>` starts the wizard at discovery.
				if (command.includes('://') && args.length === 0) return await runWizard(context, {url: command, demo: flags.demo, options: wizardOptions()});
				throw new UsageError(`Unknown command "${command}"`, 'See mcp-auth-wizard --help for the commands.');
			}
		}
	} catch (error) {
		return fail(error);
	} finally {
		stopTrace();
		if (flags.trace) printTrace();

		// The handlers stay: a Ctrl-C delivered twice must not kill the process as it ends.
	}
}

process.exitCode = await run();
