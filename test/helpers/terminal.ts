import {expect, vi} from 'vitest';
import {cliPath, scriptedBrowser, temporaryHome} from './run-cli.js';
import {tmuxServer} from './tmux.js';

/**
 * The built wizard in real terminals (tmux, a server per test file): started in a size, read, typed
 * into. Each test's store is removed, and the server stopped, by `close` (the file's afterAll).
 */
export function wizardTerminal(name: string) {
	const {tmux, pane, paneWith, keys, kill} = tmuxServer(name);
	const homes: Array<ReturnType<typeof temporaryHome>> = [];
	return {
		tmux,
		pane,
		keys,
		/** Waits until the visible screen shows `text`, and returns it. */
		waitFor: async (session: string, text: string) => paneWith(session, text),
		/** The same, the scrollback included (the screen may have moved on). */
		paneWith: async (session: string, text: string) => paneWith(session, text, true),
		/** A store of its own for one test, removed by close(). */
		home() {
			const home = temporaryHome();
			homes.push(home);
			return home;
		},
		/** The wizard with `args`, run from `home` (f saves an export in the current directory). */
		async start(session: string, size: readonly [number, number], args: readonly string[], home: string, browser = scriptedBrowser): Promise<void> {
			const command = `cd '${home}' && env -u CI MCP_AUTH_WIZARD_HOME='${home}' BROWSER='${browser}' '${process.execPath}' '${cliPath}' ${args.join(' ')}`;
			await tmux('new-session', '-d', '-s', session, '-x', String(size[0]), '-y', String(size[1]), command);
		},
		/**
		 * Sends a key that changes the screen, and waits until it has (a key sent before Ink read the last
		 * may be merged with it). Digits do not count: the clock changes them every second.
		 */
		async moved(session: string, key: string): Promise<void> {
			const screen = async () => (await pane(session)).replaceAll(/\d/g, '');
			const before = await screen();
			await keys(session, key);
			await vi.waitFor(async () => {
				expect(await screen()).not.toBe(before);
			}, {timeout: 20_000, interval: 50});
		},
		async close(): Promise<void> {
			await kill();
			for (const home of homes) home.remove();
		},
	};
}

/** How many lines of `text` match `line`. */
export function countLines(text: string, line: RegExp): number {
	return text.split('\n').filter(row => line.test(row)).length;
}
