import {type ReactElement, act} from 'react';
import {render as inkRender} from 'ink-testing-library';
import {unstable_IdlePriority, unstable_scheduleCallback} from 'scheduler';
import {expect, vi} from 'vitest';
import {recordFrames} from './secret-scan.js';
import {waitLimit} from './wait.js';

// Taken before any test fakes the timers (vi.useFakeTimers fakes setImmediate too).
const realSetImmediate = globalThis.setImmediate;

/**
 * Runs `work` in React's act(), which returns once React has rendered what it caused and run the effects
 * that follow (among them the useInput subscriptions of the new frame): the next key then meets the
 * screen it produced, on a loaded machine too, with no sleeping. The act environment is on only for
 * that time, so that updates from I/O at other times (discovery answers, a clock) do not warn.
 */
async function settled<T>(work: () => T | Promise<T>): Promise<T> {
	// Renders caused outside act (an answer from a server, a clock) left their effects to React's
	// scheduler: an idle-priority task runs only after them, so the key meets the screen's handlers.
	await new Promise<void>(resolve => {
		unstable_scheduleCallback(unstable_IdlePriority, () => {
			resolve();
		});
	});
	const scope = globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean};
	scope.IS_REACT_ACT_ENVIRONMENT = true;
	try {
		let result!: T;
		await act(async () => {
			result = await work();
			// Ink holds a lone Esc for one turn of the event loop (it may start a longer sequence).
			await new Promise(resolve => {
				realSetImmediate(resolve);
			});
		});
		return result;
	} finally {
		scope.IS_REACT_ACT_ENVIRONMENT = false;
	}
}

/**
 * ink-testing-library's render, returned once its first frame's effects have run (the screen's input
 * handlers among them), with every frame kept for the secret scan (secret-scan.ts). The root is made
 * outside act(): a legacy root made inside it renders later updates (from I/O) without their effects.
 */
export async function render(tree: ReactElement): Promise<ReturnType<typeof inkRender>> {
	const instance = inkRender(tree);
	await settled(() => undefined);
	recordFrames(instance.stdout.frames, instance.stderr.frames);
	return instance;
}

/** What stdin.write sends for each key (ink-testing-library's stdin, a raw terminal's bytes). */
export const keys = {
	enter: '\r',
	escape: '\u001B',
	space: ' ',
	up: '\u001B[A',
	down: '\u001B[B',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	backspace: '\u007F',
} as const;

type Stdin = {write(data: string): void};
type LastFrame = () => string | undefined;

/** Writes each key once the screen has taken the one before (see settled): no key meets a stale screen. */
export async function press(stdin: Stdin, ...written: string[]): Promise<void> {
	for (const key of written) {
		await settled(() => {
			stdin.write(key);
		});
	}
}

/**
 * Moves the fake clock, and returns once React has rendered what the timers that fired caused (see
 * settled). Not vi.waitFor: under fake timers it moves the clock too, at each try.
 */
export async function advanceClock(ms: number): Promise<void> {
	await settled(async () => vi.advanceTimersByTimeAsync(ms));
}

export {waitLimit} from './wait.js';

/** Waits until the frame contains `text`, and returns it. Under fake timers, use advanceClock instead. */
export async function frameWith(lastFrame: LastFrame, text: string): Promise<string> {
	await vi.waitFor(() => {
		expect(lastFrame()).toContain(text);
	}, waitLimit);
	return lastFrame() ?? '';
}

/** The frame with Ink's line breaks taken out, to find a long URL that was wrapped. */
export function unwrapped(frame: string | undefined): string {
	return (frame ?? '').replaceAll('\n', '');
}
