import {readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it, vi} from 'vitest';
import {openConfStore} from '../source/store/conf-store.js';
import {fastmailServer, serversInEveryStatus} from './helpers/saved-servers.js';
import {fastmailTokens} from './helpers/screen-fixtures.js';
import {countLines, wizardTerminal} from './helpers/terminal.js';
import {closedBrowser} from './wizard/helpers.js';

// The built binary in real terminals of small sizes (tmux): no line of any screen may be wider than
// the terminal, or Ink, erasing the lines it drew, leaves the ones the terminal wrapped on screen.
// The demo's other profiles at 80x24: e2e-terminal-demos.test.ts.
const terminal = wizardTerminal('sizes');
const {pane, waitFor, paneWith, keys, moved, start} = terminal;

afterAll(async () => terminal.close());

describe.each([
	[80, 24],
	[60, 20],
] as const)('at %dx%d', (columns, rows) => {
	// The saved-server list and the device login at the tighter size only: what fits 60x20 fits 80x24,
	// whose own walk is the header test below (each of these took 5-15 s of a CI run's tmux time).
	it.runIf(columns === 60)('keeps one copy of the saved-server list, its title once, while the cursor moves and the clock ticks', async () => {
		const home = terminal.home();
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
		expect(countLines(shown, /mcp-auth-wizard saved servers/), shown).toBe(1);

		// A server's details, the remove question, its registration JSON, its last login's trace, an export,
		// the HTTP trace, and the URL screen of a new login.
		for (const [key, text] of [['Enter', 'Scopes asked'], ['x', 'Remove ticking?'], ['n', 'Scopes asked'], ['g', 'client registration'], ['l', 'last login trace'], ['l', 'Access token'], ['e', 'Export'], ['2', 'Claude Code'], ['f', 'Saved to'], ['Escape', 'Access token'], ['t', 'HTTP trace'], ['t', 'Access token'], ['Escape', 'Saved servers (7)'], ['n', 'Which MCP server'], ['Escape', 'Saved servers (7)']] as const) {
			await moved(session, key);
			await waitFor(session, text);
			const screen = await pane(session, true);
			expect(countLines(screen, /^mcp-auth-wizard/), screen).toBe(1);
		}

		// f saved the export in the directory the wizard runs in, for the user only.
		const saved = join(home.path, 'mcp-auth-wizard-ticking-claude-code.sh');
		expect(statSync(saved).mode & 0o777).toBe(0o600);
		expect(readFileSync(saved, 'utf8')).toContain('"args":["-y","mcp-auth-wizard","proxy","ticking"]');
		await keys(session, 'q');
		// Some thirty screens through tmux: with two suites at once on two cores this took over 30 s.
	}, 90_000);

	it('keeps one header on every step of the demo', async () => {
		const home = terminal.home();
		const session = `demo-${columns}`;
		await start(session, [columns, rows], ['--demo'], home.path);
		const seen: string[] = [];
		// Waits for `text` on the screen as it is now (the scrollback may hold it from before), then
		// counts the headers in the whole pane, scrollback included.
		const step = async (text: string, key?: string) => {
			await waitFor(session, text);
			const shown = await pane(session, true);
			seen.push(shown);
			expect(countLines(shown, /^mcp-auth-wizard/), shown).toBe(1);
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

	it.runIf(columns === 60)('shows the login on another device whole, its code and address on screen, one header', async () => {
		const home = terminal.home();
		const session = `device-${columns}`;
		// A browser that never visits anything: the login waits, on the browser and then on the code.
		await start(session, [columns, rows], ['--demo', '--profile', 'device-flow'], home.path, closedBrowser);
		for (const [text, key] of [['choose scopes', 'Enter'], ['Which scopes', 'Enter'], ['"scope"', 'Enter'], ['201 Created', 'Enter'], ['Waiting for the browser', 'd'], ['enter the code', 'b'], ['Log in with your browser', 'd']] as const) {
			await waitFor(session, text);
			await keys(session, key);
		}

		const shown = await waitFor(session, 'Waiting for the approval');
		expect(countLines(await pane(session, true), /^mcp-auth-wizard/)).toBe(1);
		expect(shown).toMatch(/and enter the code \w{4}-\w{4}/);
		expect(shown).toContain('/oauth2/device');
		await keys(session, 'q');
	});
});
