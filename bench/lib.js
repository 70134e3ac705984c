// Shared by the benchmarks: timing commands, summarizing samples, and the rows run.js prints.
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * One row of the table: a figure, the reference it is compared with (measured in the same run), their
 * ratio, and the goal the issue sets (a ratio at most `goal.maxRatio`, or a value at most `goal.max`).
 * @typedef {object} Row
 * @property {string} group
 * @property {string} name
 * @property {number} value
 * @property {string} unit
 * @property {{name: string, value: number}} [reference]
 * @property {{maxRatio?: number, max?: number, text: string}} [goal]
 * @property {string} [note]
 */

export function median(samples) {
	const sorted = [...samples].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds from spawn to exit of `command args`, with stdout and stderr discarded. */
export function timeCommand(command, args, options = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn(command, args, {stdio: 'ignore', ...options});
		child.on('error', reject);
		child.on('close', code => {
			if (code !== 0 && !options.anyExit) reject(new Error(`${command} ${args.join(' ')} exited ${code}`));
			else resolve(Number(process.hrtime.bigint() - started) / 1e6);
		});
	});
}

/** The median of `runs` timings of `measure` after `warmup` unmeasured ones (disk cache, JIT of node itself). */
export async function medianOf(measure, {runs = 15, warmup = 2} = {}) {
	for (let i = 0; i < warmup; i++) await measure();
	const samples = [];
	for (let i = 0; i < runs; i++) samples.push(await measure());
	return median(samples);
}

export function ratioOf(row) {
	return row.reference ? row.value / row.reference.value : undefined;
}

/** Whether a row meets its goal; undefined when it has none. */
export function meetsGoal(row) {
	if (!row.goal) return undefined;
	const ratio = ratioOf(row);
	if (row.goal.maxRatio !== undefined) return ratio !== undefined && ratio <= row.goal.maxRatio;
	if (row.goal.max !== undefined) return row.value <= row.goal.max;
	return undefined;
}
