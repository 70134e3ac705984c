import type {McpCheckResult} from '../core/mcp-check.js';
import {type ErrorInfo, assertNever} from '../core/errors.js';
import {type ToolCallResult, stepUpScopes} from '../core/tool-call.js';
import type {TokenSet} from '../core/tokens.js';
import {type LoginStep, clientCredentials, enterpriseAgain, enterpriseOf, grantOf, newAttempt} from './login-state.js';
import type {Step} from './state.js';

/* The token screen: the login saved, its tokens refreshed and checked, a tool called with them. */

/** The last refresh. `revoked`: the refresh token is no longer honoured (invalid_grant) and the saved tokens were cleared. */
export type RefreshState =
	| {readonly kind: 'idle'}
	| {readonly kind: 'refreshing'}
	| {readonly kind: 'refreshed'; readonly at: string}
	| {readonly kind: 'failed'; readonly error: ErrorInfo; readonly revoked?: boolean};

export type CheckState = {readonly kind: 'idle'} | {readonly kind: 'running'} | {readonly kind: 'done'; readonly result: McpCheckResult};

/** A tool call from the token screen: picking the tool, calling it, its result (and the step-up it may offer). */
export type ToolCallState =
	/** `c` before a check: the tools are listed first (the MCP check), then picked. */
	| {readonly kind: 'listing'}
	| {readonly kind: 'picking'; readonly tools: readonly string[]}
	| {readonly kind: 'running'; readonly tool: string}
	| {readonly kind: 'done'; readonly tool: string; readonly result: ToolCallResult; readonly stepUpScopes?: readonly string[]};

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

/** What happens on the token screen: save, refresh, check, a tool call and its step-up. */
export type TokenAction =
	/** From the token screen, once its refresh token was revoked: a new browser login with the same client. */
	| {readonly type: 'login-again'}
	| {readonly type: 'saved'; readonly name: string; readonly path: string}
	| {readonly type: 'save-failed'; readonly message: string}
	| {readonly type: 'refresh-requested'}
	| {readonly type: 'refresh-succeeded'; readonly tokens: TokenSet}
	/** `revoked`: the server answered invalid_grant, and the saved tokens were cleared. */
	| {readonly type: 'refresh-failed'; readonly error: ErrorInfo; readonly revoked: boolean}
	| {readonly type: 'check-requested'}
	| {readonly type: 'check-finished'; readonly result: McpCheckResult}
	| {readonly type: 'tool-call-opened'}
	| {readonly type: 'tool-picked'; readonly tool: string}
	| {readonly type: 'tool-call-finished'; readonly result: ToolCallResult}
	| {readonly type: 'tool-call-closed'}
	| {readonly type: 'step-up-accepted'};

const savedName = (step: TokensStep) => (step.saved?.kind === 'saved' ? step.saved.name : undefined);

/** Applies a token-screen action to the token step; one for another step (a late effect) is ignored. */
export function reduceTokenStep(step: Step, action: TokenAction): Step {
	switch (action.type) {
		case 'login-again': {
			if (step.name !== 'tokens' || step.refresh.kind !== 'failed' || !step.refresh.revoked) return step;
			// Saved again as the same login, not beside it; an enterprise login with a new ID token (the old one was not kept).
			const enterprise = enterpriseOf(step.login);
			if (enterprise) return enterpriseAgain({...step.login.from.scopes, account: savedName(step)}, enterprise, enterprise.issuer);
			const login = newAttempt(step.login);
			return {...login, from: {...login.from, scopes: {...login.from.scopes, account: savedName(step)}}};
		}

		case 'saved': {
			return step.name === 'tokens' ? {...step, saved: {kind: 'saved', name: action.name, path: action.path}} : step;
		}

		case 'save-failed': {
			return step.name === 'tokens' ? {...step, saved: {kind: 'failed', message: action.message}} : step;
		}

		case 'refresh-requested': {
			// A client acting as itself has no refresh token: its grant gives a new token (RFC 6749 4.4.3).
			const renewable = step.name === 'tokens' && (step.tokens.refreshToken !== undefined || grantOf(step.login) === clientCredentials);
			return step.name === 'tokens' && renewable && step.refresh.kind !== 'refreshing' ? {...step, refresh: {kind: 'refreshing'}} : step;
		}

		case 'refresh-succeeded': {
			return step.name === 'tokens' ? {...step, tokens: action.tokens, refresh: {kind: 'refreshed', at: action.tokens.obtainedAt}} : step;
		}

		case 'refresh-failed': {
			// A check or tool call that needed the refresh ends with it.
			return step.name === 'tokens' ? {...step, refresh: {kind: 'failed', error: action.error, revoked: action.revoked}, check: step.check.kind === 'running' ? {kind: 'idle'} : step.check, call: step.call?.kind === 'running' || step.call?.kind === 'listing' ? undefined : step.call} : step;
		}

		case 'check-requested': {
			return step.name === 'tokens' && step.check.kind !== 'running' ? {...step, check: {kind: 'running'}} : step;
		}

		case 'check-finished': {
			if (step.name !== 'tokens') return step;
			// A tool call waiting for the list goes on to the picker; a failed check ends it (the check says why).
			const call = step.call?.kind === 'listing' ? (action.result.ok ? {kind: 'picking' as const, tools: action.result.toolNames} : undefined) : step.call;
			return {...step, check: {kind: 'done', result: action.result}, call};
		}

		case 'tool-call-opened': {
			if (step.name !== 'tokens') return step;
			if (step.check.kind === 'done' && step.check.result.ok) return {...step, call: {kind: 'picking', tools: step.check.result.toolNames}};
			// No list yet: the check lists the tools first.
			return {...step, check: step.check.kind === 'running' ? step.check : {kind: 'running'}, call: {kind: 'listing'}};
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
			// The refused call is made again once the new login has its tokens.
			return {...scopes, options, selected, reason: 'your scopes and the ones the server asked for (step-up)', adding: false, stepUpTool: step.call.tool, account: savedName(step)};
		}

		default: {
			return assertNever(action);
		}
	}
}
