import type {BrowserLaunch} from '../core/browser.js';
import type {ErrorInfo} from '../components/error-box.js';
import type {DiscoveryRow} from '../screens/discovery-screen.js';
import type {BrowserState, LoginPhase as ScreenLoginPhase, StrayCallbacks} from '../screens/login-screen.js';
import type {RegistrationPhase} from '../screens/registration-screen.js';
import type {CheckState, RefreshState} from '../screens/token-screen.js';
import {type ClientCredentials, clientMetadataDocumentClient, preRegisteredClient} from '../core/client.js';
import type {ClientMetadataDocumentCheck} from '../core/client-metadata-document.js';
import type {ClientWay} from '../core/client-way.js';
import {type ToolCallResult, stepUpScopes} from '../core/tool-call.js';
import type {ToolCallState} from '../screens/tool-call-panel.js';
import type {Attempt, Discovery, DiscoveryStage} from '../core/discovery.js';
import {WizardError} from '../core/errors.js';
import {parseServerUrl} from '../core/urls.js';
import type {McpCheckResult} from '../core/mcp-check.js';
import {type RegistrationResult, defaultClientName} from '../core/registration.js';
import {type ScopeOption, chooseScopes} from '../core/scopes.js';
import type {TokenSet} from '../core/tokens.js';
import type {ReuseDecision} from '../core/client-reuse.js';
import type {ServerChange} from '../store/changes.js';
import type {SavedServer} from '../store/types.js';
import {type ServerAction, type ServerActivity, type ServerScreenProps, type ServerView} from '../screens/server-screen.js';

type Confirmable = NonNullable<ServerScreenProps['confirming']>;

/** An error as the screens show it: what failed, what the server said, what to try. */
export function toErrorInfo(error: unknown): ErrorInfo {
	if (error instanceof WizardError) return {message: error.message, hint: error.hint, answer: error.answer};
	return {message: error instanceof Error ? error.message : String(error), hint: 'This is unexpected: press t for the HTTP trace, and report it if it repeats.'};
}

/** A re-authorization of a saved server: its URL, and the scopes of its last login to start from. */
export type Reauthorization = {readonly mcpUrl: string; readonly scopes: readonly string[]};

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
};

/** No way to get a client id but asking the user (MCP 2025-11-25, Client Registration Approaches: else prompt the user): a client id, then its secret. */
export type ClientIdStep = {readonly name: 'client-id'; readonly scopes: ScopesStep; readonly reason: string; readonly field: 'client-id' | 'client-secret' | 'document-url'; readonly clientId?: string};

/** The user picks another of the ways to a client id the server supports (w on a client step). */
export type ClientWayStep = {readonly name: 'client-way'; readonly scopes: ScopesStep; readonly current?: ClientWay};

/** A re-authorization asks the authorization server whether the saved client still works. */
export type ClientCheckStep = {readonly name: 'client-check'; readonly scopes: ScopesStep; readonly reauth: Reauthorization};

/**
 * The client step: a registration to preview and send (with why, when a saved client could not be
 * reused), a pre-registered client to show, or a saved client reused (no screen: straight to login).
 */
export type ClientStep =
	| {readonly name: 'registration'; readonly scopes: ScopesStep; readonly clientName: string; readonly phase: RegistrationPhase; readonly notice?: string}
	| {readonly name: 'pre-registered'; readonly scopes: ScopesStep; readonly client: ClientCredentials}
	| {readonly name: 'reused'; readonly scopes: ScopesStep; readonly client: ClientCredentials; readonly callbackPort?: number}
	| {readonly name: 'client-metadata-document'; readonly scopes: ScopesStep; readonly url: string; readonly check?: ClientMetadataDocumentCheck; readonly callbackPort?: number};

/** The screen's phases, and 'starting' before the authorization URL exists. */
export type LoginPhase = {readonly kind: 'starting'} | ScreenLoginPhase;

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
};

/** Whether the login is in the store; undefined while it is being saved. */
export type SaveState = {readonly kind: 'saved'; readonly name: string; readonly path: string} | {readonly kind: 'failed'; readonly message: string};

export type TokensStep = {
	readonly name: 'tokens';
	readonly login: LoginStep;
	readonly tokens: TokenSet;
	readonly refresh: RefreshState;
	readonly check: CheckState;
	readonly saved?: SaveState;
	/** A tool call from this screen, which may end in a step-up. */
	readonly call?: ToolCallState;
};

/** The saved servers, the home screen when there are any. */
export type ServersStep = {readonly name: 'servers'; readonly selection?: string};


export type ServerStep = {
	readonly name: 'server';
	readonly mcpUrl: string;
	readonly view: ServerView;
	readonly activity: ServerActivity;
	readonly confirming?: Confirmable;
	readonly renaming: boolean;
	readonly exporting?: ServerScreenProps['exporting'];
	readonly pending?: ServerChange;
};

export type Step = UrlStep | DiscoveryStep | MetadataStep | ScopesStep | ClientIdStep | ClientWayStep | ClientCheckStep | ClientStep | LoginStep | TokensStep | ServersStep | ServerStep;

export type WizardState = {
	readonly step: Step;
	/** The saved servers, as last read from the store. */
	readonly servers: readonly SavedServer[];
	/** Whether Esc from the first wizard step goes back to the saved-server list. */
	readonly home: boolean;
	/** The HTTP trace panel; independent of the step. */
	readonly traceOpen: boolean;
	/** The loopback redirect URI, once the listener is up (it stays up for the whole wizard). */
	readonly redirectUri?: string;
	readonly callbackError?: ErrorInfo;
};

export type Action =
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
	| {readonly type: 'client-way-picked'; readonly way: Exclude<ClientWay, 'ask'>}
	| {readonly type: 'document-url-entered'; readonly url: string}
	| {readonly type: 'client-id-entered'; readonly clientId: string}
	| {readonly type: 'client-secret-entered'; readonly clientSecret?: string}
	| {readonly type: 'callback-server-ready'; readonly redirectUri: string}
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
	/** From the token screen, once its refresh token was revoked: a new browser login with the same client. */
	| {readonly type: 'login-again'}
	| {readonly type: 'tokens-received'; readonly tokens: TokenSet}
	| {readonly type: 'saved'; readonly name: string; readonly path: string}
	| {readonly type: 'save-failed'; readonly message: string}
	| {readonly type: 'refresh-requested'}
	| {readonly type: 'refresh-succeeded'; readonly tokens: TokenSet}
	/** `revoked`: the server answered invalid_grant, and the saved tokens were cleared. */
	| {readonly type: 'refresh-failed'; readonly error: ErrorInfo; readonly revoked: boolean}
	| {readonly type: 'check-requested'}
	| {readonly type: 'check-finished'; readonly result: McpCheckResult}
	/** With the port of the saved client's registered redirect URI, which a reused client must come back to. */
	| {readonly type: 'client-decided'; readonly decision: ReuseDecision; readonly callbackPort?: number}
	| {readonly type: 'servers-loaded'; readonly servers: readonly SavedServer[]}
	| {readonly type: 'server-opened'; readonly mcpUrl: string}
	| {readonly type: 'server-add'}
	| {readonly type: 'server-action'; readonly action: ServerAction}
	| {readonly type: 'server-view'; readonly view: ServerView}
	| {readonly type: 'server-confirmed'}
	| {readonly type: 'server-cancelled'}
	| {readonly type: 'server-renamed'; readonly name: string}
	| {readonly type: 'server-export-shown'; readonly exporting: NonNullable<ServerScreenProps['exporting']>}
	| {readonly type: 'server-activity'; readonly activity: ServerActivity}
	| {readonly type: 'server-removed'; readonly message: string}
	| {readonly type: 'tool-call-opened'}
	| {readonly type: 'tool-picked'; readonly tool: string}
	| {readonly type: 'tool-call-finished'; readonly result: ToolCallResult}
	| {readonly type: 'tool-call-closed'}
	| {readonly type: 'step-up-accepted'}
	| {readonly type: 'back'}
	| {readonly type: 'trace-toggled'};

export function assertNever(value: never): never {
	throw new Error(`Unexpected ${JSON.stringify(value)}`);
}

export function initialState(start: {readonly url?: string; readonly servers: readonly SavedServer[]}): WizardState {
	const home = start.url === undefined && start.servers.length > 0;
	const step: Step = start.url !== undefined ? startingUrlStep(start.url) : home ? {name: 'servers'} : {name: 'url', input: ''};
	return {step, servers: start.servers, home, traceOpen: false};
}

/**
 * `mcp-auth-wizard <url>`: discovery for a URL that passes the URL screen's checks, else the URL screen
 * with why. A user name or password is taken out first: it is never shown, nor sent anywhere.
 */
function startingUrlStep(input: string): Step {
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

/** Where Esc goes from each step; undefined where there is nowhere to go back to. */
function previousStep(step: Step, home: boolean): Step | undefined {
	const list = (selection?: string): Step | undefined => (home ? {name: 'servers', selection} : undefined);
	switch (step.name) {
		case 'url': {
			return list();
		}

		case 'servers': {
			return undefined;
		}

		case 'server': {
			return {name: 'servers', selection: step.mcpUrl};
		}

		case 'discovery':
		case 'metadata': {
			return step.reauth ? serverStep(step.reauth.mcpUrl) : {name: 'url', input: step.url};
		}

		case 'scopes': {
			return step.metadata;
		}

		case 'client-check':
		case 'client-id':
		case 'client-way': {
			return step.scopes;
		}

		case 'registration': {
			return step.phase.kind === 'sending' ? undefined : {...step.scopes, adding: false};
		}

		case 'pre-registered':
		case 'reused':
		case 'client-metadata-document': {
			return step.scopes;
		}

		case 'login': {
			if (step.phase.kind === 'exchanging') return undefined;
			return step.from.name === 'reused' ? step.from.scopes : step.from;
		}

		case 'tokens': {
			return list(step.login.from.scopes.metadata.discovery.mcpUrl);
		}

		default: {
			return assertNever(step);
		}
	}
}

/** The way to a client id a client step stands for; undefined for other steps. */
export function clientWayOf(step: Step): ClientWay | undefined {
	switch (step.name) {
		case 'registration': {
			return 'dynamic-registration';
		}

		case 'pre-registered':
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

function serverStep(mcpUrl: string): ServerStep {
	return {name: 'server', mcpUrl, view: 'summary', activity: {kind: 'idle'}, renaming: false};
}

function scopesStep(metadata: MetadataStep): ScopesStep {
	const choice = chooseScopes(metadata.discovery);
	if (!metadata.reauth) return {name: 'scopes', metadata, options: choice.options, selected: choice.defaults, reason: choice.reason, adding: false};
	// A re-authorization starts from the scopes of the last login, advertised or not.
	const {scopes} = metadata.reauth;
	const options = [...choice.options, ...scopes.filter(scope => !choice.options.some(option => option.scope === scope)).map(scope => ({scope, sources: ['user' as const]}))];
	return {name: 'scopes', metadata, options, selected: scopes, reason: 'the scopes of your last login', adding: false};
}

/** Applies an action to the step it belongs to; an action for another step (a late effect) is ignored. */
function reduceStep(step: Step, action: Action): Step {
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
			if (step.metadata.reauth) return {name: 'client-check', scopes, reauth: step.metadata.reauth};
			const metadata = step.metadata.discovery.authorizationServer?.metadata;
			if (metadata && !metadata.registration_endpoint) {
				const reason = metadata.client_id_metadata_document_supported
					? 'This authorization server registers no clients; it takes Client ID Metadata Documents (start with --client-metadata-url <url> for that) or a pre-registered client.'
					: 'This authorization server offers no dynamic client registration (RFC 7591).';
				return {name: 'client-id', scopes, reason, field: 'client-id'};
			}

			return {name: 'registration', scopes, clientName: defaultClientName, phase: {kind: 'preview'}};
		}

		case 'client-way-opened': {
			const current = clientWayOf(step);
			return current && (step.name !== 'registration' || step.phase.kind === 'preview' || step.phase.kind === 'failed') ? {name: 'client-way', scopes: (step as ClientStep).scopes, current} : step;
		}

		case 'client-way-picked': {
			if (step.name !== 'client-way') return step;
			if (action.way === 'dynamic-registration') return {name: 'registration', scopes: step.scopes, clientName: defaultClientName, phase: {kind: 'preview'}};
			if (action.way === 'client-metadata-document') return {name: 'client-id', scopes: step.scopes, reason: 'The client id is the URL of a Client ID Metadata Document that lists this redirect URI.', field: 'document-url'};
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
			return {name: 'pre-registered', scopes: step.scopes, client: preRegisteredClient(metadata, step.clientId, action.clientSecret)};
		}

		case 'client-decided': {
			if (step.name !== 'client-check') return step;
			if (!action.decision.reuse) return {name: 'registration', scopes: step.scopes, clientName: defaultClientName, phase: {kind: 'preview'}, notice: `Registering a new client: ${action.decision.reason}.`};
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
			return step.name === 'registration' ? {...step, clientName: action.name.trim() || step.clientName, phase: {kind: 'preview'}} : step;
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
			if (step.name === 'pre-registered') return {name: 'login', from: step, client: step.client, attempt: 1, phase: {kind: 'starting'}};
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

		case 'login-again': {
			return step.name === 'tokens' && step.refresh.kind === 'failed' && step.refresh.revoked ? newAttempt(step.login) : step;
		}

		case 'tokens-received': {
			return step.name === 'login' ? {name: 'tokens', login: step, tokens: action.tokens, refresh: {kind: 'idle'}, check: {kind: 'idle'}} : step;
		}

		case 'saved': {
			return step.name === 'tokens' ? {...step, saved: {kind: 'saved', name: action.name, path: action.path}} : step;
		}

		case 'save-failed': {
			return step.name === 'tokens' ? {...step, saved: {kind: 'failed', message: action.message}} : step;
		}

		case 'refresh-requested': {
			return step.name === 'tokens' && step.refresh.kind !== 'refreshing' && step.tokens.refreshToken !== undefined ? {...step, refresh: {kind: 'refreshing'}} : step;
		}

		case 'refresh-succeeded': {
			return step.name === 'tokens' ? {...step, tokens: action.tokens, refresh: {kind: 'refreshed', at: action.tokens.obtainedAt}} : step;
		}

		case 'refresh-failed': {
			// A check or tool call that needed the refresh ends with it.
			return step.name === 'tokens' ? {...step, refresh: {kind: 'failed', error: action.error, revoked: action.revoked}, check: step.check.kind === 'running' ? {kind: 'idle'} : step.check, call: step.call?.kind === 'running' ? undefined : step.call} : step;
		}

		case 'check-requested': {
			return step.name === 'tokens' && step.check.kind !== 'running' ? {...step, check: {kind: 'running'}} : step;
		}

		case 'check-finished': {
			return step.name === 'tokens' ? {...step, check: {kind: 'done', result: action.result}} : step;
		}

		case 'tool-call-opened': {
			if (step.name !== 'tokens' || step.check.kind !== 'done' || !step.check.result.ok) return step;
			return {...step, call: {kind: 'picking', tools: step.check.result.toolNames}};
		}

		case 'tool-picked': {
			return step.name === 'tokens' && step.call?.kind === 'picking' ? {...step, call: {kind: 'running', tool: action.tool}} : step;
		}

		case 'tool-call-finished': {
			if (step.name !== 'tokens' || step.call?.kind !== 'running') return step;
			const challenged = !action.result.ok ? action.result.insufficientScope?.scopes : undefined;
			// Step-up (MCP 2026-07-28): the scopes asked before, and the challenged ones.
			const union = challenged && challenged.length > 0 ? stepUpScopes(step.login.from.scopes.selected, challenged) : undefined;
			return {...step, call: {kind: 'done', tool: step.call.tool, result: action.result, stepUpScopes: union}};
		}

		case 'tool-call-closed': {
			return step.name === 'tokens' ? {...step, call: undefined} : step;
		}

		case 'step-up-accepted': {
			if (step.name !== 'tokens' || step.call?.kind !== 'done' || !step.call.stepUpScopes) return step;
			const scopes = step.login.from.scopes;
			const selected = step.call.stepUpScopes;
			const options = [...scopes.options, ...selected.filter(scope => !scopes.options.some(option => option.scope === scope)).map(scope => ({scope, sources: ['challenge' as const]}))];
			return {...scopes, options, selected, reason: 'your scopes and the ones the server asked for (step-up)', adding: false};
		}

		case 'server-opened': {
			return step.name === 'servers' ? serverStep(action.mcpUrl) : step;
		}

		case 'server-add': {
			return step.name === 'servers' ? {name: 'url', input: ''} : step;
		}

		case 'server-action': {
			return step.name === 'server' ? serverAction(step, action.action) : step;
		}

		case 'server-view': {
			return step.name === 'server' ? {...step, view: action.view} : step;
		}

		case 'server-confirmed': {
			return step.name === 'server' && step.confirming ? {...step, confirming: undefined, pending: {kind: step.confirming}} : step;
		}

		case 'server-cancelled': {
			return step.name === 'server' ? {...step, confirming: undefined, renaming: false, exporting: undefined} : step;
		}

		case 'server-renamed': {
			return step.name === 'server' ? {...step, renaming: false, pending: {kind: 'rename', name: action.name}} : step;
		}

		case 'server-export-shown': {
			return step.name === 'server' ? {...step, exporting: action.exporting} : step;
		}

		case 'server-activity': {
			return step.name === 'server' ? {...step, activity: action.activity, pending: undefined} : step;
		}

		case 'server-removed': {
			return step.name === 'server' ? {name: 'servers'} : step;
		}

		case 'back':
		case 'servers-loaded':
		case 'callback-server-ready':
		case 'trace-toggled': {
			return step;
		}

		default: {
			return assertNever(action);
		}
	}
}

/** The login again, from a new authorization request: the login effect starts over on a new attempt. */
function newAttempt(login: LoginStep): LoginStep {
	return {...login, attempt: login.attempt + 1, authorizationUrl: undefined, startedAt: undefined, browser: undefined, phase: {kind: 'starting'}};
}

function serverAction(step: ServerStep, action: ServerAction): Step {
	switch (action) {
		case 'reauthorize': {
			return step;
		}

		case 'refresh':
		case 'check': {
			return step.activity.kind === 'busy' ? step : {...step, activity: {kind: 'busy', action}};
		}

		case 'rename': {
			return {...step, renaming: true};
		}

		case 'export': {
			return {...step, exporting: {kind: 'choosing'}};
		}

		case 'forget-tokens':
		case 'forget-registration':
		case 'remove': {
			return {...step, confirming: action};
		}

		default: {
			return assertNever(action);
		}
	}
}

/** Whether Esc has a step to go back to. */
export function canGoBack(state: WizardState): boolean {
	return previousStep(state.step, state.home) !== undefined;
}

export function reducer(state: WizardState, action: Action): WizardState {
	switch (action.type) {
		case 'back': {
			return {...state, step: previousStep(state.step, state.home) ?? state.step};
		}

		case 'servers-loaded': {
			return {...state, servers: action.servers, home: state.home || action.servers.length > 0};
		}

		case 'server-action': {
			// Re-authorization starts the wizard again at discovery, from the saved server's scopes.
			if (state.step.name === 'server' && action.action === 'reauthorize') {
				const {mcpUrl} = state.step;
				const saved = state.servers.find(server => server.mcpUrl === mcpUrl);
				return {...state, step: {name: 'discovery', url: mcpUrl, rows: [], reauth: {mcpUrl, scopes: saved?.scopes ?? []}}};
			}

			return {...state, step: reduceStep(state.step, action)};
		}

		case 'trace-toggled': {
			return {...state, traceOpen: !state.traceOpen};
		}

		case 'callback-server-ready': {
			return {...state, redirectUri: action.redirectUri, callbackError: undefined};
		}

		case 'callback-server-failed': {
			return {...state, callbackError: action.error, step: reduceStep(state.step, action)};
		}

		default: {
			return {...state, step: reduceStep(state.step, action)};
		}
	}
}
