/** The longest delay setTimeout takes: Node fires a longer one at once (with a TimeoutOverflowWarning). */
export const maxTimerDelayMs = 2 ** 31 - 1;

/**
 * setTimeout for any delay, from a server (`expires_in` of 30 days) or a user (`--timeout 30d`): a delay
 * past 2^31 - 1 ms (about 24.8 days) is waited in steps, never fired early. Returns the cancel function.
 */
export function startTimer(callback: () => void, delayMs: number): () => void {
	const dueAt = Date.now() + Math.max(0, delayMs);
	let timer: NodeJS.Timeout;
	const arm = () => {
		const left = dueAt - Date.now();
		timer = left > maxTimerDelayMs ? setTimeout(arm, maxTimerDelayMs) : setTimeout(callback, Math.max(0, left));
	};

	arm();
	return () => clearTimeout(timer);
}
