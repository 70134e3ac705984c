import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {expect, vi} from 'vitest';

const run = promisify(execFile);

/** A tmux server of its own (a socket per test file): real terminals for the built binary. */
export function tmuxServer(name: string) {
	const socket = `maw-${name}-${process.pid}`;
	// One server for the file, kept when its last session ends: a session started while the server
	// exits after the last one fails with "server exited unexpectedly" (seen on a loaded machine).
	let started: Promise<unknown> | undefined;
	const tmux = async (...args: string[]) => {
		started ??= run('tmux', ['-L', socket, 'start-server', ';', 'set-option', '-g', 'exit-empty', 'off']);
		await started;
		return (await run('tmux', ['-L', socket, ...args])).stdout;
	};
	/** The visible screen; with `history`, the scrollback too (stale copies of a frame land there). */
	const pane = async (session: string, history = false) => tmux('capture-pane', '-p', ...(history ? ['-S', '-'] : []), '-t', session);
	return {
		tmux,
		pane,
		/** Waits until the pane shows `text`, and returns it. */
		async paneWith(session: string, text: string, history = false): Promise<string> {
			let last = '';
			await vi.waitFor(
				async () => {
					last = await pane(session, history);
					expect(last).toContain(text);
				},
				{timeout: 20_000, interval: 100},
			);
			return last;
		},
		async keys(session: string, ...names: string[]): Promise<void> {
			for (const name of names) await tmux('send-keys', '-t', session, name);
		},
		async kill(): Promise<void> {
			await run('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
			started = undefined;
		},
	};
}
