import {Text} from './text.js';
import {useClock} from './countdown.js';

/** "0:07", "12:30", "1:05:00", "30d 0:00:00" (a --timeout may be hours or days). */
export function clockDuration(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const days = Math.floor(total / 86_400);
	const hours = Math.floor((total % 86_400) / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = String(total % 60).padStart(2, '0');
	if (total < 3600) return `${minutes}:${seconds}`;
	const clock = `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`;
	return days > 0 ? `${days}d ${clock}` : clock;
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
			{clockDuration(current - since)}
			{limitMs === undefined ? '' : ` of ${clockDuration(limitMs)}`}
		</Text>
	);
}
