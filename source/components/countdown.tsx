import {Text} from 'ink';
import {useEffect, useState} from 'react';
import {formatDuration} from '../core/text.js';

/** Re-renders every second and returns the current time: a display clock only, it does no work. */
export function useClock(now: () => number = Date.now): number {
	const [, setTick] = useState(0);
	useEffect(() => {
		const timer = setInterval(() => {
			setTick(tick => tick + 1);
		}, 1000);
		return () => {
			clearInterval(timer);
		};
	}, []);
	return now();
}

/** Local wall-clock time of an ISO instant, "14:03:09". */
export function clockTime(iso: string): string {
	const date = new Date(iso);
	return [date.getHours(), date.getMinutes(), date.getSeconds()].map(part => String(part).padStart(2, '0')).join(':');
}

export type CountdownProps = {
	/** ISO time the token expires; undefined when the server did not say. */
	readonly expiresAt?: string;
	/** The clock, for tests; Date.now by default. */
	readonly now?: () => number;
};

/** "expires in 59m 58s", "expired 12s ago" or "no expiry given", updated every second. */
export function Countdown({expiresAt, now}: CountdownProps) {
	const current = useClock(now);
	if (expiresAt === undefined) return <Text dimColor>no expiry given</Text>;
	const seconds = Math.round((Date.parse(expiresAt) - current) / 1000);
	if (seconds <= 0) return <Text color="red">expired {formatDuration(-seconds)} ago</Text>;
	return <Text>expires in {formatDuration(seconds)}</Text>;
}
