import {useReducer} from 'react';
import {afterEach, expect, it, onTestFinished, vi} from 'vitest';
import {StepScreen} from '../../source/wizard/step-screen.js';
import {createHttpClient} from '../../source/core/http.js';
import type {McpCheckResult} from '../../source/core/mcp-check.js';
import type {TokenSet} from '../../source/core/tokens.js';
import {openConfStore} from '../../source/store/conf-store.js';
import {coreSteps, type WizardServices} from '../../source/wizard/services.js';
import {type WizardState, reducer} from '../../source/wizard/state.js';
import {useTokenLifecycle} from '../../source/wizard/use-wizard-effects.js';
import {advanceClock, frameWith, press, render, waitLimit} from '../helpers/ink.js';
import {temporaryHome} from '../helpers/run-cli.js';
import {fastmailDiscovery, fastmailMcpScope, fastmailRegistered} from '../helpers/screen-fixtures.js';

const home = temporaryHome();
afterEach(() => {
	vi.useRealTimers();
	home.remove();
});

function tokensAt(now: number, lifetimeSeconds: number, accessToken: string): TokenSet {
	return {accessToken, tokenType: 'bearer', refreshToken: `refresh-${accessToken}`, scope: fastmailMcpScope, obtainedAt: new Date(now).toISOString(), expiresAt: new Date(now + lifetimeSeconds * 1000).toISOString()};
}

function tokensState(tokens: TokenSet): WizardState {
	const metadata = {name: 'metadata', url: fastmailDiscovery.mcpUrl, discovery: fastmailDiscovery, showRaw: false} as const;
	const scopes = {name: 'scopes', metadata, options: [], selected: [fastmailMcpScope, 'offline_access'], reason: '', adding: false} as const;
	const from = {name: 'registration', scopes, clientName: 'mcp-auth-wizard', phase: {kind: 'registered', result: fastmailRegistered}} as const;
	return {
		servers: [],
		home: false,
		traceOpen: false,
		step: {name: 'tokens', login: {name: 'login', from, client: fastmailRegistered.client, registration: fastmailRegistered, attempt: 1, phase: {kind: 'exchanging'}}, tokens, refresh: {kind: 'idle'}, check: {kind: 'idle'}},
	};
}

/** The token step as the App runs it: the reducer, the lifecycle hook, the screen. */
function TokenStep({services, initial}: {readonly services: WizardServices; readonly initial: WizardState}) {
	const [state, dispatch] = useReducer(reducer, initial);
	useTokenLifecycle(state.step, dispatch, services);
	return <StepScreen state={state} dispatch={dispatch} services={services} height={30} login={{reopen() {}, paste() {}, copy() {}}} print={() => undefined} />;
}

it('counts down every second, and refreshes by itself shortly before expiry', async () => {
	vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date']});
	const start = Date.parse('2026-11-26T10:00:00Z');
	vi.setSystemTime(start);
	const refreshTokens = vi.fn(async (_input: Parameters<typeof coreSteps.refreshTokens>[0]) => tokensAt(Date.now(), 120, 'second-access-token-0123456789'));
	const services: WizardServices = {http: createHttpClient(), store: openConfStore({home: home.path}), env: {}, options: {}, core: {...coreSteps, refreshTokens}};
	const {lastFrame, unmount} = await render(<TokenStep services={services} initial={tokensState(tokensAt(start, 120, 'first-access-token-0123456789'))} />);
	try {
		expect(lastFrame()).toContain('expires in 2m 0s');
		await advanceClock(1000);
		expect(lastFrame()).toContain('expires in 1m 59s');

		// A fifth of a 2-minute lifetime before expiry: at 96 s.
		await advanceClock(90_000);
		expect(refreshTokens).not.toHaveBeenCalled();
		await advanceClock(6000);
		// Through the token keeper: after the store's lock, taken with file writes of its own.
		await vi.waitFor(() => {
			expect(refreshTokens).toHaveBeenCalledTimes(1);
		}, waitLimit);
		expect(refreshTokens.mock.calls[0]![0]).toMatchObject({refreshToken: 'refresh-first-access-token-0123456789', resource: fastmailDiscovery.resource});
		await vi.waitFor(() => {
			expect(lastFrame()).toMatch(/refreshed/i);
		}, waitLimit);
		expect(lastFrame()).toMatch(/expires in (2m 0s|1m 5\ds)/);
		// Saved by a file write of its own: waited for (vi.waitFor moves the fake clock by its interval).
		await vi.waitFor(() => {
			expect(services.store.list()[0]!.tokens!.accessToken).toBe('second-access-token-0123456789');
		}, waitLimit);
	} finally {
		unmount();
	}
});

it('keeps a 30-day token without refreshing it at once (a timer past 2^31 - 1 ms fires at once)', async () => {
	vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date']});
	const start = Date.parse('2026-11-26T10:00:00Z');
	vi.setSystemTime(start);
	const thirtyDays = 30 * 24 * 3600;
	const refreshTokens = vi.fn(async (_input: Parameters<typeof coreSteps.refreshTokens>[0]) => tokensAt(Date.now(), thirtyDays, 'second-access-token-0123456789'));
	const ownHome = temporaryHome();
	onTestFinished(() => {
		ownHome.remove();
	});
	const services: WizardServices = {http: createHttpClient(), store: openConfStore({home: ownHome.path}), env: {}, options: {}, core: {...coreSteps, refreshTokens}};
	const {lastFrame, unmount} = await render(<TokenStep services={services} initial={tokensState(tokensAt(start, thirtyDays, 'first-access-token-0123456789'))} />);
	try {
		await advanceClock(3000);
		expect(refreshTokens).not.toHaveBeenCalled();
		expect(lastFrame()).toContain('expires in 29d 23h 59m');
		expect(lastFrame()).toMatch(/refreshes by itself at 2026-12-2[56] /);
		await vi.waitFor(() => {
			expect(services.store.list()[0]?.tokens?.accessToken).toBe('first-access-token-0123456789');
		}, waitLimit);
		expect(refreshTokens).not.toHaveBeenCalled();
	} finally {
		unmount();
	}
});

it('takes, on r, the tokens another process refreshed meanwhile instead of spending the refresh token again', async () => {
	const now = Date.now();
	const refreshTokens = vi.fn(async (_input: Parameters<typeof coreSteps.refreshTokens>[0]) => tokensAt(Date.now(), 3600, 'own-refresh-access-token-0123'));
	const ownHome = temporaryHome();
	onTestFinished(() => {
		ownHome.remove();
	});
	const services: WizardServices = {http: createHttpClient(), store: openConfStore({home: ownHome.path}), env: {}, options: {}, core: {...coreSteps, refreshTokens}};
	const {lastFrame, stdin, unmount} = await render(<TokenStep services={services} initial={tokensState(tokensAt(now, 3600, 'first-access-token-0123456789'))} />);
	try {
		await vi.waitFor(() => {
			expect(services.store.list()[0]?.tokens?.accessToken).toBe('first-access-token-0123456789');
		}, waitLimit);
		// Another process (the CLI's refresh, a proxy) refreshes and saves; the refresh token it used is spent.
		await services.store.update(services.store.list()[0]!.name, current => current && {...current, tokens: tokensAt(Date.now(), 3600, 'elsewhere-access-token-012345')});
		await press(stdin, 'r');
		await frameWith(lastFrame, 'elsewh');
		expect(refreshTokens).not.toHaveBeenCalled();
		expect(lastFrame()).toMatch(/refreshed/i);
	} finally {
		unmount();
	}
});

it('refreshes once when the MCP server refuses the token on a check (v), and checks again with the new one', async () => {
	const now = Date.now();
	const refreshTokens = vi.fn(async (_input: Parameters<typeof coreSteps.refreshTokens>[0]) => tokensAt(Date.now(), 3600, 'fresh-access-token-0123456789'));
	const checkMcp = vi.fn(async (_url: string, token: string): Promise<McpCheckResult> =>
		token.startsWith('fresh') ? {ok: true, serverName: 'checked-server', serverVersion: '1.0', toolCount: 0, toolNames: []} : {ok: false, status: 401, message: 'HTTP 401', hint: 'log in again'});
	const ownHome = temporaryHome();
	onTestFinished(() => {
		ownHome.remove();
	});
	const services: WizardServices = {http: createHttpClient(), store: openConfStore({home: ownHome.path}), env: {}, options: {}, core: {...coreSteps, refreshTokens, checkMcp}};
	const {lastFrame, stdin, unmount} = await render(<TokenStep services={services} initial={tokensState(tokensAt(now, 3600, 'first-access-token-0123456789'))} />);
	try {
		await vi.waitFor(() => {
			expect(services.store.list()[0]?.tokens?.accessToken).toBe('first-access-token-0123456789');
		}, waitLimit);
		await press(stdin, 'v');
		await frameWith(lastFrame, 'checked-server');
		expect(refreshTokens).toHaveBeenCalledTimes(1);
		expect(checkMcp.mock.calls.map(call => call[1])).toEqual(['first-access-token-0123456789', 'fresh-access-token-0123456789']);
		expect(lastFrame()).toContain('fresh-');
		expect(services.store.list()[0]?.tokens?.accessToken).toBe('fresh-access-token-0123456789');
	} finally {
		unmount();
	}
});
