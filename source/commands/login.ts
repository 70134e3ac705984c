import {type ClientCredentials, preRegisteredClient} from '../core/client.js';
import {clientCredentialsScopes, clientCredentialsTokens, supportsClientCredentials} from '../core/client-credentials.js';
import {describeDocumentCheck} from '../core/client-metadata-document.js';
import {type Discovery, assertUsable, discover} from '../core/discovery.js';
import {type AssertionClaims, type EnterpriseEvent, type IdJagSummary, type IdentityProvider, jwtBearerGrant, supportsJwtBearer} from '../core/enterprise.js';
import {checkMcp} from '../core/mcp-check.js';
import {type LoginEvent, type LoginResult, login} from '../core/login.js';
import {enterpriseLogin} from '../core/identity-provider-login.js';
import type {AuthorizationSession} from '../core/authorization-session.js';
import type {AuthorizationServerMetadata} from '../core/metadata.js';
import {chooseScopes} from '../core/scopes.js';
import {UsageError, WizardError} from '../core/errors.js';
import {redactJson, redactUrl} from '../core/redact.js';
import {type LoginGrant, type TokenSet, summarizeTokens} from '../core/tokens.js';
import {parseServerUrl, sameResource} from '../core/urls.js';
import {supportsDeviceLogin} from '../core/device.js';
import {recordCheck} from '../store/changes.js';
import {loginsOf, saveLogin} from '../store/saved-server.js';
import {renewalNote} from '../store/status.js';
import type {ServerStore} from '../store/types.js';
import type {CommandContext} from './context.js';
import {checkLines, summaryLines} from './format.js';
import {formatDuration, printableLine} from '../core/text.js';
import {type Output, exitCode} from './output.js';

export type LoginFlags = {
	readonly scopes?: readonly string[];
	readonly name?: string;
	readonly clientId?: string;
	readonly clientSecret?: string;
	/** --client-metadata-url: a Client ID Metadata Document to log in with where the server supports them. */
	readonly clientMetadataUrl?: string;
	readonly callbackPort?: number;
	/** --redirect-uri: also registered for the client (another client's redirect URIs). */
	readonly redirectUris?: readonly string[];
	readonly open: boolean;
	readonly timeoutMs?: number;
	readonly verify: boolean;
	/** --device: log in on another device with a code (RFC 8628). */
	readonly device?: boolean;
	/** --client-credentials: the client acting as itself, no user (SEP-1046). */
	readonly clientCredentials?: boolean;
	/** --private-key: the PEM of the client's key, for private_key_jwt (RFC 7523). */
	readonly privateKey?: string;
	/** --enterprise: an ID-JAG from the identity provider for the ID token (SEP-990), no browser. */
	readonly enterprise?: EnterpriseFlags;
};

/** login --enterprise: the identity provider, its client, and the user's ID token (a secret, never saved). */
export type EnterpriseFlags = {
	/** --idp-issuer: its metadata names the token endpoint. */
	readonly idpIssuer?: string;
	/** --idp-token-endpoint: taken as it is (no discovery). */
	readonly idpTokenEndpoint?: string;
	readonly idpClientId: string;
	/** --idp-client-secret: a secret, sent as client_secret_post; never saved. */
	readonly idpClientSecret?: string;
	/** --id-token: the ID token itself (read from its file or standard input); without it, a browser login at the identity provider gets one. */
	readonly idToken?: string;
};

/**
 * Progress on stderr, so that a script reading stdout still sees where the login is. `deviceOffered`:
 * the authorization server offers a login on another device, and this one is not.
 */
function reportProgress(output: Output, event: LoginEvent, deviceOffered: boolean): void {
	switch (event.type) {
		case 'discovery': {
			if (event.event.type === 'attempt-finished') {
				const {attempt} = event.event;
				output.note(`  ${attempt.stage}: ${attempt.url} -> ${attempt.status ?? attempt.outcome} (${attempt.ms} ms)`);
			}

			break;
		}

		case 'discovered': {
			// The first error stops the login and is printed as its failure: only the others are said here.
			const firstError = event.discovery.findings.find(finding => finding.level === 'error');
			for (const finding of event.discovery.findings) {
				if (finding !== firstError) output.note(`${finding.level === 'error' ? 'Error' : 'Warning'}: ${finding.message}. ${finding.hint}`);
			}
			break;
		}

		case 'scopes-chosen': {
			output.note(`Scopes: ${event.scopes.join(' ') || '(none)'}`);
			break;
		}

		case 'client-way': {
			output.note(`Client: ${event.choice.way} (${event.choice.reason})`);
			break;
		}

		case 'client-metadata-document-unused': {
			output.note(`Warning: the Client ID Metadata Document ${event.url} is not used: ${event.why}. Falling back to ${event.choice.way}.`);
			break;
		}

		case 'client-metadata-document': {
			// Its errors are the login's error, printed once at the end.
			if (event.check.errors.length === 0) output.note(describeDocumentCheck(event.check, event.redirectUri));
			for (const warning of event.check.warnings) output.note(`  Warning: ${warning}`);
			break;
		}

		case 'registering': {
			output.note(`Registering a client at ${event.endpoint}:`);
			output.note(`  ${JSON.stringify(event.request)}`);
			break;
		}

		case 'registered': {
			output.note(`Registered client ${event.registration.client.clientId} (HTTP ${event.registration.status})`);
			for (const difference of event.registration.differences) {
				output.note(`  Registered ${difference.field} differs: asked ${JSON.stringify(difference.requested)}, got ${JSON.stringify(difference.registered) ?? '(not in the answer)'}`);
			}

			break;
		}

		case 'authorization-started': {
			output.note(`Redirect URI: ${event.redirectUri}`);
			output.note(`Open this URL in a browser to log in (waiting up to ${formatDuration(event.timeoutMs / 1000, {withSeconds: false})}):`);
			output.note(`  ${event.url}`);
			break;
		}

		case 'browser': {
			if (event.launch.method !== 'none') output.note(`Browser opened (${event.launch.method === 'BROWSER' ? `BROWSER=${event.launch.command ?? ''}` : 'system default'}).`);
			break;
		}

		case 'browser-failed': {
			output.note(`Could not open a browser: ${event.error.message}. ${event.error.hint}`);
			if (deviceOffered) output.note('This server also lets you log in on another device with a code: run the same command with --device.');
			break;
		}

		case 'device-code': {
			const {code} = event;
			output.note(`On any device, open ${code.verificationUri} and enter the code ${code.userCode}`);
			if (code.verificationUriComplete !== undefined) output.note(`  or open this address, which holds the code: ${code.verificationUriComplete}`);
			output.note(`Waiting for the login there (the code expires in ${formatDuration((Date.parse(code.expiresAt) - Date.now()) / 1000, {withSeconds: false})}; asking every ${code.intervalMs / 1000} s).`);
			break;
		}

		case 'device-slow-down': {
			output.note(event.why === 'slow_down' ? `The server asked to be asked less often: every ${event.intervalMs / 1000} s now.` : `Could not reach the token endpoint: asking again in ${event.intervalMs / 1000} s.`);
			break;
		}

		case 'callback-refused': {
			output.note(`Refused a request to ${event.redirectUri} that is not this login's (an old tab?): ${event.message}. Still waiting for this login's callback.`);
			break;
		}

		case 'callback-received': {
			output.note('Callback received; redeeming the code.');
			break;
		}

		case 'tokens-received': {
			break;
		}
	}
}

export async function runLogin(context: CommandContext, url: string, flags: LoginFlags & {readonly replace?: boolean}): Promise<number> {
	const mcpUrl = parseServerUrl(url).toString();
	const name = await loginName(context, mcpUrl, flags);
	if (flags.clientCredentials) return loginWithClientCredentials(context, mcpUrl, {...flags, name});
	if (flags.enterprise) return loginWithEnterprise(context, mcpUrl, {...flags, name}, flags.enterprise);
	return loginAndSave(context, mcpUrl, {...flags, name});
}

/**
 * The saved login a new login goes to: --name's (a new one when that name is free), else the URL's
 * only one, else a new one named after the host. One URL may hold several logins (accounts), so a
 * login never replaces another silently: --name naming it says so, and without --name replacing one
 * that holds a client or tokens is asked first, or needs --replace without a terminal. Decided before
 * the browser opens, so nothing is refused after.
 */
async function loginName(context: CommandContext, mcpUrl: string, flags: {readonly name?: string; readonly replace?: boolean}): Promise<string | undefined> {
	const store = await context.openStore();
	const logins = loginsOf(store, mcpUrl);
	const named = store.list().find(server => server.name === flags.name);
	if (named && !sameResource(named.mcpUrl, mcpUrl)) {
		throw new UsageError(`"${named.name}" is the saved login of another server (${named.mcpUrl})`, `Choose another --name for ${mcpUrl}; see the saved ones with \`mcp-auth-wizard list\`.`);
	}

	if (flags.name !== undefined) {
		if (named) context.output.note(`Logging in to "${named.name}" again: this login replaces its client and tokens.`);
		return flags.name;
	}

	if (logins.length > 1) {
		throw new UsageError(`${mcpUrl} has ${logins.length} saved logins: ${logins.map(login => login.name).join(', ')}`, 'Pass --name with one of them to log in to it again, or with a new name to add another login.');
	}

	const [replaced] = logins;
	if (!replaced || flags.replace || (!replaced.client && !replaced.tokens)) return replaced?.name;
	const question = `${mcpUrl} is saved already as "${replaced.name}": this login replaces its client and tokens.`;
	const otherwise = `To keep it and add another login, pass --name with a new name; to log in to it again with its own client: mcp-auth-wizard reauthorize ${replaced.name}`;
	if (!context.ask) throw new UsageError(question, `Pass --replace to replace it. ${otherwise}`);
	context.output.note(question);
	if (!(await context.ask('Replace it? [y/N] '))) throw new UsageError('Not replaced: nothing was changed', otherwise);
	return replaced.name;
}

/**
 * Logs in, saves the server, checks the token with MCP (unless --no-verify) and prints the outcome.
 * `reuse` is a re-authorization's decision: the client to log in with again, or why it registers anew.
 */
export async function loginAndSave(
	context: CommandContext,
	mcpUrl: string,
	flags: LoginFlags,
	reuse?: {readonly discovery: Discovery; readonly client?: ClientCredentials; readonly callbackPort?: number; readonly decision: string},
): Promise<number> {
	const {output, http, signal, env} = context;
	const store = await context.openStore();
	if (!reuse) output.note(`Discovering ${mcpUrl}`);
	const pasted = pasteBack(context);
	let discovered = reuse?.discovery;
	const result = await login(mcpUrl, {
		http,
		signal,
		env,
		discovery: reuse?.discovery,
		client: reuse?.client,
		scopes: flags.scopes,
		clientId: flags.clientId,
		clientSecret: flags.clientSecret,
		clientMetadataUrl: flags.clientMetadataUrl,
		callbackPort: reuse?.callbackPort ?? flags.callbackPort,
		redirectUris: flags.redirectUris,
		timeoutMs: flags.timeoutMs,
		noOpen: !flags.open,
		device: flags.device,
		onEvent(event) {
			if (event.type === 'discovered') discovered = event.discovery;
			const metadata = discovered?.authorizationServer?.metadata;
			reportProgress(output, event, !flags.device && metadata !== undefined && supportsDeviceLogin(metadata));
		},
		onSession: pasted.onSession,
	}).finally(pasted.stop);

	return saveAndReport(context, store, mcpUrl, flags, {...result, discovery: result.discovery}, reuse);
}

/** A browser on another machine ends on an address the user pastes here (not shown: it holds the code); without a terminal, nothing is read. */
function pasteBack(context: CommandContext): {readonly onSession: (session: AuthorizationSession) => void; readonly stop: () => void} {
	const {output} = context;
	let stopReading = () => {};
	return {
		onSession(session) {
			if (!context.readLines) return;
			output.note('Browser on another machine? Paste here the address it ended on, then Enter (it is not shown: it holds the code).');
			stopReading = context.readLines(line => {
				if (line.trim() === '') return;
				try {
					session.paste(line);
					output.note(`Took the pasted address: ${redactUrl(line.trim())}`);
				} catch (error) {
					output.note(error instanceof WizardError ? `${error.message}. ${error.hint}` : String(error));
				}
			});
		},
		stop: () => {
			stopReading();
		},
	};
}

/** What a finished login hands on to be saved and reported. */
type Finished = {
	readonly discovery: Discovery & {authorizationServer: NonNullable<Discovery['authorizationServer']>};
	readonly client: ClientCredentials;
	readonly scopes: readonly string[];
	readonly tokens: TokenSet;
	readonly grant?: LoginGrant;
	/** jwt-bearer: where the ID-JAG came from, and what it said (claims read without verifying). */
	readonly enterprise?: {readonly identityProvider: IdentityProvider; readonly idJag: IdJagSummary};
} & Partial<Pick<LoginResult, 'registration' | 'clientWay' | 'clientMetadataDocument' | 'redirectUri'>>;

/** Saves a login, checks it with MCP (unless --no-verify) and reports it: the one ending of every way to log in. */
async function saveAndReport(context: CommandContext, store: ServerStore, mcpUrl: string, flags: Pick<LoginFlags, 'name' | 'verify'>, result: Finished, reuse?: {readonly client?: ClientCredentials; readonly decision: string}): Promise<number> {
	const {output, http, signal} = context;
	let server = await saveLogin(
		store,
		{
			mcpUrl,
			resource: result.discovery.resource,
			issuer: result.discovery.authorizationServer.issuer,
			metadata: result.discovery.authorizationServer.metadata,
			client: result.client,
			registration: result.registration,
			scopes: result.scopes,
			...(result.grant ? {grant: result.grant} : {}),
			...(result.enterprise ? {identityProvider: result.enterprise.identityProvider} : {}),
			tokens: result.tokens,
			trace: http.exchanges,
		},
		flags.name,
	);

	if (flags.verify) {
		const check = await checkMcp(mcpUrl, result.tokens.accessToken, {http, signal});
		server = (await recordCheck(store, server.name, check)) ?? {...server, lastCheck: {at: new Date().toISOString(), result: check}};
	}

	const summary = summarizeTokens(result.tokens, result.scopes);
	// Logged in, but the MCP server refuses the new token: saved (the client and tokens may work after a
	// fix on the server's side), yet a failure for scripts, with the check's own words.
	const check = server.lastCheck?.result;
	const rejected = check !== undefined && !check.ok ? check : undefined;
	const how = result.grant === 'client_credentials' ? ', acting as itself (client credentials)' : result.enterprise ? `, with an ID-JAG from the identity provider ${result.enterprise.identityProvider.issuer ?? result.enterprise.identityProvider.tokenEndpoint}` : '';
	const renewal = renewalNote(server);
	output.result(
		redactJson({
			ok: rejected === undefined,
			...(rejected ? {error: {step: 'mcp-check', message: `Logged in, but ${lowerFirst(rejected.message)}`, hint: rejected.hint}} : {}),
			server: {name: server.name, mcpUrl, issuer: server.issuer, resource: server.resource, storePath: store.path},
			...(reuse ? {clientReused: reuse.client !== undefined, clientDecision: reuse.decision} : {}),
			...(result.grant ? {grant: result.grant} : {}),
			...(result.enterprise ? {enterprise: {identityProvider: result.enterprise.identityProvider, idJag: {typ: result.enterprise.idJag.typ, claims: result.enterprise.idJag.claims, warnings: result.enterprise.idJag.warnings}}} : {}),
			...(renewal === undefined ? {} : {renewal}),
			scopes: result.scopes,
			client: result.client,
			...(result.clientWay ? {clientWay: {way: result.clientWay.way, reason: result.clientWay.reason}} : {}),
			...(result.clientMetadataDocument ? {clientMetadataDocument: {url: result.clientMetadataDocument.url, fetched: result.clientMetadataDocument.fetched, warnings: result.clientMetadataDocument.warnings, redirectUri: result.clientMetadataDocument.redirectUri}} : {}),
			registration: result.registration && {request: result.registration.request, status: result.registration.status, response: result.registration.response, differences: result.registration.differences},
			redirectUri: result.redirectUri,
			tokens: summary,
			check: server.lastCheck?.result,
		}),
		() => [
			`Logged in to ${mcpUrl} as "${server.name}" (client ${result.client.clientId}, ${result.client.source}${how}).`,
			...(reuse ? [`  ${reuse.decision}`] : []),
			...summaryLines(summary),
			...(renewal === undefined ? [] : [`  renewal:       ${renewal}`]),
			...(server.lastCheck ? checkLines(server.lastCheck.result) : []),
			`Saved in ${store.path}`,
		],
	);
	return rejected ? exitCode.failed : exitCode.ok;
}

/**
 * Discovery for a login made at the token endpoint alone (no authorization endpoint, no PKCE needed),
 * refused where the server lists its grants (RFC 8414 2) without this one.
 */
async function discoverForGrant(context: CommandContext, mcpUrl: string, grant: {readonly name: string; readonly listed: (metadata: AuthorizationServerMetadata) => boolean; readonly flag: string}) {
	context.output.note(`Discovering ${mcpUrl}`);
	const discovery = await discover(mcpUrl, {http: context.http, signal: context.signal, hasClientId: true});
	assertUsable(discovery, {codeFlow: false});
	const {metadata, issuer} = discovery.authorizationServer;
	if (metadata.grant_types_supported !== undefined && !grant.listed(metadata)) {
		throw new WizardError('client', `${issuer} does not take the ${grant.name} grant (its grant_types_supported: ${metadata.grant_types_supported.join(', ')})`, `Log in as a user instead: mcp-auth-wizard login <url> without ${grant.flag}.`);
	}

	return discovery;
}

/**
 * `login <url> --client-credentials`: the client acting as itself, no user and no browser (SEP-1046):
 * discovery, then the client_credentials grant with the client's secret or private key, `resource` and
 * the scopes (offline_access left out: no refresh token comes of it). `saved`: a saved client and the
 * issuer it belongs to, to get a new token with (reauthorize).
 */
export async function loginWithClientCredentials(context: CommandContext, mcpUrl: string, flags: LoginFlags, saved?: {readonly client: ClientCredentials; readonly issuer: string}): Promise<number> {
	const {output, http, signal} = context;
	const store = await context.openStore();
	const discovery = await discoverForGrant(context, mcpUrl, {name: 'client_credentials', listed: supportsClientCredentials, flag: '--client-credentials'});
	const {metadata, issuer} = discovery.authorizationServer;

	// Client credentials are per authorization server (MCP 2026-07-28): never sent to another one the
	// resource metadata names now.
	if (saved && saved.issuer !== issuer) {
		throw new WizardError('client', `The authorization server changed from ${saved.issuer} to ${issuer}, and this client's credentials are not sent to another one`, 'If the change is right, log in again with the new server\'s client: mcp-auth-wizard login <url> --client-credentials --client-id <id> …');
	}

	const used = saved?.client ?? clientForCredentials(metadata, flags);
	const scopes = clientCredentialsScopes(flags.scopes ?? chooseScopes(discovery).defaults);
	output.note(`Asking ${metadata.token_endpoint ?? issuer} for a token: client_credentials, as ${used.clientId} (${used.authMethod})${scopes.length > 0 ? `, scopes ${scopes.join(' ')}` : ''}`);
	const tokens = await clientCredentialsTokens({http, metadata, client: used, scopes, resource: discovery.resource, signal});
	return saveAndReport(context, store, mcpUrl, flags, {discovery, client: used, scopes, tokens, grant: 'client_credentials'});
}

/** The client of --client-id with --private-key (private_key_jwt, RFC 7523) or its secret (basic or post, as the server takes). */
function clientForCredentials(metadata: AuthorizationServerMetadata, flags: LoginFlags): ClientCredentials {
	if (flags.clientId === undefined) throw new UsageError('--client-credentials needs --client-id', 'mcp-auth-wizard login <url> --client-credentials --client-id <id> --client-secret - (or --private-key <file>)');
	if (flags.privateKey !== undefined) return {clientId: flags.clientId, privateKey: flags.privateKey, authMethod: 'private_key_jwt', source: 'pre-registered'};
	if (flags.clientSecret === undefined) throw new UsageError('--client-credentials needs the client\'s secret or private key', 'Pass --client-secret - (read from standard input), set MCP_AUTH_WIZARD_CLIENT_SECRET, or pass --private-key <PEM file>.');
	return preRegisteredClient(metadata, flags.clientId, flags.clientSecret);
}

/** "iss …, sub …, aud …" of the shown claims, with the expiry as a time. */
function claimsText(claims: AssertionClaims): string {
	const parts: string[] = [];
	for (const name of ['iss', 'sub', 'aud', 'resource', 'client_id', 'scope', 'jti'] as const) {
		const value = claims[name];
		// Server text, one line each: a claim holding a newline must not fake a line of ours.
		if (value !== undefined) parts.push(`${name} ${printableLine(typeof value === 'string' ? value : value.join(' '), 200)}`);
	}

	if (claims.exp !== undefined) parts.push(`expires ${new Date(claims.exp * 1000).toISOString()}`);
	return parts.join(', ') || 'no claims shown';
}

/** Each exchange of an enterprise login as a line on stderr; the ID token and the ID-JAG never whole. */
function reportEnterprise(output: Output, event: EnterpriseEvent): void {
	switch (event.type) {
		case 'id-token': {
			output.note(`ID token (claims read without verifying): ${claimsText(event.claims)}`);
			if (event.expired) output.note('Warning: the ID token has expired: the identity provider will likely refuse it; get a new one.');
			break;
		}

		case 'identity-provider': {
			output.note(`Identity provider ${event.issuer}: token endpoint ${event.tokenEndpoint} (from ${event.metadataUrl})`);
			if (!event.listsTokenExchange) output.note('  Warning: its grant_types_supported does not list token exchange (RFC 8693); trying it anyway.');
			break;
		}

		case 'id-token-login': {
			output.note(`No ID token given: logging in at the identity provider ${event.issuer} in the browser for one (OpenID Connect, scope openid).`);
			break;
		}

		case 'token-exchange': {
			output.note(`Token exchange at ${event.tokenEndpoint} (RFC 8693): the ID token for an ID-JAG, as ${event.clientId} (${event.authMethod}), audience ${event.audience}, resource ${event.resource}${event.scopes.length > 0 ? `, scopes ${event.scopes.join(' ')}` : ''}`);
			break;
		}

		case 'id-jag': {
			output.note(`ID-JAG ${event.idJag.masked}, typ ${printableLine(event.idJag.typ ?? '(none)', 60)} (claims read without verifying, for display): ${claimsText(event.idJag.claims)}`);
			for (const warning of event.idJag.warnings) output.note(`  Warning: ${warning}: the authorization server will likely refuse it.`);
			break;
		}

		case 'jwt-bearer': {
			output.note(`JWT bearer grant at ${event.tokenEndpoint} (RFC 7523): the ID-JAG, as ${event.clientId} (${event.authMethod}), resource ${event.resource}${event.scopes.length > 0 ? `, scopes ${event.scopes.join(' ')}` : ''}`);
			break;
		}
	}
}

/**
 * `login <url> --enterprise`: enterprise-managed authorization (SEP-990), no browser. Discovery of the
 * MCP server, then the user's ID token exchanged at the identity provider for an ID-JAG (RFC 8693),
 * redeemed at the authorization server as a JWT bearer grant (RFC 7523) by the pre-registered MCP
 * client. The ID token is used and dropped: never saved, never shown.
 */
export async function loginWithEnterprise(context: CommandContext, mcpUrl: string, flags: LoginFlags, enterprise: EnterpriseFlags, saved?: {readonly client: ClientCredentials; readonly issuer: string}): Promise<number> {
	const {output, http, signal} = context;
	if (!saved && flags.clientId === undefined) throw new UsageError('--enterprise needs the MCP client\'s id at its authorization server', 'Pass --client-id <id> and its secret (--client-secret -, or MCP_AUTH_WIZARD_CLIENT_SECRET).');
	if (!saved && flags.clientSecret === undefined) throw new UsageError('--enterprise needs the MCP client\'s secret', 'Pass --client-secret - (read from standard input), or set MCP_AUTH_WIZARD_CLIENT_SECRET.');
	const store = await context.openStore();
	// ID-JAGs come as the JWT bearer grant (RFC 7523).
	const discovery = await discoverForGrant(context, mcpUrl, {name: jwtBearerGrant, listed: supportsJwtBearer, flag: '--enterprise'});
	const {metadata, issuer} = discovery.authorizationServer;
	// A client's secret is per authorization server: never sent to another one the resource metadata names now.
	if (saved && saved.issuer !== issuer) {
		throw new WizardError('client', `The authorization server changed from ${saved.issuer} to ${issuer}, and this client's secret is not sent to another one`, 'If the change is right, log in again with the new server\'s client: mcp-auth-wizard login <url> --enterprise … --client-id <id> --client-secret -');
	}

	const client = saved?.client ?? preRegisteredClient(metadata, flags.clientId!, flags.clientSecret!);
	const scopes = flags.scopes ?? chooseScopes(discovery).defaults;
	// Without --id-token, the user logs in at the identity provider in the browser for one (OpenID Connect).
	const pasted = pasteBack(context);
	const result = await enterpriseLogin({
		http,
		metadata,
		client,
		scopes,
		resource: discovery.resource,
		signal,
		identityProvider: {issuer: enterprise.idpIssuer, tokenEndpoint: enterprise.idpTokenEndpoint, clientId: enterprise.idpClientId, clientSecret: enterprise.idpClientSecret},
		idToken: enterprise.idToken,
		browser: {callbackPort: flags.callbackPort, timeoutMs: flags.timeoutMs, noOpen: !flags.open, env: context.env, onEvent: event => reportProgress(output, event, false), onSession: pasted.onSession},
		onEvent: event => reportEnterprise(output, event),
	}).finally(pasted.stop);
	return saveAndReport(context, store, mcpUrl, flags, {discovery, client, scopes, tokens: result.tokens, grant: 'jwt-bearer', enterprise: {identityProvider: result.identityProvider, idJag: result.idJag}});
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
