import {expect, it, vi} from 'vitest';
import {LoginScreen, type LoginScreenProps, type ShownLoginPhase as LoginPhase} from '../../source/screens/login-screen.js';
import {frameWith, keys, press, render, unwrapped} from '../helpers/ink.js';
import {fastmailMcpScope, redirectUri} from '../helpers/screen-fixtures.js';
import {prose} from '../wizard/helpers.js';

const authorizationUrl = `https://api.fastmail.com/oauth/authorize?response_type=code&client_id=fm-client-7f3a&redirect_uri=${encodeURIComponent(redirectUri)}&scope=${encodeURIComponent(`${fastmailMcpScope} offline_access`)}&state=Zq3x8J1kLw0pM4rT&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&resource=${encodeURIComponent('https://api.fastmail.com/mcp')}`;

function props(phase: LoginPhase, overrides: Partial<LoginScreenProps> = {}): LoginScreenProps {
	return {
		redirectUri,
		authorizationUrl,
		browser: {kind: 'opened', launch: {method: 'open'}},
		startedAt: Date.now() - 12_000,
		timeoutMs: 300_000,
		phase,
		onReopen: vi.fn(),
		onStartPaste: vi.fn(),
		onPaste: vi.fn(),
		onCancelPaste: vi.fn(),
		onRetry: vi.fn(),
		...overrides,
	};
}

it('shows the redirect URI, the whole authorization URL and the wait', async () => {
	const {lastFrame, unmount} = await render(<LoginScreen {...props({kind: 'waiting'})}/>);
	const frame = await frameWith(lastFrame, 'Waiting for the browser…');
	expect(frame).toContain(`Redirect URI ${redirectUri}`);
	// Longer than the terminal: one row here, cut in the middle (the wizard prints it whole above).
	expect(authorizationUrl.length).toBeGreaterThan(100);
	expect(frame).toContain('Authorization URL (printed whole above this screen, to copy; y copies it):');
	const row = frame.split('\n').find(line => line.startsWith('https://api.fastmail.com/oauth/authorize?'))!;
	expect(row).toContain('…');
	expect(row.length).toBeLessThanOrEqual(100);
	expect(frame).toContain('Browser opened');
	expect(frame).toMatch(/0:1[23] of 5:00/);
	expect(frame).toContain('o open browser again · p paste the redirect URL · Esc back · t trace · q quit');
	unmount();
});

it.each([
	[{kind: 'opened', launch: {method: 'BROWSER', command: '/usr/bin/firefox'}}, 'Opened with BROWSER=/usr/bin/firefox'],
	[{kind: 'opened', launch: {method: 'none'}}, '--no-open: open the URL yourself'],
	[{kind: 'failed', message: 'Could not open the browser (ENOENT)'}, 'No browser opened here: Could not open the browser (ENOENT). Open the URL above on any device'],
	[undefined, 'Opening the browser…'],
] as const)('says what became of the browser: %j', async (browser, text) => {
	const {lastFrame, unmount} = await render(<LoginScreen {...props({kind: 'waiting'}, {browser})}/>);
	await frameWith(lastFrame, text);
	unmount();
});

it('opens the browser again on o and asks for the redirect URL on p', async () => {
	const onReopen = vi.fn();
	const onStartPaste = vi.fn();
	const {stdin, unmount} = await render(<LoginScreen {...props({kind: 'waiting'}, {onReopen, onStartPaste})}/>);
	await press(stdin, 'o');
	expect(onReopen).toHaveBeenCalledOnce();
	await press(stdin, 'p');
	expect(onStartPaste).toHaveBeenCalledOnce();
	unmount();
});

it('takes a pasted redirect URL, shows why it was refused, and cancels with Esc', async () => {
	const onPaste = vi.fn();
	const onCancelPaste = vi.fn();
	const callbacks = {onPaste, onCancelPaste};
	const {lastFrame, stdin, rerender, unmount} = await render(<LoginScreen {...props({kind: 'pasting'}, callbacks)}/>);
	await frameWith(lastFrame, `Paste the URL your browser was sent to (${redirectUri}?code=…):`);
	expect(lastFrame()).toContain('Enter use this URL · Esc cancel');
	const callback = `${redirectUri}?code=SplxlOBeZQQYbYS6WxSbIA&state=Zq3x8J1kLw0pM4rT&iss=${encodeURIComponent('https://api.fastmail.com')}`;
	await press(stdin, callback);
	// The code is a secret: shown masked as it is pasted, handed over whole.
	expect(unwrapped(lastFrame())).toMatch(/\?code=Splxl…\(22 ?chars\)&state=Zq3x8J1kLw0pM4rT/);
	expect(unwrapped(lastFrame())).not.toContain('SplxlOBeZQQYbYS6WxSbIA');
	await press(stdin, keys.enter);
	expect(onPaste).toHaveBeenCalledWith(callback);
	rerender(<LoginScreen {...props({kind: 'pasting', error: 'The state does not match this login'}, callbacks)}/>);
	await frameWith(lastFrame, 'The state does not match this login');
	await press(stdin, keys.escape);
	expect(onCancelPaste).toHaveBeenCalledOnce();
	unmount();
});

it('shows the code being redeemed', async () => {
	const {lastFrame, unmount} = await render(<LoginScreen {...props({kind: 'exchanging'})}/>);
	await frameWith(lastFrame, 'Redeeming the code…');
	unmount();
});

it('shows a failed login with the server\'s words and retries on Enter', async () => {
	const body = '{"error":"invalid_grant","error_description":"code expired"}';
	const error = {message: 'The token endpoint answered HTTP 400: invalid_grant (code expired)', hint: 'The authorization code expired or was already used: log in again.', answer: {url: 'https://api.fastmail.com/oauth/refresh', status: 400, body}};
	const onRetry = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<LoginScreen {...props({kind: 'failed', error}, {onRetry})}/>);
	const frame = await frameWith(lastFrame, 'Login failed');
	expect(frame).toContain(body);
	expect(frame).toContain('Try: The authorization code expired or was already used: log in again.');
	expect(frame).toContain('Enter try again');
	await press(stdin, keys.enter);
	expect(onRetry).toHaveBeenCalledOnce();
	unmount();
});

it('says what to do when the browser tab was closed, and when the wait ends', async () => {
	const {lastFrame, unmount} = await render(<LoginScreen {...props({kind: 'waiting'})}/>);
	const frame = prose(await frameWith(lastFrame, 'Closed the browser'));
	expect(frame).toContain('Closed the browser, or lost the page? o opens the login page again; p takes the address the browser ended on; Esc goes back.');
	// One clock: 0:12 of 5:00 gone, 4:48 left.
	const [, elapsed] = /0:(1[23]) of 5:00/.exec(frame)!;
	expect(frame).toContain(`Otherwise the wait ends in 4:${60 - Number(elapsed)} and nothing is saved.`);
	unmount();
});

it('says after the timeout that the browser never came back and nothing was saved, and logs in again on Enter', async () => {
	const onRetry = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<LoginScreen {...props({kind: 'timed-out'}, {onRetry})}/>);
	const frame = prose(await frameWith(lastFrame, 'The browser never came back'));
	expect(frame).toContain(`No login callback reached ${redirectUri} within 5m 0s: the browser tab was closed, or the login was not finished there. Nothing was saved.`);
	expect(frame).toContain('Try: Enter logs in again, on a new login page. If the browser cannot reach this machine, press p on that page and paste the address the browser ends on.');
	expect(frame).toContain('Enter log in again · Esc back · t trace · q quit');
	expect(frame).not.toContain('Waiting for the browser');
	await press(stdin, keys.enter);
	expect(onRetry).toHaveBeenCalledOnce();
	unmount();
});
