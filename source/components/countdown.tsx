import {Text} from './text.js';
import {useEffect, useState} from 'react';
import {formatDuration} from '../core/text.js';

/*
 * One interval for every clock on screen. Ink lays out and redraws the whole frame on each commit (a few
 * ms of CPU), and clocks with intervals of their own ticked at different moments: two clocks drew two
 * frames a second. The ticks of one callback are batched into one commit, so one frame.
 */
const clockListeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | undefined;

function subscribeToClock(listener: () => void): () => void {
	clockListeners.add(listener);
	clockTimer ??= setInterval(() => {
		for (const tick of clockListeners) tick();
	}, 1000);
	return () => {
		clockListeners.delete(listener);
		if (clockListeners.size > 0) return;
		// No clock on screen, no timer: an idle screen without one never wakes the process.
		clearInterval(clockTimer);
		clockTimer = undefined;
	};
}

/**
 * Re-renders every second (with every other clock on screen) and returns the current time: a display
 * clock only, it does no work. `ticking` false stops it, for a value that no longer changes.
 */
export function useClock(now: () => number = Date.now, ticking = true): number {
	const [, setTick] = useState(0);
	useEffect(() => {
		if (!ticking) return undefined;
		return subscribeToClock(() => {
			setTick(tick => tick + 1);
		});
	}, [ticking]);
	return now();
}

/** Local wall-clock time of an ISO instant, "14:03:09". */
export function clockTime(iso: string): string {
	const date = new Date(iso);
	return [date.getHours(), date.getMinutes(), date.getSeconds()].map(part => String(part).padStart(2, '0')).join(':');
}

/** The local time of day, with the date in front when it is not today: "14:03:09", "2026-03-01 14:03:09". */
export function dateTime(iso: string, now: number = Date.now()): string {
	const date = new Date(iso);
	if (date.toDateString() === new Date(now).toDateString()) return clockTime(iso);
	const day = [date.getFullYear(), date.getMonth() + 1, date.getDate()].map(part => String(part).padStart(2, '0')).join('-');
	return `${day} ${clockTime(iso)}`;
}

export type CountdownProps = {
	/** ISO time the token expires; undefined when the server did not say. */
	readonly expiresAt?: string;
	/** The clock, for tests; Date.now by default. */
	readonly now?: () => number;
};

/** "expires in 59m 58s", "expired 12s ago" or "no expiry given", updated every second. */
export function Countdown({expiresAt, now}: CountdownProps) {
	// Without an expiry nothing on it changes: ticking would redraw the frame each second for nothing.
	const current = useClock(now, expiresAt !== undefined);
	if (expiresAt === undefined) return <Text dimColor>no expiry given</Text>;
	const seconds = Math.round((Date.parse(expiresAt) - current) / 1000);
	if (seconds <= 0) return <Text color="red">expired {formatDuration(-seconds)} ago</Text>;
	return <Text>expires in {formatDuration(seconds)}</Text>;
}
