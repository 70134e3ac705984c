import type {ReactElement} from 'react';
import {render as inkRender} from 'ink-testing-library';
import {expect, vi} from 'vitest';
import {recordFrames} from './secret-scan.js';

/** ink-testing-library's render, with every frame kept for the secret scan (secret-scan.ts). */
export function render(tree: ReactElement): ReturnType<typeof inkRender> {
	const instance = inkRender(tree);
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
} as const;

// Taken before any test fakes the timers: React schedules renders and effects on the real clock, so
// tests with fake timers still wait on it for a frame.
const realSetTimeout = globalThis.setTimeout;

/** A real pause, also under vi.useFakeTimers(). */
export const delay = async (ms = 60) =>
	new Promise(resolve => {
		realSetTimeout(resolve, ms);
	});

type Stdin = {write(data: string): void};
type LastFrame = () => string | undefined;

/**
 * Writes each key after a pause: Ink drops keys sent back to back, and a screen's useInput is attached
 * in an effect after the first frame.
 */
export async function press(stdin: Stdin, ...written: string[]): Promise<void> {
	for (const key of written) {
		await delay();
		stdin.write(key);
	}

	await delay();
}

/**
 * Moves the fake clock, then waits (really) for React to render. Not vi.waitFor: under fake timers it
 * moves the clock too, at each try.
 */
export async function advanceClock(ms: number): Promise<void> {
	await vi.advanceTimersByTimeAsync(ms);
	await delay();
}

/**
 * How long a wait for a condition may take: a whole browser login on a loaded 2-core machine takes
 * seconds, and a wait that holds returns at once, so a generous limit costs nothing.
 */
export const waitLimit = {timeout: 20_000, interval: 20} as const;

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
