import type {BrowserLaunch} from '../core/browser.js';
import {type ClientCredentials, clientMetadataDocumentClient, preRegisteredClient} from '../core/client.js';
import type {ClientMetadataDocumentCheck} from '../core/client-metadata-document.js';
import type {ReuseDecision} from '../core/client-reuse.js';
import {type WayChoice, clientCredentials, enterprise} from '../core/client-way.js';
import {type AssertionClaims, type EnterpriseEvent, type IdentityProviderInput, assertionClaims, hasBrowserLogin, identityProviderIssuerProblem, supportsJwtBearer} from '../core/enterprise.js';
import {type Attempt, type Discovery, type DiscoveryStage, discoveryError} from '../core/discovery.js';
import {type DeviceCode, deviceCodeGrant, supportsDeviceLogin} from '../core/device.js';
import {clientCredentialsScopes, supportsClientCredentials} from '../core/client-credentials.js';
import {type ErrorInfo, WizardError, assertNever} from '../core/errors.js';
import {type RegistrationResult, defaultClientName} from '../core/registration.js';
import {type ScopeOption, chooseScopes} from '../core/scopes.js';
import type {TokenSet} from '../core/tokens.js';
import {parseServerUrl} from '../core/urls.js';
import type {Step} from './state.js';

/*
 * The login's steps, from the URL to the tokens (the order of the MCP authorization spec), and what
 * happens on them.
 */

/** A re-authorization of a saved login: its name, and the scopes of its last login to start from. */
export type Reauthorization = {
	readonly name: string;
	readonly scopes: readonly string[];
	/** An enterprise login's identity provider and client, which a login again uses with a new ID token. */
	readonly enterprise?: SavedEnterprise;
};

/** What an enterprise login keeps for a login again (never the ID token), and the authorization server its client belongs to. */
export type SavedEnterprise = {readonly identityProvider: IdentityProviderInput; readonly client: ClientCredentials; readonly issuer: string};

/** One discovery request: running while `attempt` is undefined. */
export type DiscoveryRow = {
	readonly stage: DiscoveryStage;
	readonly url: string;
	readonly attempt?: Attempt;
};

export type UrlStep = {readonly name: 'url'; readonly input: string; readonly error?: string};
export type DiscoveryStep = {readonly name: 'discovery'; readonly url: string; readonly rows: readonly DiscoveryRow[]; readonly error?: ErrorInfo; readonly reauth?: Reauthorization};
export type MetadataStep = {readonly name: 'metadata'; readonly url: string; readonly discovery: Discovery; readonly showRaw: boolean; readonly reauth?: Reauthorization};
export type ScopesStep = {
	readonly name: 'scopes';
	readonly metadata: MetadataStep;
	readonly options: readonly ScopeOption[];
	readonly selected: readonly string[];
	readonly reason: string;
	readonly adding: boolean;
	/** The client name chosen on a registration preview (n), for the next preview. */
	readonly clientName?: string;
	/** A step-up login: the tool the server refused, called again once the login has its tokens. */
	readonly stepUpTool?: string;
	/** The saved login this login logs in to again (its name): a step-up's, or a login again after a refused refresh token. */
	readonly account?: string;
};

export {clientCredentials} from '../core/client-way.js';

/**
 * No way to get a client id but asking the user (MCP 2025-11-25, Client Registration Approaches: else
 * prompt the user): a client id, then its secret. A client acting as itself (`grant`) may give the path
 * of its private key instead of a secret (private_key_jwt, RFC 7523 2.2); `keyError` says why one was refused.
 */
export type ClientIdStep = {
	readonly name: 'client-id';
	readonly scopes: ScopesStep;
	readonly reason: string;
	readonly field: 'client-id' | 'client-secret' | 'private-key' | 'document-url';
	readonly clientId?: string;
	readonly grant?: typeof clientCredentials;
	readonly keyError?: string;
};

/** The user picks another of the ways to a client id the server supports (w on a client step); `browserless`: only the ways without a browser work here. */
export type ClientWayStep = {readonly name: 'client-way'; readonly scopes: ScopesStep; readonly current?: WayChoice; readonly browserless?: boolean};

/**
 * Enterprise-managed authorization (SEP-990): the answers so far, in the order they are asked: the
 * identity provider's issuer and client id, the user's ID token (read from a file, kept in memory only,
 * never shown or saved; or `browser`: a login at the identity provider gets one), then the MCP
 * authorization server's client id and secret.
 */
export type EnterpriseAnswers = {
	readonly idpIssuer?: string;
	readonly idpClientId?: string;
	/** The identity provider as a login before had it (shown as the two above), used as it is: it may be a bare token endpoint. */
	readonly identityProvider?: IdentityProviderInput;
	readonly idToken?: {readonly token: string; readonly claims: AssertionClaims} | 'browser';
	readonly clientId?: string;
};

/** `saved`: a login again of a saved enterprise login, which asks for a new ID token only. */
export type EnterpriseStep = {readonly name: 'enterprise'; readonly scopes: ScopesStep; readonly answers: EnterpriseAnswers; readonly saved?: SavedEnterprise; readonly error?: string};

/** Which answer an enterprise step asks for now. */
export function enterpriseQuestion(answers: EnterpriseAnswers): 'idp-issuer' | 'idp-client-id' | 'id-token' | 'client-id' | 'client-secret' {
	if (answers.idToken === undefined && answers.clientId !== undefined) return 'id-token';
	if (answers.idpIssuer === undefined) return 'idp-issuer';
	if (answers.idpClientId === undefined) return 'idp-client-id';
	if (answers.idToken === undefined) return 'id-token';
	return answers.clientId === undefined ? 'client-id' : 'client-secret';
}

/** What an enterprise login takes to its exchanges: the identity provider and the ID token (undefined: a login at its issuer in the browser gets one). */
type EnterpriseLogin = {readonly identityProvider: IdentityProviderInput; readonly idToken?: string};

/** A re-authorization asks the authorization server whether the saved client still works. */
export type ClientCheckStep = {readonly name: 'client-check'; readonly scopes: ScopesStep; readonly reauth: Reauthorization};

/** Where a registration is: its preview (and the client name being edited), sent, answered. */
export type RegistrationPhase =
	| {readonly kind: 'preview'}
	| {readonly kind: 'editing-name'}
	| {readonly kind: 'sending'}
	| {readonly kind: 'registered'; readonly result: RegistrationResult}
	| {readonly kind: 'failed'; readonly error: ErrorInfo};

/**
 * The client step: a registration to preview and send (with why, when a saved client could not be
 * reused), a pre-registered client to show, or a saved client reused (no screen: straight to login).
 */
export type ClientStep =
	| {readonly name: 'registration'; readonly scopes: ScopesStep; readonly clientName: string; readonly phase: RegistrationPhase; readonly notice?: string}
	| {readonly name: 'pre-registered'; readonly scopes: ScopesStep; readonly client: ClientCredentials; readonly grant?: typeof clientCredentials; readonly enterprise?: EnterpriseLogin}
	| {readonly name: 'reused'; readonly scopes: ScopesStep; readonly client: ClientCredentials; readonly callbackPort?: number}
	| {readonly name: 'client-metadata-document'; readonly scopes: ScopesStep; readonly url: string; readonly check?: ClientMetadataDocumentCheck; readonly callbackPort?: number};

/** Where the browser login is: 'starting' before the authorization URL exists, then its screen's phases. */
export type LoginPhase =
	| {readonly kind: 'starting'}
	| {readonly kind: 'waiting'}
	| {readonly kind: 'pasting'; readonly error?: string}
	| {readonly kind: 'exchanging'}
	| {readonly kind: 'failed'; readonly error: ErrorInfo}
	/** The wait ended without a callback: the browser never came back. */
	| {readonly kind: 'timed-out'};

/** Requests to the redirect URI refused as not this login's (an old tab, a stray request): how many, and why the last. */
export type StrayCallbacks = {readonly count: number; readonly last: string};

/** What became of opening the browser; undefined while it is being opened. */
export type BrowserState = {readonly kind: 'opened'; readonly launch: BrowserLaunch} | {readonly kind: 'failed'; readonly message: string};

export type LoginStep = {
	readonly name: 'login';
	readonly from: ClientStep;
	readonly client: ClientCredentials;
	readonly registration?: RegistrationResult;
	/** Bumped by a retry, so that the login effect starts over. */
	readonly attempt: number;
	readonly authorizationUrl?: string;
	readonly startedAt?: number;
	readonly browser?: BrowserState;
	readonly phase: LoginPhase;
	/** Requests to the redirect URI refused during this attempt's wait. */
	readonly strays?: StrayCallbacks;
	/** y sent the URL to the terminal's clipboard. */
	readonly copied?: boolean;
	/** A login on another device (RFC 8628) instead of the browser here; its code once the server gave one. */
	readonly device?: {readonly code?: DeviceCode};
	/** An enterprise login's exchanges so far, and its tokens once there (shown until Enter). */
	readonly enterprise?: {readonly events: readonly EnterpriseEvent[]; readonly tokens?: TokenSet};
};

/** What happens on the way from the URL to the tokens. */
export type LoginAction =
	| {readonly type: 'url-submitted'; readonly url: string}
	| {readonly type: 'attempt-started'; readonly stage: DiscoveryStage; readonly url: string}
	| {readonly type: 'attempt-finished'; readonly attempt: Attempt}
	| {readonly type: 'discovery-finished'; readonly discovery: Discovery}
	| {readonly type: 'discovery-failed'; readonly error: ErrorInfo}
	| {readonly type: 'raw-toggled'}
	| {readonly type: 'metadata-accepted'}
	| {readonly type: 'scopes-changed'; readonly selected: readonly string[]}
	| {readonly type: 'scope-adding-started'}
	| {readonly type: 'scope-adding-cancelled'}
	| {readonly type: 'scope-added'; readonly scope: string}
	/** With a pre-registered client or a Client ID Metadata Document (flags), the registration preview is skipped. */
	| {readonly type: 'scopes-accepted'; readonly selected: readonly string[]; readonly preRegistered?: ClientCredentials; readonly documentUrl?: string}
	| {readonly type: 'document-checked'; readonly check: ClientMetadataDocumentCheck; readonly callbackPort?: number}
	| {readonly type: 'client-way-opened'}
	| {readonly type: 'client-way-picked'; readonly way: WayChoice}
	| {readonly type: 'document-url-entered'; readonly url: string}
	| {readonly type: 'client-id-entered'; readonly clientId: string}
	| {readonly type: 'client-secret-entered'; readonly clientSecret?: string}
	/** The PEM of a private key read and checked from the path typed in; or why it cannot be used. */
	| {readonly type: 'private-key-entered'; readonly privateKey: string}
	| {readonly type: 'private-key-refused'; readonly message: string}
	/** An enterprise step's answer; the ID token comes read from its file, or refused with why. */
	| {readonly type: 'enterprise-answered'; readonly value: string}
	| {readonly type: 'id-token-read'; readonly token: string; readonly claims: AssertionClaims}
	| {readonly type: 'enterprise-refused'; readonly message: string}
	/** No ID token file: a login at the identity provider in the browser gets one. */
	| {readonly type: 'id-token-by-browser'}
	| {readonly type: 'enterprise-event'; readonly event: EnterpriseEvent}
	/** Enter on the exchanges, once the token is there. */
	| {readonly type: 'enterprise-accepted'}
	/** n on a failed enterprise login: the same identity provider and client, a new ID token. */
	| {readonly type: 'enterprise-new-id-token'}
	/** c on a failed enterprise login: the same identity provider and ID token, another MCP client (its secret was refused, say). */
	| {readonly type: 'enterprise-new-client'}
	| {readonly type: 'callback-server-failed'; readonly error: ErrorInfo}
	| {readonly type: 'name-editing-started'}
	| {readonly type: 'name-editing-cancelled'}
	| {readonly type: 'name-changed'; readonly name: string}
	| {readonly type: 'registration-sent'}
	| {readonly type: 'registration-succeeded'; readonly result: RegistrationResult}
	| {readonly type: 'registration-failed'; readonly error: ErrorInfo}
	| {readonly type: 'client-accepted'}
	| {readonly type: 'authorization-started'; readonly url: string; readonly startedAt: number}
	| {readonly type: 'browser-opened'; readonly launch: BrowserLaunch}
	| {readonly type: 'browser-failed'; readonly message: string}
	| {readonly type: 'url-copied'}
	/** d / b: from the browser login to one on another device, and back; a new attempt either way. */
	| {readonly type: 'login-way-switched'}
	| {readonly type: 'device-code-received'; readonly code: DeviceCode}
	| {readonly type: 'device-slowed-down'; readonly intervalMs: number}
	| {readonly type: 'paste-started'}
	| {readonly type: 'paste-cancelled'}
	| {readonly type: 'paste-refused'; readonly message: string}
	/** A request to the redirect URI without this login's state was refused; the wait goes on. */
	| {readonly type: 'callback-refused'; readonly message: string}
	| {readonly type: 'callback-received'}
	| {readonly type: 'login-failed'; readonly error: ErrorInfo}
	/** The wait for the browser reached its deadline: it never came back. */
	| {readonly type: 'login-timed-out'}
	| {readonly type: 'login-retried'}
	| {readonly type: 'tokens-received'; readonly tokens: TokenSet}
	/** With the port of the saved client's registered redirect URI, which a reused client must come back to. */
	| {readonly type: 'client-decided'; readonly decision: ReuseDecision; readonly callbackPort?: number};

/**
 * `mcp-auth-wizard <url>`: discovery for a URL that passes the URL screen's checks, else the URL screen
 * with why. A user name or password is taken out first: it is never shown, nor sent anywhere.
 */
export function startingUrlStep(input: string): Step {
	try {
		return {name: 'discovery', url: parseServerUrl(input).href, rows: []};
	} catch (error) {
		if (!(error instanceof WizardError)) throw error;
		let shown = input.trim();
		if (URL.canParse(shown)) {
			const url = new URL(shown);
			url.username = '';
			url.password = '';
			shown = url.href;
		}

		return {name: 'url', input: shown, error: `${error.message}. ${error.hint}`};
	}
}

/**
 * The saved login a login is saved as: the one it re-authorizes, steps up or logs in to again, else
 * --name's; undefined for a new one (named after the host), so a new login never replaces another.
 */
export function saveAs(scopes: ScopesStep, name: string | undefined): string | undefined {
	return scopes.account ?? scopes.metadata.reauth?.name ?? name;
}

/** The MCP server a login step logs in to, and whether it is a saved server's re-authorization; undefined off the login. */
export function loginTarget(step: Step): {readonly url: string; readonly reauth: boolean} | undefined {
	switch (step.name) {
		case 'discovery':
		case 'metadata': {
			return {url: step.url, reauth: step.reauth !== undefined};
		}

		case 'scopes': {
			return loginTarget(step.metadata);
		}

		case 'client-id':
		case 'client-way':
		case 'enterprise':
		case 'client-check':
		case 'registration':
		case 'pre-registered':
		case 'reused':
		case 'client-metadata-document': {
			return loginTarget(step.scopes);
		}

		case 'login': {
			return loginTarget(step.from);
		}

		default: {
			return undefined;
		}
	}
}

/** The way to a client id a client step stands for; undefined for other steps. */
export function clientWayOf(step: Step): WayChoice | undefined {
	switch (step.name) {
		case 'registration': {
			return 'dynamic-registration';
		}

		case 'pre-registered': {
			if (step.enterprise) return enterprise;
			return step.grant ?? (step.client.source === 'client-metadata-document' ? 'client-metadata-document' : 'pre-registered');
		}

		case 'reused': {
			return step.client.source === 'client-metadata-document' ? 'client-metadata-document' : step.client.source === 'registration' ? 'dynamic-registration' : 'pre-registered';
		}

		case 'client-metadata-document': {
			return 'client-metadata-document';
		}

		default: {
			return undefined;
		}
	}
}

function scopesStep(metadata: MetadataStep): ScopesStep {
	const choice = chooseScopes(metadata.discovery);
	if (!metadata.reauth) return {name: 'scopes', metadata, options: choice.options, selected: choice.defaults, reason: choice.reason, adding: false};
	// A re-authorization starts from the scopes of the last login, advertised or not.
	const {scopes} = metadata.reauth;
	const options = [...choice.options, ...scopes.filter(scope => !choice.options.some(option => option.scope === scope)).map(scope => ({scope, sources: ['user' as const]}))];
	return {name: 'scopes', metadata, options, selected: scopes, reason: 'the scopes of your last login', adding: false};
}

/** The grant a login gets its tokens by: the browser's code, another device's, the client's own credentials, or an ID-JAG. */
export type WizardGrant = 'authorization_code' | 'device_code' | typeof clientCredentials | 'jwt-bearer';

export function grantOf(login: LoginStep): WizardGrant {
	if (login.from.name === 'pre-registered' && login.from.enterprise) return 'jwt-bearer';
	if (login.from.name === 'pre-registered' && login.from.grant) return login.from.grant;
	return login.device ? 'device_code' : 'authorization_code';
}

/**
 * Whether only the ways without a browser work here: the server offers one (client credentials, an
 * ID-JAG) and no code flow, or one that cannot be used (no S256, no authorization endpoint).
 */
function browserlessOnly(discovery: Discovery): boolean {
	const metadata = discovery.authorizationServer?.metadata;
	if (!metadata || !(supportsClientCredentials(metadata) || supportsJwtBearer(metadata))) return false;
	return metadata.grant_types_supported?.includes('authorization_code') === false || discoveryError(discovery) !== undefined;
}

/** Whether the metadata step lets the login go on: the browser login, or a way without a browser the server offers. */
export function metadataUsable(discovery: Discovery): boolean {
	const metadata = discovery.authorizationServer?.metadata;
	const browserless = metadata !== undefined && (supportsClientCredentials(metadata) || supportsJwtBearer(metadata));
	return discoveryError(discovery, {codeFlow: !browserless}) === undefined;
}

/** Whether the authorization server offers a login on another device (RFC 8628), for d on the login screen. */
export function deviceLoginOffered(login: LoginStep): boolean {
	const metadata = login.from.scopes.metadata.discovery.authorizationServer?.metadata;
	// A client registered just now must have asked for the grant, and been given it.
	const registered = login.registration?.response['grant_types'] ?? login.registration?.request.grant_types;
	return grantOf(login) === 'authorization_code' && metadata !== undefined && supportsDeviceLogin(metadata) && (registered === undefined || (Array.isArray(registered) && registered.includes(deviceCodeGrant)));
}

/** The login again, from a new authorization request: the login effect starts over on a new attempt. */
export function newAttempt(login: LoginStep): LoginStep {
	return {...login, attempt: login.attempt + 1, authorizationUrl: undefined, startedAt: undefined, browser: undefined, copied: undefined, strays: undefined, device: login.device && {}, enterprise: login.enterprise && {events: []}, phase: {kind: 'starting'}};
}

/**
 * An enterprise login again: the same identity provider and client, a new ID token. A client's secret
 * is never sent to another authorization server than its own (MCP 2026-07-28, credentials are per
 * issuer): where the resource metadata names another one now, its client is asked for.
 */
export function enterpriseAgain(scopes: ScopesStep, saved: SavedEnterprise, issuer: string | undefined, error?: string): EnterpriseStep {
	const idp = givenIdentityProvider(saved.identityProvider);
	if (issuer !== saved.issuer) {
		return {name: 'enterprise', scopes, answers: idp, error: `The authorization server changed from ${saved.issuer} to ${issuer ?? 'none'}: its client's secret is not sent to another one. Give the ID token, then the new server's client.`};
	}

	return {name: 'enterprise', scopes, saved, answers: {...idp, clientId: saved.client.clientId}, error};
}

/** The answers of an identity provider given before, shown as typed ones and used as it was given. */
function givenIdentityProvider(identityProvider: IdentityProviderInput): EnterpriseAnswers {
	return {idpIssuer: identityProvider.issuer ?? identityProvider.tokenEndpoint, idpClientId: identityProvider.clientId, identityProvider};
}

/** A failed enterprise login's identity provider and ID token kept (one from the browser login is got again), another MCP client asked for. */
function enterpriseNewClient(login: LoginStep): EnterpriseStep | undefined {
	const {from} = login;
	if (from.name !== 'pre-registered' || !from.enterprise || login.phase.kind !== 'failed') return undefined;
	const {idToken} = from.enterprise;
	return {name: 'enterprise', scopes: from.scopes, answers: {...givenIdentityProvider(from.enterprise.identityProvider), idToken: idToken === undefined ? 'browser' : {token: idToken, claims: assertionClaims(idToken) ?? {}}}};
}

/** The enterprise login a login step ran, to run again with a new ID token; undefined for other logins. */
export function enterpriseOf(login: LoginStep): SavedEnterprise | undefined {
	const {from} = login;
	if (from.name !== 'pre-registered' || !from.enterprise) return undefined;
	return {identityProvider: from.enterprise.identityProvider, client: from.client, issuer: from.scopes.metadata.discovery.authorizationServer?.issuer ?? ''};
}

/** A client acting as itself (MCP extension SEP-1046): its id, then its secret or private key. */
function clientCredentialsStep(scopes: ScopesStep): ClientIdStep {
	return {name: 'client-id', scopes, reason: 'The client id and its secret or private key that the server operator registered: the token is the client\'s own, no user logs in and no browser opens (client_credentials, RFC 6749 4.4).', field: 'client-id', grant: clientCredentials};
}

/** The token screen of a login that has its tokens. After a step-up (MCP 2025-11-25, Step-Up Authorization Flow) the refused call is made again. */
function tokensStep(login: LoginStep, tokens: TokenSet): Step {
	const {stepUpTool} = login.from.scopes;
	return {name: 'tokens', login, tokens, refresh: {kind: 'idle'}, check: {kind: 'idle'}, call: stepUpTool === undefined ? undefined : {kind: 'running', tool: stepUpTool}};
}

/** A registration preview, with the client name chosen before, if any. */
function registrationStep(scopes: ScopesStep, notice?: string): ClientStep {
	return {name: 'registration', scopes, clientName: scopes.clientName ?? defaultClientName, phase: {kind: 'preview'}, notice};
}

/** Applies a login action to the step it belongs to; one for another step (a late effect) is ignored. */
export function reduceLoginStep(step: Step, action: LoginAction): Step {
	switch (action.type) {
		case 'url-submitted': {
			return step.name === 'url' ? {name: 'discovery', url: action.url, rows: []} : step;
		}

		case 'attempt-started': {
			return step.name === 'discovery' ? {...step, rows: [...step.rows, {stage: action.stage, url: action.url}]} : step;
		}

		case 'attempt-finished': {
			if (step.name !== 'discovery') return step;
			const index = step.rows.findIndex(row => row.url === action.attempt.url && row.stage === action.attempt.stage && row.attempt === undefined);
			const rows = index === -1 ? [...step.rows, {stage: action.attempt.stage, url: action.attempt.url, attempt: action.attempt}] : step.rows.map((row, at) => (at === index ? {...row, attempt: action.attempt} : row));
			return {...step, rows};
		}

		case 'discovery-finished': {
			return step.name === 'discovery' ? {name: 'metadata', url: step.url, discovery: action.discovery, showRaw: false, reauth: step.reauth} : step;
		}

		case 'discovery-failed': {
			return step.name === 'discovery' ? {...step, error: action.error} : step;
		}

		case 'raw-toggled': {
			return step.name === 'metadata' ? {...step, showRaw: !step.showRaw} : step;
		}

		case 'metadata-accepted': {
			return step.name === 'metadata' ? scopesStep(step) : step;
		}

		case 'scopes-changed': {
			return step.name === 'scopes' ? {...step, selected: action.selected} : step;
		}

		case 'scope-adding-started': {
			return step.name === 'scopes' ? {...step, adding: true} : step;
		}

		case 'scope-adding-cancelled': {
			return step.name === 'scopes' ? {...step, adding: false} : step;
		}

		case 'scope-added': {
			if (step.name !== 'scopes') return step;
			const known = step.options.some(option => option.scope === action.scope);
			return {
				...step,
				adding: false,
				options: known ? step.options : [...step.options, {scope: action.scope, sources: ['user']}],
				selected: step.selected.includes(action.scope) ? step.selected : [...step.selected, action.scope],
			};
		}

		case 'scopes-accepted': {
			if (step.name !== 'scopes') return step;
			const scopes = {...step, selected: action.selected};
			if (action.preRegistered) return {name: 'pre-registered', scopes, client: action.preRegistered};
			if (action.documentUrl) return {name: 'client-metadata-document', scopes, url: action.documentUrl};
			const saved = step.metadata.reauth?.enterprise;
			if (saved) return enterpriseAgain(scopes, saved, step.metadata.discovery.authorizationServer?.issuer);
			if (step.metadata.reauth) return {name: 'client-check', scopes, reauth: step.metadata.reauth};
			const metadata = step.metadata.discovery.authorizationServer?.metadata;
			const itself = metadata !== undefined && supportsClientCredentials(metadata);
			const company = metadata !== undefined && supportsJwtBearer(metadata);
			// No browser login here: only the other ways, at once where there is one.
			const browserless = browserlessOnly(step.metadata.discovery);
			if (browserless && itself !== company) return itself ? clientCredentialsStep(scopes) : {name: 'enterprise', scopes, answers: {}};
			if (browserless) return {name: 'client-way', scopes, browserless};
			if (metadata && !metadata.registration_endpoint) {
				// A server that also takes clients acting as themselves, or ID-JAGs: the user says which way this login goes.
				if (itself || company) return {name: 'client-way', scopes};

				const reason = metadata.client_id_metadata_document_supported
					? 'This authorization server registers no clients; it takes Client ID Metadata Documents (start with --client-metadata-url <url> for that) or a pre-registered client.'
					: 'This authorization server offers no dynamic client registration (RFC 7591).';
				return {name: 'client-id', scopes, reason, field: 'client-id'};
			}

			return registrationStep(scopes);
		}

		case 'client-way-opened': {
			const current = clientWayOf(step);
			if (!current || (step.name === 'registration' && step.phase.kind !== 'preview' && step.phase.kind !== 'failed')) return step;
			const {scopes} = step as ClientStep;
			return {name: 'client-way', scopes, current, browserless: browserlessOnly(scopes.metadata.discovery)};
		}

		case 'client-way-picked': {
			if (step.name !== 'client-way') return step;
			if (action.way === 'dynamic-registration') return registrationStep(step.scopes);
			if (action.way === 'client-metadata-document') return {name: 'client-id', scopes: step.scopes, reason: 'The client id is the URL of a Client ID Metadata Document that lists this redirect URI.', field: 'document-url'};
			if (action.way === clientCredentials) return clientCredentialsStep(step.scopes);
			if (action.way === enterprise) return {name: 'enterprise', scopes: step.scopes, answers: {}};

			return {name: 'client-id', scopes: step.scopes, reason: 'A client id (and secret) the server operator registered for you.', field: 'client-id'};
		}

		case 'document-url-entered': {
			return step.name === 'client-id' && step.field === 'document-url' ? {name: 'client-metadata-document', scopes: step.scopes, url: action.url} : step;
		}

		case 'document-checked': {
			return step.name === 'client-metadata-document' ? {...step, check: action.check, callbackPort: action.callbackPort} : step;
		}

		case 'client-id-entered': {
			return step.name === 'client-id' ? {...step, field: 'client-secret', clientId: action.clientId} : step;
		}

		case 'client-secret-entered': {
			const metadata = step.name === 'client-id' ? step.scopes.metadata.discovery.authorizationServer?.metadata : undefined;
			if (step.name !== 'client-id' || step.clientId === undefined || !metadata) return step;
			// A client acting as itself must authenticate: without a secret, its private key.
			if (step.grant && action.clientSecret === undefined) return {...step, field: 'private-key'};
			return {name: 'pre-registered', scopes: step.scopes, client: preRegisteredClient(metadata, step.clientId, action.clientSecret), grant: step.grant};
		}

		case 'private-key-entered': {
			if (step.name !== 'client-id' || step.field !== 'private-key' || step.clientId === undefined) return step;
			return {name: 'pre-registered', scopes: step.scopes, client: {clientId: step.clientId, privateKey: action.privateKey, authMethod: 'private_key_jwt', source: 'pre-registered'}, grant: step.grant};
		}

		case 'enterprise-answered': {
			if (step.name !== 'enterprise') return step;
			const {answers} = step;
			const question = enterpriseQuestion(answers);
			if (question === 'idp-issuer') {
				// Said at once: its metadata names where the ID token goes.
				const problem = identityProviderIssuerProblem(action.value);
				return problem === undefined ? {...step, answers: {...answers, idpIssuer: action.value}, error: undefined} : {...step, error: `${problem}.`};
			}

			if (question === 'idp-client-id') return {...step, answers: {...answers, idpClientId: action.value}, error: undefined};
			if (question === 'client-id') return {...step, answers: {...answers, clientId: action.value}, error: undefined};
			const metadata = step.scopes.metadata.discovery.authorizationServer?.metadata;
			if (question !== 'client-secret' || !metadata || answers.idToken === undefined || answers.clientId === undefined) return step;
			return {
				name: 'pre-registered',
				scopes: step.scopes,
				client: preRegisteredClient(metadata, answers.clientId, action.value),
				enterprise: {identityProvider: answers.identityProvider ?? {issuer: answers.idpIssuer!, clientId: answers.idpClientId!}, ...(answers.idToken === 'browser' ? {} : {idToken: answers.idToken.token})},
			};
		}

		case 'id-token-by-browser': {
			if (step.name !== 'enterprise' || enterpriseQuestion(step.answers) !== 'id-token') return step;
			// Its metadata names the browser login's endpoint: one given by its token endpoint only has none.
			const given = step.saved?.identityProvider ?? step.answers.identityProvider;
			if (given && !hasBrowserLogin(given)) return {...step, error: 'This identity provider was given by its token endpoint only, which has no browser login: give the file of a new ID token.'};
			if (!step.saved) return {...step, answers: {...step.answers, idToken: 'browser'}, error: undefined};
			return {name: 'pre-registered', scopes: step.scopes, client: step.saved.client, enterprise: {identityProvider: step.saved.identityProvider}};
		}

		case 'id-token-read': {
			if (step.name !== 'enterprise' || enterpriseQuestion(step.answers) !== 'id-token') return step;
			// A login again has all else: on to its client.
			if (step.saved) return {name: 'pre-registered', scopes: step.scopes, client: step.saved.client, enterprise: {identityProvider: step.saved.identityProvider, idToken: action.token}};
			return {...step, answers: {...step.answers, idToken: {token: action.token, claims: action.claims}}, error: undefined};
		}

		case 'enterprise-refused': {
			// Only the ID token's file is read: a late refusal must not land on another question.
			return step.name === 'enterprise' && enterpriseQuestion(step.answers) === 'id-token' ? {...step, error: action.message} : step;
		}

		case 'enterprise-event': {
			return step.name === 'login' && step.enterprise ? {...step, enterprise: {...step.enterprise, events: [...step.enterprise.events, action.event]}} : step;
		}

		case 'enterprise-new-id-token': {
			const saved = step.name === 'login' && step.phase.kind === 'failed' ? enterpriseOf(step) : undefined;
			return step.name === 'login' && saved ? enterpriseAgain(step.from.scopes, saved, saved.issuer) : step;
		}

		case 'enterprise-new-client': {
			return (step.name === 'login' && enterpriseNewClient(step)) || step;
		}

		case 'enterprise-accepted': {
			return step.name === 'login' && step.enterprise?.tokens ? tokensStep(step, step.enterprise.tokens) : step;
		}

		case 'private-key-refused': {
			return step.name === 'client-id' && step.field === 'private-key' ? {...step, keyError: action.message} : step;
		}

		case 'client-decided': {
			if (step.name !== 'client-check') return step;
			if (!action.decision.reuse) return registrationStep(step.scopes, `Registering a new client: ${action.decision.reason}.`);
			const from: ClientStep = {name: 'reused', scopes: step.scopes, client: action.decision.client, callbackPort: action.callbackPort};
			return {name: 'login', from, client: action.decision.client, attempt: 1, phase: {kind: 'starting'}};
		}

		case 'name-editing-started': {
			return step.name === 'registration' && step.phase.kind === 'preview' ? {...step, phase: {kind: 'editing-name'}} : step;
		}

		case 'name-editing-cancelled': {
			return step.name === 'registration' ? {...step, phase: {kind: 'preview'}} : step;
		}

		case 'name-changed': {
			if (step.name !== 'registration') return step;
			// Kept with the scopes too: Esc, another way and back, or a new preview keep the name.
			const clientName = action.name.trim() || step.clientName;
			return {...step, clientName, scopes: {...step.scopes, clientName}, phase: {kind: 'preview'}};
		}

		case 'registration-sent': {
			return step.name === 'registration' && (step.phase.kind === 'preview' || step.phase.kind === 'failed') ? {...step, phase: {kind: 'sending'}} : step;
		}

		case 'registration-succeeded': {
			return step.name === 'registration' ? {...step, phase: {kind: 'registered', result: action.result}} : step;
		}

		case 'registration-failed':
		case 'callback-server-failed': {
			return step.name === 'registration' ? {...step, phase: {kind: 'failed', error: action.error}} : step;
		}

		case 'client-accepted': {
			if (step.name === 'pre-registered') {
				// A client acting as itself asks for, and is saved with, the scopes it can be granted.
				const from = step.grant === clientCredentials ? {...step, scopes: {...step.scopes, selected: clientCredentialsScopes(step.scopes.selected)}} : step;
				return {name: 'login', from, client: step.client, attempt: 1, phase: {kind: 'starting'}, ...(step.enterprise ? {enterprise: {events: []}} : {})};
			}

			if (step.name === 'client-metadata-document' && step.check && step.check.errors.length === 0) {
				return {name: 'login', from: step, client: clientMetadataDocumentClient(step.url), attempt: 1, phase: {kind: 'starting'}};
			}
			if (step.name === 'registration' && step.phase.kind === 'registered') {
				return {name: 'login', from: step, client: step.phase.result.client, registration: step.phase.result, attempt: 1, phase: {kind: 'starting'}};
			}

			return step;
		}

		case 'authorization-started': {
			return step.name === 'login' ? {...step, authorizationUrl: action.url, startedAt: action.startedAt, phase: {kind: 'waiting'}, strays: undefined} : step;
		}

		case 'browser-opened': {
			return step.name === 'login' ? {...step, browser: {kind: 'opened', launch: action.launch}} : step;
		}

		case 'browser-failed': {
			return step.name === 'login' ? {...step, browser: {kind: 'failed', message: action.message}} : step;
		}

		case 'url-copied': {
			return step.name === 'login' ? {...step, copied: true} : step;
		}

		case 'login-way-switched': {
			if (step.name !== 'login' || step.phase.kind === 'exchanging' || (!step.device && !deviceLoginOffered(step))) return step;
			return {...newAttempt(step), device: step.device ? undefined : {}};
		}

		case 'device-code-received': {
			return step.name === 'login' && step.device ? {...step, device: {code: action.code}, startedAt: Date.now(), phase: {kind: 'waiting'}} : step;
		}

		case 'device-slowed-down': {
			return step.name === 'login' && step.device?.code ? {...step, device: {code: {...step.device.code, intervalMs: action.intervalMs}}} : step;
		}

		case 'paste-started': {
			return step.name === 'login' && step.phase.kind === 'waiting' ? {...step, phase: {kind: 'pasting'}} : step;
		}

		case 'paste-cancelled': {
			return step.name === 'login' && step.phase.kind === 'pasting' ? {...step, phase: {kind: 'waiting'}} : step;
		}

		case 'paste-refused': {
			return step.name === 'login' && step.phase.kind === 'pasting' ? {...step, phase: {kind: 'pasting', error: action.message}} : step;
		}

		case 'callback-refused': {
			return step.name === 'login' ? {...step, strays: {count: (step.strays?.count ?? 0) + 1, last: action.message}} : step;
		}

		case 'callback-received': {
			return step.name === 'login' ? {...step, phase: {kind: 'exchanging'}} : step;
		}

		case 'login-failed': {
			return step.name === 'login' ? {...step, phase: {kind: 'failed', error: action.error}} : step;
		}

		case 'login-timed-out': {
			return step.name === 'login' && (step.phase.kind === 'waiting' || step.phase.kind === 'pasting') ? {...step, phase: {kind: 'timed-out'}} : step;
		}

		case 'login-retried': {
			return step.name === 'login' && (step.phase.kind === 'failed' || step.phase.kind === 'timed-out') ? newAttempt(step) : step;
		}

		case 'tokens-received': {
			if (step.name !== 'login') return step;
			// The exchanges stay on screen, with the ID-JAG's claims, until Enter.
			if (step.enterprise) return {...step, enterprise: {...step.enterprise, tokens: action.tokens}};
			return tokensStep(step, action.tokens);
		}

		default: {
			return assertNever(action);
		}
	}
}
