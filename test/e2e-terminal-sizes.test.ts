import {readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it, vi} from 'vitest';
import {openConfStore} from '../source/store/conf-store.js';
import {cliPath, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {fastmailServer, serversInEveryStatus} from './helpers/saved-servers.js';
import {fastmailTokens} from './helpers/screen-fixtures.js';
import {tmuxServer} from './helpers/tmux.js';
import {closedBrowser} from './wizard/helpers.js';

// The built binary in real terminals of small sizes (tmux): no line of any screen may be wider than
// the terminal, or Ink, erasing the lines it drew, leaves the ones the terminal wrapped on screen.
const {tmux, pane, paneWith: waitFor, keys, kill} = tmuxServer('sizes');
const homes: Array<ReturnType<typeof temporaryHome>> = [];

afterAll(async () => {
	await kill();
	for (const home of homes) home.remove();
});

const paneWith = async (session: string, text: string) => waitFor(session, text, true);

/**
 * Sends a key that changes the screen, and waits until it has (a key sent before Ink read the last may
 * be merged with it). Digits do not count: the clock changes them every second.
 */
async function moved(session: string, key: string): Promise<void> {
	const screen = async () => (await pane(session)).replaceAll(/\d/g, '');
	const before = await screen();
	await keys(session, key);
	await vi.waitFor(async () => {
		expect(await screen()).not.toBe(before);
	}, {timeout: 20_000, interval: 50});
}

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

function count(text: string, line: RegExp): number {
	return text.split('\n').filter(row => line.test(row)).length;
}

async function start(session: string, size: readonly [number, number], args: string[], home: string, browser = scriptedBrowser): Promise<void> {
	// Run from `home`: f saves an export in the current directory.
	const command = `cd '${home}' && env -u CI MCP_AUTH_WIZARD_HOME='${home}' BROWSER='${browser}' '${process.execPath}' '${cliPath}' ${args.join(' ')}`;
	await tmux('new-session', '-d', '-s', session, '-x', String(size[0]), '-y', String(size[1]), command);
}

describe.each([
	[80, 24],
	[60, 20],
] as const)('at %dx%d', (columns, rows) => {
	it('keeps one copy of the saved-server list, its title once, while the cursor moves and the clock ticks', async () => {
		const home = temporaryHome();
		homes.push(home);
		const store = openConfStore({home: home.path});
		for (const {server} of serversInEveryStatus) await store.save(server);
		// One whose status ticks every second: "expires in 50s", "49s"…
		await store.save(fastmailServer({name: 'ticking', mcpUrl: 'https://ticking.example.com/mcp', tokens: fastmailTokens(Date.now(), {expiresAt: new Date(Date.now() + 50_000).toISOString()})}));
		const session = `list-${columns}`;
		await start(session, [columns, rows], [], home.path);
		await paneWith(session, 'Saved servers (7)');
		// Down to the last server and back: the list scrolls where the terminal is too short for it.
		for (const key of ['Down', 'Down', 'Down', 'Down', 'Down', 'Down', 'Up', 'Up', 'Up', 'Up', 'Down', 'Down', 'Down', 'Down']) await moved(session, key);
		await paneWith(session, '❯ ! ticking');
		// Two ticks of the status clock, each a redraw of the whole list.
		const seconds = async () => Number(/expires in (\d+)s/.exec(await pane(session, true))?.[1]);
		const before = await seconds();
		await vi.waitFor(async () => {
			expect(await seconds()).toBeLessThanOrEqual(before - 2);
		}, {timeout: 20_000, interval: 200});
		const shown = await paneWith(session, 'ticking');
		expect(count(shown, /mcp-auth-wizard saved servers/), shown).toBe(1);

		// A server's details, the remove question, its registration JSON, its last login's trace, an export,
		// the HTTP trace, and the URL screen of a new login.
		for (const [key, text] of [['Enter', 'Scopes asked'], ['x', 'Remove ticking?'], ['n', 'Scopes asked'], ['g', 'client registration'], ['l', 'last login trace'], ['l', 'Access token'], ['e', 'Export'], ['2', 'Claude Code'], ['f', 'Saved to'], ['Escape', 'Access token'], ['t', 'HTTP trace'], ['t', 'Access token'], ['Escape', 'Saved servers (7)'], ['n', 'Which MCP server'], ['Escape', 'Saved servers (7)']] as const) {
			await moved(session, key);
			await waitFor(session, text);
			const screen = await pane(session, true);
			expect(count(screen, /^mcp-auth-wizard/), screen).toBe(1);
		}

		// f saved the export in the directory the wizard runs in, for the user only.
		const saved = join(home.path, 'mcp-auth-wizard-ticking-claude-code.sh');
		expect(statSync(saved).mode & 0o777).toBe(0o600);
		expect(readFileSync(saved, 'utf8')).toContain('"args":["-y","mcp-auth-wizard","proxy","ticking"]');
		await keys(session, 'q');
		// Some thirty screens through tmux: with two suites at once on two cores this took over 30 s.
	}, 90_000);

	it('keeps one header on every step of the demo', async () => {
		const home = temporaryHome();
		homes.push(home);
		const session = `demo-${columns}`;
		await start(session, [columns, rows], ['--demo'], home.path);
		const seen: string[] = [];
		// Waits for `text` on the screen as it is now (the scrollback may hold it from before), then
		// counts the headers in the whole pane, scrollback included.
		const step = async (text: string, key?: string) => {
			await waitFor(session, text);
			const shown = await pane(session, true);
			seen.push(shown);
			expect(count(shown, /^mcp-auth-wizard/), shown).toBe(1);
			if (key) await keys(session, key);
		};

		// Each screen on the way, its other views included: raw JSON, adding a scope, the client-way
		// picker and a client id typed in, the tool list.
		await step('choose scopes', 'j');
		await step('"authorization_servers"', 'j');
		await step('choose scopes', 'Enter');
		await step('Which scopes', 'a');
		await step('Add a scope', 'Escape');
		await step('preview registration', 'Enter');
		await step('"scope"', 'w');
		await step('How should this login get its client id?');
		// The cursor's move is seen before Enter: sent at once, the two keys can reach Ink as one read.
		await moved(session, 'Down');
		await step('How should this login get its client id?', 'Enter');
		await step('Client id:', 'Escape');
		await step('Which scopes', 'Enter');
		await step('"scope"', 'Enter');
		await step('201 Created', 'Enter');
		await step('Logged in', 'c');
		await step('Call which tool', 'Escape');
		await step('c call a tool', 'v');
		await step('sandbox-fastmail', 'q');
		// The banner says what to type on the sandbox's login page, whole.
		expect(seen[0]).toContain('any user name and password');
	});

	it('shows the login on another device whole, its code and address on screen, one header', async () => {
		const home = temporaryHome();
		homes.push(home);
		const session = `device-${columns}`;
		// A browser that never visits anything: the login waits, on the browser and then on the code.
		await start(session, [columns, rows], ['--demo', '--profile', 'device-flow'], home.path, closedBrowser);
		for (const [text, key] of [['choose scopes', 'Enter'], ['Which scopes', 'Enter'], ['"scope"', 'Enter'], ['201 Created', 'Enter'], ['Waiting for the browser', 'd'], ['enter the code', 'b'], ['Log in with your browser', 'd']] as const) {
			await waitFor(session, text);
			await keys(session, key);
		}

		const shown = await waitFor(session, 'Waiting for the approval');
		expect(count(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
		expect(shown).toMatch(/and enter the code \w{4}-\w{4}/);
		expect(shown).toContain('/oauth2/device');
		await keys(session, 'q');
	});
});

it('prints the authorization URL whole at 80 columns, so that a copy (or tmux capture-pane -J) takes it whole, and y puts it on the clipboard', async () => {
	const home = temporaryHome();
	homes.push(home);
	const session = 'copy-80';
	const command = `env -u CI MCP_AUTH_WIZARD_HOME='${home.path}' BROWSER='${closedBrowser}' '${process.execPath}' '${cliPath}' --demo`;
	await tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command);
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
	const home = temporaryHome();
	homes.push(home);
	const session = 'step-up-80';
	await start(session, [80, 24], ['--demo', '--profile', 'step-up'], home.path);
	for (const [text, key] of [['choose scopes', 'Enter'], ['Which scopes', 'Enter'], ['"scope"', 'Enter'], ['201 Created', 'Enter'], ['Saved as', 'c'], ['Call which tool', 'Down'], ['❯ list_mailboxes', 'Down'], ['❯ send_email', 'Enter']] as const) {
		await waitFor(session, text);
		await keys(session, key);
	}

	const offer = await waitFor(session, 'Esc not now');
	expect(offer).toContain('log in again with');
	expect(offer).toMatch(/^mcp-auth-wizard .*7 Token$/m);
	expect(count(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
	await keys(session, 'q');
});

it('logs in as a client acting as itself in the demo at 80x24: the way picked, the client typed in, the grant on the token screen', async () => {
	const home = temporaryHome();
	homes.push(home);
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
	expect(count(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
	await keys(session, 'q');
});

it('logs in through the company\'s identity provider in the demo at 80x24: both exchanges and the ID-JAG\'s claims on one screen, one header', async () => {
	const home = temporaryHome();
	homes.push(home);
	const session = 'enterprise-80';
	await start(session, [80, 24], ['--demo', '--profile', 'enterprise'], home.path);
	await waitFor(session, 'choose scopes');
	const banner = await pane(session, true);
	const answers = [
		/^Its identity provider: (\S+)$/m.exec(banner)?.[1],
		/^Its client id there: (\S+)$/m.exec(banner)?.[1],
		/^The ID token of \S+ is in the file:\n(\S+)$/m.exec(banner)?.[1],
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
		await waitFor(session, `${questions[index]!} ${answer!}`);
		await keys(session, 'Enter');
	}

	await waitFor(session, 'MCP client secret:');
	await keys(session, '-l', secret!);
	await waitFor(session, '*'.repeat(secret!.length));
	await keys(session, 'Enter');
	await waitFor(session, 'Enter exchange the ID token');
	await keys(session, 'Enter');
	const exchanges = await waitFor(session, 'Enter see the token');
	expect(exchanges).toMatch(/^mcp-auth-wizard .*6 Login/m);
	expect(exchanges).toMatch(/^ {2}client_id +sandbox-enterprise-client$/m);
	expect(exchanges).toContain('2. JWT bearer grant (RFC 7523)');
	expect(count(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
	await keys(session, 'Enter');
	const shown = await waitFor(session, 'Saved as');
	expect(shown).toMatch(/^Grant +an ID-JAG from your identity provider \(enterprise-managed\)$/m);
	expect(count(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
	await keys(session, 'q');
});
