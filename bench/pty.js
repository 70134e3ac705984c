// Time to a first frame: a command run in a pseudo-terminal (util-linux `script`, which works as root
// and without a terminal of its own, as in CI), from spawn until a text appears on the terminal.
import {spawn} from 'node:child_process';

const ansi = /\u001B(?:\[[\d;?]*[A-Za-z]|\][^\u0007]*\u0007|[()][A-Z0-9]|[=>])/g;

/** The shell-quoted form of one argument, for script's -c. */
const quote = argument => `'${argument.replaceAll("'", "'\\''")}'`;

/**
 * Milliseconds from spawning `command args` in a pseudo-terminal to the first time `text` shows on it
 * (colours and cursor moves taken out). The program is then ended: script is killed, which hangs up
 * the terminal (SIGHUP) of the program.
 */
export function timeToText(command, args, text, {env = process.env, timeoutMs = 20_000} = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn('script', ['-qfec', [command, ...args].map(quote).join(' '), '/dev/null'], {
			env: {...env, TERM: 'xterm-256color', COLUMNS: '100', LINES: '40'},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let seen = '';
		let done = false;
		const finish = (error, value) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			child.kill('SIGTERM');
			if (error) reject(error);
			else resolve(value);
		};

		const timer = setTimeout(() => finish(new Error(`"${text}" did not show within ${timeoutMs} ms; the terminal showed: ${JSON.stringify(seen.slice(-500))}`)), timeoutMs);
		child.stdout.on('data', chunk => {
			const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
			seen += chunk.toString();
			if (seen.replaceAll(ansi, '').includes(text)) finish(undefined, elapsed);
		});
		child.stderr.resume();
		child.on('error', error => finish(error));
		child.on('close', code => finish(new Error(`script ended (${code}) before "${text}" showed; the terminal showed: ${JSON.stringify(seen.slice(-500))}`)));
	});
}

/** Waits for `child` processes of a pty run to be gone, so that runs do not overlap. */
export const settle = () => new Promise(resolve => setTimeout(resolve, 50));
