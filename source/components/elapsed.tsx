import {Text} from 'ink';
import {useClock} from './countdown.js';

/** "0:07", "12:30". */
export function minutesSeconds(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export type ElapsedProps = {
	/** When the wait started (epoch ms). */
	readonly since: number;
	/** The time limit, shown as "of 5:00". */
	readonly limitMs?: number;
	/** The clock, for tests; Date.now by default. */
	readonly now?: () => number;
};

/** "0:12 of 5:00", ticking each second. */
export function Elapsed({since, limitMs, now}: ElapsedProps) {
	const current = useClock(now);
	return (
		<Text>
			{minutesSeconds(current - since)}
			{limitMs === undefined ? '' : ` of ${minutesSeconds(limitMs)}`}
		</Text>
	);
}
