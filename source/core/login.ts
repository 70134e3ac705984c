import {type AuthorizationSession, beginAuthorization, defaultLoginTimeoutMs} from './authorization-session.js';
import type {PendingAuthorization} from './authorize.js';
import {type BrowserLaunch, openBrowser} from './browser.js';
import {type CallbackServer, startCallbackServer} from './callback-server.js';
import {type ClientCredentials, preRegisteredClient} from './client.js';
import {type ClientMetadataDocumentCheck, checkClientMetadataDocument, clientForDocument, clientMetadataUrlProblem} from './client-metadata-document.js';
import {type ClientWayChoice, chooseClientWay} from './client-way.js';
import {type Discovery, type DiscoveryEvent, assertUsable, discover} from './discovery.js';
import {WizardError} from './errors.js';
import type {HttpClient} from './http.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {type RegistrationRequest, type RegistrationResult, buildRegistrationRequest, registerClient} from './registration.js';
import {type ScopeChoice, chooseScopes} from './scopes.js';
import {type TokenSet, exchangeCode} from './tokens.js';
import {type DeviceLoginEvent, deviceLogin, noDeviceLogin, supportsDeviceLogin, verificationAddress} from './device.js';

export type LoginEvent =
	| {readonly type: 'discovery'; readonly event: DiscoveryEvent}
	| {readonly type: 'discovered'; readonly discovery: Discovery}
	| {readonly type: 'scopes-chosen'; readonly choice: ScopeChoice; readonly scopes: readonly string[]}
	/** How the client id is had; not sent when a saved client is logged in with again. */
	| {readonly type: 'client-way'; readonly choice: ClientWayChoice}
	/** A --client-metadata-url that is not used (the AS does not support them): the login falls back to `choice.way`. */
	| {readonly type: 'client-metadata-document-unused'; readonly url: string; readonly why: string; readonly choice: ClientWayChoice}
	/** The Client ID Metadata Document as checked from here; `redirectUri` is the callback it covers, once listening. */
	| {readonly type: 'client-metadata-document'; readonly check: ClientMetadataDocumentCheck; readonly redirectUri?: string}
	| {readonly type: 'registering'; readonly endpoint: string; readonly request: RegistrationRequest}
	| {readonly type: 'registered'; readonly registration: RegistrationResult}
	| {readonly type: 'authorization-started'; readonly url: string; readonly redirectUri: string; readonly timeoutMs: number}
	| {readonly type: 'browser'; readonly launch: BrowserLaunch}
	| {readonly type: 'browser-failed'; readonly error: WizardError}
	/** A request to the redirect URI without this login's state was refused (an old tab?); the wait goes on. */
	| {readonly type: 'callback-refused'; readonly redirectUri: string; readonly message: string}
	| {readonly type: 'callback-received'}
	| DeviceLoginEvent
	| {readonly type: 'tokens-received'};

export type LoginOptions = {
	readonly http: HttpClient;
	/** The scopes to ask for; undefined takes the spec's default selection. */
	readonly scopes?: readonly string[];
	readonly clientId?: string;
	readonly clientSecret?: string;
	/**
	 * The URL of a Client ID Metadata Document, used as the client id where the authorization server
	 * supports them (MCP 2025-11-25); elsewhere the login falls back to registration, with an event.
	 */
	readonly clientMetadataUrl?: string;
	/** A client registered before, to log in with again instead of registering (re-authorization). */
	readonly client?: ClientCredentials;
	/** Discovery already done (re-authorization decides on the client with it). */
	readonly discovery?: Discovery;
	readonly clientName?: string;
	/** 0 or undefined: a random free port. */
	readonly callbackPort?: number;
	/** Redirect URIs to register besides the loopback one (another client's, RFC 7591 2 redirect_uris). */
	readonly redirectUris?: readonly string[];
	/** Log in on another device (RFC 8628) instead of with a browser here: no callback listener. */
	readonly device?: boolean;
} & BrowserLoginOptions;

/** How the browser part of a login runs: both `login()` and `authorize()` take these as they are. */
export type BrowserLoginOptions = {
	/** How long the browser is waited for; undefined: 5 minutes. */
	readonly timeoutMs?: number;
	readonly noOpen?: boolean;
	/** Where BROWSER is read from. */
	readonly env?: NodeJS.ProcessEnv;
	readonly signal?: AbortSignal;
	readonly onEvent?: (event: LoginEvent) => void;
	/** The session once its URL exists: to open it again, or to take a pasted redirect URL. */
	readonly onSession?: (session: AuthorizationSession) => void;
};

export type LoginResult = {
	readonly discovery: Discovery & {authorizationServer: NonNullable<Discovery['authorizationServer']>};
	readonly scopeChoice: ScopeChoice;
	readonly scopes: readonly string[];
	readonly registration?: RegistrationResult;
	/** How the client id was had; undefined when a saved client was logged in with again. */
	readonly clientWay?: ClientWayChoice;
	readonly clientMetadataDocument?: ClientMetadataDocumentCheck;
	readonly client: ClientCredentials;
	/** Undefined for a login on another device. */
	readonly redirectUri?: string;
	readonly tokens: TokenSet;
};

/**
 * A whole login, step by step: discovery, scopes, client (pre-registered, a Client ID Metadata
 * Document, or registered), the browser authorization with a loopback callback, and the code exchange.
 * Used by the scriptable `login`; the wizard runs the same steps one screen at a time.
 */
export async function login(mcpUrl: string, options: LoginOptions): Promise<LoginResult> {
	const {http, signal, onEvent} = options;
	// A saved Client ID Metadata Document client is checked again, like a new one: the document may have changed.
	const savedDocumentUrl = options.client?.source === 'client-metadata-document' ? options.client.clientId : undefined;
	const savedClient = savedDocumentUrl === undefined ? options.client : undefined;
	const clientMetadataUrl = options.clientMetadataUrl ?? savedDocumentUrl;
	const urlProblem = clientMetadataUrl === undefined ? undefined : clientMetadataUrlProblem(clientMetadataUrl);
	if (urlProblem !== undefined) {
		throw new WizardError('input', `The Client ID Metadata Document URL cannot be a client id: ${urlProblem}`, 'Pass an https URL with a path, e.g. --client-metadata-url https://example.com/mcp-client.json (http only on localhost).');
	}

	const hasClientId = options.clientId !== undefined || savedClient !== undefined;
	const discovery = options.discovery ?? (await discover(mcpUrl, {http, signal, hasClientId, clientMetadataUrl, onEvent: event => onEvent?.({type: 'discovery', event})}));
	onEvent?.({type: 'discovered', discovery});
	assertUsable(discovery);
	const {metadata} = discovery.authorizationServer;

	const scopeChoice = chooseScopes(discovery);
	const scopes = options.scopes ?? scopeChoice.defaults;
	onEvent?.({type: 'scopes-chosen', choice: scopeChoice, scopes});

	let clientWay: ClientWayChoice | undefined;
	let documentCheck: ClientMetadataDocumentCheck | undefined;
	let documentClient: ReturnType<typeof clientForDocument> | undefined;
	let callbackPort = options.callbackPort;
	if (!savedClient) {
		clientWay = chooseClientWay({metadata, clientId: options.clientId, clientMetadataUrl});
		onEvent?.({type: 'client-way', choice: clientWay});
		if (clientMetadataUrl !== undefined && clientWay.way !== 'client-metadata-document') {
			// MCP 2025-11-25: clients MAY fall back to registration or pre-registration where the AS does not support them.
			const why = clientWay.unavailable.find(option => option.way === 'client-metadata-document')?.why ?? 'another way comes first';
			onEvent?.({type: 'client-metadata-document-unused', url: clientMetadataUrl, why, choice: clientWay});
		}

		if (clientWay.way === 'ask') {
			// Discovery reports the same as an error finding; this is for a discovery made elsewhere.
			throw new WizardError('client', 'There is no way to get a client id for this authorization server', `${clientWay.reason}.`);
		}

		if (clientWay.way === 'client-metadata-document' && clientMetadataUrl !== undefined) {
			documentCheck = await checkClientMetadataDocument(http, clientMetadataUrl, {signal, callbackPort: options.callbackPort, scopes});
			if (documentCheck.errors.length > 0) onEvent?.({type: 'client-metadata-document', check: documentCheck});
			// Throws on errors: refused before any authorization request, as the authorization server would.
			documentClient = clientForDocument(documentCheck, options.callbackPort);
			callbackPort = documentClient.callbackPort;
		}
	}

	if (options.device && !supportsDeviceLogin(metadata)) throw noDeviceLogin(metadata);
	// The listener starts first: the registration names its redirect URI, port included.
	const callbackServer = options.device ? undefined : await startCallbackServer({port: callbackPort});
	try {
		const redirectUri = callbackServer?.redirectUri;
		let registration: RegistrationResult | undefined;
		let client: ClientCredentials;
		if (savedClient) {
			client = savedClient;
		} else if (documentCheck !== undefined && documentClient !== undefined) {
			onEvent?.({type: 'client-metadata-document', check: documentCheck, redirectUri});
			client = documentClient.client;
		} else if (clientWay?.way === 'pre-registered' && options.clientId !== undefined) {
			client = preRegisteredClient(metadata, options.clientId, options.clientSecret);
		} else {
			const request = buildRegistrationRequest({metadata, redirectUri, scopes, clientName: options.clientName, extraRedirectUris: options.redirectUris});
			onEvent?.({type: 'registering', endpoint: metadata.registration_endpoint ?? '', request});
			registration = await registerClient(http, metadata, request, {signal});
			onEvent?.({type: 'registered', registration});
			client = registration.client;
		}

		const common = {http, metadata, client, scopes, resource: discovery.resource, signal, onEvent};
		const tokens = callbackServer
			? await authorize({...common, callbackServer, mcpUrl, timeoutMs: options.timeoutMs, noOpen: options.noOpen, env: options.env, onSession: options.onSession})
			: await deviceLogin({...common, timeoutMs: options.timeoutMs, onCode: async code => opened(verificationAddress(code), options, onEvent)});
		if (!callbackServer) onEvent?.({type: 'tokens-received'});
		return {discovery, scopeChoice, scopes, registration, clientWay, clientMetadataDocument: documentCheck, client, redirectUri, tokens};
	} finally {
		await callbackServer?.close();
	}
}

/** Opens `url` in the browser unless told not to; a browser that cannot be opened is said, and the login goes on. */
async function opened(url: string, options: BrowserLoginOptions, onEvent: BrowserLoginOptions['onEvent']): Promise<void> {
	try {
		// Opened before the event: `onEvent?.(...)` would skip evaluating its argument without a listener.
		const launch = await openBrowser(url, {noOpen: options.noOpen, env: options.env});
		onEvent?.({type: 'browser', launch});
	} catch (error) {
		if (!(error instanceof WizardError)) throw error;
		onEvent?.({type: 'browser-failed', error});
	}
}

export type AuthorizeInput = {
	readonly http: HttpClient;
	readonly metadata: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	/** The loopback listener the redirect URI names; closed when the authorization ends, however it ends. */
	readonly callbackServer: CallbackServer;
	readonly scopes: readonly string[];
	/** The `resource` of the authorization and token requests (RFC 8707). */
	readonly resource: string;
	/** Named on the browser's success page. */
	readonly mcpUrl: string;
} & BrowserLoginOptions;

/**
 * The browser login and the code exchange, the part of a login both the CLI and the wizard run as it
 * is: the authorization request with PKCE and `resource` (RFC 7636, RFC 8707), the browser opened (a
 * browser that cannot be opened is no reason to stop: the URL is shown), the callback checked (state,
 * issuer: RFC 9207), and the code exchanged. A wait that runs out rejects with a CallbackTimeoutError.
 */
export async function authorize(input: AuthorizeInput): Promise<TokenSet> {
	const {http, metadata, client, signal} = input;
	return browserLogin({...input, serverLabel: input.mcpUrl}, async (pending, callbackParameters) => exchangeCode({http, metadata, client, pending, callbackParameters, signal}));
}

/** A browser login's request and where it ends, for any authorization server: the MCP server's, or an identity provider (no `resource`). */
type BrowserLoginInput = Omit<AuthorizeInput, 'resource' | 'mcpUrl' | 'http'> & {
	readonly resource?: string;
	/** Named on the browser's success page. */
	readonly serverLabel: string;
};

/** The browser part of `authorize`; `redeem` exchanges the checked callback's code, the listener still open. */
export async function browserLogin<T>(input: BrowserLoginInput, redeem: (pending: PendingAuthorization, callbackParameters: URLSearchParams) => Promise<T>): Promise<T> {
	const {metadata, client, callbackServer, signal, onEvent} = input;
	const {redirectUri} = callbackServer;
	try {
		const timeoutMs = input.timeoutMs ?? defaultLoginTimeoutMs;
		const session = await beginAuthorization({metadata, client, callbackServer, scopes: input.scopes, ...(input.resource === undefined ? {} : {resource: input.resource}), timeoutMs, signal, serverLabel: input.serverLabel, onStray: message => onEvent?.({type: 'callback-refused', redirectUri, message})});
		const {pending} = session;
		onEvent?.({type: 'authorization-started', url: pending.url, redirectUri, timeoutMs});
		input.onSession?.(session);
		await opened(pending.url, input, onEvent);

		const callbackParameters = await session.callback;
		onEvent?.({type: 'callback-received'});
		const redeemed = await redeem(pending, callbackParameters);
		onEvent?.({type: 'tokens-received'});
		return redeemed;
	} finally {
		await callbackServer.close();
	}
}
