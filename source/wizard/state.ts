import type {BrowserLaunch} from '../core/browser.js';
import type {ErrorInfo} from '../components/error-box.js';
import type {DiscoveryRow} from '../screens/discovery-screen.js';
import type {BrowserState, LoginPhase as ScreenLoginPhase} from '../screens/login-screen.js';
import type {RegistrationPhase} from '../screens/registration-screen.js';
import type {CheckState, RefreshState} from '../screens/token-screen.js';
import type {ClientCredentials} from '../core/client.js';
import type {Attempt, Discovery, DiscoveryStage} from '../core/discovery.js';
import {WizardError} from '../core/errors.js';
import type {McpCheckResult} from '../core/mcp-check.js';
import {type RegistrationResult, defaultClientName} from '../core/registration.js';
import {type ScopeOption, chooseScopes} from '../core/scopes.js';
import type {TokenSet} from '../core/tokens.js';

/** An error as the screens show it: what failed, what the server said, what to try. */
export function toErrorInfo(error: unknown): ErrorInfo {
	if (error instanceof WizardError) return {message: error.message, hint: error.hint, answer: error.answer};
	return {message: error instanceof Error ? error.message : String(error), hint: 'This is unexpected: press t for the HTTP trace, and report it if it repeats.'};
}

export type UrlStep = {readonly name: 'url'; readonly input: string; readonly error?: string};
export type DiscoveryStep = {readonly name: 'discovery'; readonly url: string; readonly rows: readonly DiscoveryRow[]; readonly error?: ErrorInfo};
export type MetadataStep = {readonly name: 'metadata'; readonly url: string; readonly discovery: Discovery; readonly showRaw: boolean};
export type ScopesStep = {
	readonly name: 'scopes';
	readonly metadata: MetadataStep;
	readonly options: readonly ScopeOption[];
	readonly selected: readonly string[];
	readonly reason: string;
	readonly adding: boolean;
};

/** The client step: a registration to preview and send, or a pre-registered client to show. */
export type ClientStep =
	| {readonly name: 'registration'; readonly scopes: ScopesStep; readonly clientName: string; readonly phase: RegistrationPhase}
	| {readonly name: 'pre-registered'; readonly scopes: ScopesStep; readonly client: ClientCredentials};

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
};

export type Step = UrlStep | DiscoveryStep | MetadataStep | ScopesStep | ClientStep | LoginStep | TokensStep;

export type WizardState = {
	readonly step: Step;
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
	/** With a pre-registered client (flags), the registration preview is skipped. */
	| {readonly type: 'scopes-accepted'; readonly selected: readonly string[]; readonly preRegistered?: ClientCredentials}
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
	| {readonly type: 'callback-received'}
	| {readonly type: 'login-failed'; readonly error: ErrorInfo}
	| {readonly type: 'login-retried'}
	| {readonly type: 'tokens-received'; readonly tokens: TokenSet}
	| {readonly type: 'saved'; readonly name: string; readonly path: string}
	| {readonly type: 'save-failed'; readonly message: string}
	| {readonly type: 'refresh-requested'}
	| {readonly type: 'refresh-succeeded'; readonly tokens: TokenSet}
	| {readonly type: 'refresh-failed'; readonly error: ErrorInfo}
	| {readonly type: 'check-requested'}
	| {readonly type: 'check-finished'; readonly result: McpCheckResult}
	| {readonly type: 'back'}
	| {readonly type: 'trace-toggled'};

export function assertNever(value: never): never {
	throw new Error(`Unexpected ${JSON.stringify(value)}`);
}

export function initialState(url?: string): WizardState {
	return {step: url === undefined ? {name: 'url', input: ''} : {name: 'discovery', url, rows: []}, traceOpen: false};
}

/** Whether the step has a text field in use: then every key is text, and no global key applies. */
export function isTextEntry(step: Step): boolean {
	switch (step.name) {
		case 'url': {
			return true;
		}

		case 'scopes': {
			return step.adding;
		}

		case 'registration': {
			return step.phase.kind === 'editing-name';
		}

		case 'login': {
			return step.phase.kind === 'pasting';
		}

		default: {
			return false;
		}
	}
}

/** Where Esc goes from each step; undefined where there is nowhere to go back to. */
function previousStep(step: Step): Step | undefined {
	switch (step.name) {
		case 'url':
		case 'tokens': {
			return undefined;
		}

		case 'discovery': {
			return {name: 'url', input: step.url};
		}

		case 'metadata': {
			return {name: 'url', input: step.url};
		}

		case 'scopes': {
			return step.metadata;
		}

		case 'registration': {
			return step.phase.kind === 'sending' ? undefined : {...step.scopes, adding: false};
		}

		case 'pre-registered': {
			return step.scopes;
		}

		case 'login': {
			return step.phase.kind === 'exchanging' ? undefined : step.from;
		}

		default: {
			return assertNever(step);
		}
	}
}

function scopesStep(metadata: MetadataStep): ScopesStep {
	const choice = chooseScopes(metadata.discovery);
	return {name: 'scopes', metadata, options: choice.options, selected: choice.defaults, reason: choice.reason, adding: false};
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
			return step.name === 'discovery' ? {name: 'metadata', url: step.url, discovery: action.discovery, showRaw: false} : step;
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
			return action.preRegistered ? {name: 'pre-registered', scopes, client: action.preRegistered} : {name: 'registration', scopes, clientName: defaultClientName, phase: {kind: 'preview'}};
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
			if (step.name === 'registration' && step.phase.kind === 'registered') {
				return {name: 'login', from: step, client: step.phase.result.client, registration: step.phase.result, attempt: 1, phase: {kind: 'starting'}};
			}

			return step;
		}

		case 'authorization-started': {
			return step.name === 'login' ? {...step, authorizationUrl: action.url, startedAt: action.startedAt, phase: {kind: 'waiting'}} : step;
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

		case 'callback-received': {
			return step.name === 'login' ? {...step, phase: {kind: 'exchanging'}} : step;
		}

		case 'login-failed': {
			return step.name === 'login' ? {...step, phase: {kind: 'failed', error: action.error}} : step;
		}

		case 'login-retried': {
			return step.name === 'login' && step.phase.kind === 'failed' ? {...step, attempt: step.attempt + 1, authorizationUrl: undefined, browser: undefined, phase: {kind: 'starting'}} : step;
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
			return step.name === 'tokens' ? {...step, refresh: {kind: 'failed', error: action.error}} : step;
		}

		case 'check-requested': {
			return step.name === 'tokens' && step.check.kind !== 'running' ? {...step, check: {kind: 'running'}} : step;
		}

		case 'check-finished': {
			return step.name === 'tokens' ? {...step, check: {kind: 'done', result: action.result}} : step;
		}

		case 'back': {
			return previousStep(step) ?? step;
		}

		case 'callback-server-ready':
		case 'trace-toggled': {
			return step;
		}

		default: {
			return assertNever(action);
		}
	}
}

export function reducer(state: WizardState, action: Action): WizardState {
	switch (action.type) {
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
