import {afterAll, expect, it, vi} from 'vitest';
import {countLines, wizardTerminal} from './helpers/terminal.js';
import {closedBrowser} from './wizard/helpers.js';

// The demo's profiles in a real 80x24 terminal (tmux): what each shows whole (the authorization URL,
// a step-up offer, both ways without a browser), one header on screen. The sizes' walks:
// e2e-terminal-sizes.test.ts.
const terminal = wizardTerminal('demos');
const {tmux, pane, waitFor, paneWith, keys, moved, start} = terminal;

afterAll(async () => terminal.close());

/** From the demo's metadata, on a server that registers no clients, through the scopes to the second way on the picker. */
async function pickSecondWay(session: string): Promise<void> {
	for (const [text, key] of [['choose scopes', 'Enter'], ['Enter the client', 'Enter']] as const) {
		await waitFor(session, text);
		await keys(session, key);
	}

	await waitFor(session, 'How should this login get its client id?');
	// The cursor's move is seen before Enter: sent at once, the two keys can reach Ink as one read.
	await moved(session, 'Down');
	await keys(session, 'Enter');
}

it('prints the authorization URL whole at 80 columns, so that a copy (or tmux capture-pane -J) takes it whole, and y puts it on the clipboard', async () => {
	const home = terminal.home();
	const session = 'copy-80';
	await start(session, [80, 24], ['--demo'], home.path, closedBrowser);
	// OSC 52 from the app sets tmux's paste buffer.
	await tmux('set-option', '-g', 'set-clipboard', 'on');
	await paneWith(session, 'choose scopes');
	for (const [key, text] of [['Enter', 'Which scopes'], ['Enter', '"scope"'], ['Enter', '201 Created'], ['Enter', 'Waiting for the browser']] as const) {
		await keys(session, key);
		await paneWith(session, text);
	}

	const joined = await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session);
	const printed = joined.split('\n').find(line => line.startsWith('http://127.0.0.1:') && line.includes('/oauth/authorize?'));
	expect(printed, joined).toBeDefined();
	const url = new URL(printed!.trim());
	expect(url.searchParams.get('code_challenge_method')).toBe('S256');
	expect(url.searchParams.get('resource')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
	expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);

	await keys(session, 'y');
	await paneWith(session, 'Sent to the clipboard (OSC 52)');
	await vi.waitFor(async () => {
		expect((await tmux('show-buffer')).trim()).toBe(url.href);
	}, {timeout: 20_000, interval: 100});
	await keys(session, 'q');
});

it('shows a step-up offer whole at 80x24, the step header still on screen', async () => {
	const home = terminal.home();
	const session = 'step-up-80';
	await start(session, [80, 24], ['--demo', '--profile', 'step-up'], home.path);
	for (const [text, key] of [['choose scopes', 'Enter'], ['Which scopes', 'Enter'], ['"scope"', 'Enter'], ['201 Created', 'Enter'], ['Saved as', 'c'], ['Call which tool', 'Down'], ['❯ list_mailboxes', 'Down'], ['❯ send_email', 'Enter']] as const) {
		await waitFor(session, text);
		await keys(session, key);
	}

	const offer = await waitFor(session, 'Esc not now');
	expect(offer).toContain('log in again with');
	expect(offer).toMatch(/^mcp-auth-wizard .*7 Token$/m);
	expect(countLines(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
	await keys(session, 'q');
});

it('logs in as a client acting as itself in the demo at 80x24: the way picked, the client typed in, the grant on the token screen', async () => {
	const home = terminal.home();
	const session = 'client-credentials-80';
	await start(session, [80, 24], ['--demo', '--profile', 'client-credentials'], home.path);
	await waitFor(session, 'choose scopes');
	// The banner names the client to type in, each value whole on its line.
	const banner = await pane(session, true);
	expect(banner).toContain('Its client acts as itself, no user: pick that way at the client step.');
	const clientId = /^Its pre-registered client id: (\S+)$/m.exec(banner)?.[1];
	const secret = /^Its client secret: (\S+)$/m.exec(banner)?.[1];
	expect(secret, banner).toBeDefined();
	await pickSecondWay(session);
	await waitFor(session, 'A client acting as itself');
	// Each value on screen before Enter: sent at once, the two can reach Ink as one read.
	await keys(session, '-l', clientId!);
	await waitFor(session, `Client id: ${clientId!}`);
	await keys(session, 'Enter');
	await waitFor(session, 'empty to use a private key file');
	await keys(session, '-l', secret!);
	await waitFor(session, '*'.repeat(secret!.length));
	await keys(session, 'Enter');
	await waitFor(session, 'Enter get its token');
	await keys(session, 'Enter');
	const shown = await waitFor(session, 'Saved as');
	expect(shown).toMatch(/^Grant +client credentials: the client acting as itself, no user$/m);
	expect(shown).toContain('r get a new token');
	expect(shown).toMatch(/^mcp-auth-wizard .*7 Token$/m);
	expect(countLines(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
	await keys(session, 'q');
});

it('logs in through the company\'s identity provider in the demo at 80x24, the ID token by a browser login there: both exchanges and the ID-JAG\'s claims on one screen, one header', async () => {
	const home = terminal.home();
	const session = 'enterprise-80';
	await start(session, [80, 24], ['--demo', '--profile', 'enterprise'], home.path);
	await waitFor(session, 'choose scopes');
	const banner = await pane(session, true);
	const answers = [
		/^Its identity provider: (\S+)$/m.exec(banner)?.[1],
		/^Its client id there: (\S+)$/m.exec(banner)?.[1],
		// No ID token file: the longest way, a browser login at the identity provider first (one row more).
		'',
		/^Its pre-registered client id: (\S+)$/m.exec(banner)?.[1],
	];
	const secret = /^Its client secret: (\S+)$/m.exec(banner)?.[1];
	expect([...answers, secret], banner).not.toContain(undefined);
	await pickSecondWay(session);
	// Each answer on screen in its field before Enter: sent at once, the two can reach Ink as one read.
	const questions = ['Identity provider (IdP) issuer URL:', 'IdP client id:', 'ID token file:', 'MCP client id:'];
	for (const [index, answer] of answers.entries()) {
		await waitFor(session, questions[index]!);
		await keys(session, '-l', answer!);
		if (answer !== '') await waitFor(session, `${questions[index]!} ${answer!}`);
		await keys(session, 'Enter');
	}

	await waitFor(session, 'MCP client secret:');
	await keys(session, '-l', secret!);
	await waitFor(session, '*'.repeat(secret!.length));
	await keys(session, 'Enter');
	await waitFor(session, 'Enter log in at the IdP · w another way · Esc back · t trace · q quit');
	await keys(session, 'Enter');
	const exchanges = await waitFor(session, 'Enter see the token');
	expect(exchanges).toMatch(/^mcp-auth-wizard .*6 Login/m);
	expect(exchanges).toContain('ID token of alice, from');
	// The login's URL above the frame, whole on its own lines.
	const scrollback = await pane(session, true);
	expect(scrollback, scrollback).toContain(`Identity provider login URL (to open in a browser):\n${answers[0]!}/auth?`);
	// The demo's banner takes rows: the ID-JAG's claims the server checks take one line.
	expect(exchanges).toMatch(/^ {2}sub alice · client_id sandbox-enterprise-client · exp \d\d:\d\d:\d\d$/m);
	expect(exchanges).toContain('2. JWT bearer grant (RFC 7523)');
	expect(countLines(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
	await keys(session, 'Enter');
	const shown = await waitFor(session, 'Saved as');
	expect(shown).toMatch(/^Grant +an ID-JAG from your identity provider \(enterprise-managed\)$/m);
	expect(countLines(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
	await keys(session, 'q');
});
