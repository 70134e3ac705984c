import {afterEach, expect, it, vi} from 'vitest';
import {maxTimerDelayMs, startTimer} from '../../source/core/timers.js';

afterEach(() => {
	vi.useRealTimers();
});

const day = 86_400_000;

it('waits a delay past 2^31 - 1 ms in full, never firing early', async () => {
	vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']});
	const fired = vi.fn();
	startTimer(fired, 30 * day);
	await vi.advanceTimersByTimeAsync(1000);
	expect(fired).not.toHaveBeenCalled();
	await vi.advanceTimersByTimeAsync(maxTimerDelayMs);
	expect(fired).not.toHaveBeenCalled();
	await vi.advanceTimersByTimeAsync(30 * day - maxTimerDelayMs - 1001);
	expect(fired).not.toHaveBeenCalled();
	await vi.advanceTimersByTimeAsync(1);
	expect(fired).toHaveBeenCalledTimes(1);
});

it('fires short and past-due delays as setTimeout would, and can be cancelled', async () => {
	vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']});
	const soon = vi.fn();
	const late = vi.fn();
	const cancelled = vi.fn();
	startTimer(soon, 500);
	startTimer(late, -5000);
	startTimer(cancelled, 40 * day)();
	await vi.advanceTimersByTimeAsync(0);
	expect(late).toHaveBeenCalledTimes(1);
	expect(soon).not.toHaveBeenCalled();
	await vi.advanceTimersByTimeAsync(500);
	expect(soon).toHaveBeenCalledTimes(1);
	await vi.advanceTimersByTimeAsync(41 * day);
	expect(cancelled).not.toHaveBeenCalled();
});

it('sets no timer Node would warn about (TimeoutOverflowWarning) for any delay', async () => {
	const warnings: string[] = [];
	const onWarning = (warning: Error) => warnings.push(warning.name);
	process.on('warning', onWarning);
	try {
		const cancel = startTimer(() => undefined, 365 * day);
		await new Promise(resolve => setImmediate(resolve));
		cancel();
		await new Promise(resolve => setImmediate(resolve));
		expect(warnings).not.toContain('TimeoutOverflowWarning');
	} finally {
		process.off('warning', onWarning);
	}
});
