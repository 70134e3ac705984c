// Part 5 of the bench: the CPU the live token screen uses while nobody touches it. The built wizard runs in
// a real terminal (tmux) against the sandbox, which runs in a process of its own so that only the wizard
// is measured; the scripted browser completes the login, then the wizard idles on the token screen.
import {execFile, execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {cliPath, median} from './lib.js';

const execFileAsync = promisify(execFile);
const scriptedBrowser = fileURLToPath(new URL('../test/helpers/scripted-browser.mjs', import.meta.url));
const windowMs = 10_000;
// Consecutive windows, the median reported: one garbage collection more or less moves a single window.
const windows = 3;
// Lets the last frames, the store write and the garbage collection after the login settle first.
const settleMs = 3000;
const columns = 120;
const rows = 45;

const sleep = ms => new Promise(resolve => {
	setTimeout(resolve, ms);
});

/** A private tmux server, so that nothing touches the user's sessions; `kill` ends it and its panes. */
function tmuxServer() {
	const socket = `maw-bench-idle-${process.pid}`;
	const tmux = async (...args) => (await execFileAsync('tmux', ['-L', socket, ...args])).stdout;
	let socketPath;
	return {
		async tmux(...args) {
			const out = await tmux(...args);
			socketPath ??= (await tmux('display-message', '-p', '#{socket_path}')).trim();
			return out;
		},
		screen: session => tmux('capture-pane', '-p', '-t', session),
		async kill() {
			await tmux('kill-server').catch(() => undefined);
			// tmux leaves its socket file behind.
			if (socketPath) rmSync(socketPath, {force: true});
		},
		/** For a signal handler, which cannot wait. */
		killNow() {
			try {
				execFileSync('tmux', ['-L', socket, 'kill-server'], {stdio: 'ignore'});
			} catch {
				// Not started, or already gone.
			}

			if (socketPath) rmSync(socketPath, {force: true});
		},
	};
}

async function waitForScreen(server, session, text, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		last = await server.screen(session);
		if (last.includes(text)) return last;
		await sleep(100);
	}

	throw new Error(`bench idle: "${text}" never showed in ${session}; the screen was:\n${last}`);
}

/** `mcp-auth-wizard sandbox --json` in its own process; `ready` resolves with its MCP URL once printed. */
function startSandbox(home) {
	const child = spawn(process.execPath, [cliPath, 'sandbox', '--json'], {env: {...process.env, MCP_AUTH_WIZARD_HOME: home}, stdio: ['ignore', 'pipe', 'pipe']});
	const stopped = new Promise(resolve => {
		child.once('close', resolve);
	});
	const running = () => child.exitCode === null && child.signalCode === null;
	const close = async () => {
		if (running()) child.kill('SIGINT');
		await Promise.race([stopped, sleep(5000)]);
		if (running()) child.kill('SIGKILL');
	};

	const ready = new Promise((resolve, reject) => {
		let out = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', chunk => {
			out += chunk;
			try {
				resolve(JSON.parse(out).mcpUrl);
			} catch {
				// The document is not whole yet.
			}
		});
		child.once('error', reject);
		child.once('close', code => reject(new Error(`bench idle: the sandbox exited ${code} before it was ready`)));
	});
	return {ready, close, kill: () => child.kill('SIGKILL')};
}

/** The wizard's node process in a new tmux session; `exec` makes it the pane's process, so its pid is the pane's. */
async function startWizard(server, session, {home, args}) {
	const quote = value => `'${value.replaceAll('\'', '\'\\\'\'')}'`;
	// The marker tells the wizard apart from the shell before its exec (the wizard sets process.title, so
	// its command line no longer names dist/cli.js). CI=true would make Ink print only the last frame.
	const marker = `MAW_BENCH_IDLE=${session}`;
	const command = `exec env -u CI ${marker} MCP_AUTH_WIZARD_HOME=${quote(home)} BROWSER=${quote(scriptedBrowser)} ${quote(process.execPath)} ${quote(cliPath)} ${args.map(quote).join(' ')}`;
	await server.tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), command);
	const pid = Number((await server.tmux('display-message', '-p', '-t', session, '#{pane_pid}')).trim());
	for (let tries = 0; tries < 50; tries++) {
		if (readlinkSync(`/proc/${pid}/exe`) === realpathSync(process.execPath) && readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) return pid;
		await sleep(100);
	}

	throw new Error(`bench idle: pane ${session} (pid ${pid}) never became the wizard: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8')}`);
}

const clockTicks = Number((await execFileAsync('getconf', ['CLK_TCK'])).stdout.trim()) || 100;

/** CPU seconds (user + system, all threads) a process has used so far: /proc/<pid>/stat fields 14 and 15. */
function cpuSeconds(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The command name (field 2) may hold spaces; the fields after it are counted from its closing paren.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Percent of one core each pid used in each of `count` consecutive windows of `ms`: one array a pid. */
async function cpuPercents(pids, ms, count) {
	const percents = pids.map(() => []);
	let started = process.hrtime.bigint();
	let before = pids.map(pid => cpuSeconds(pid));
	for (let window = 0; window < count; window++) {
		await sleep(ms);
		const ended = process.hrtime.bigint();
		const after = pids.map(pid => cpuSeconds(pid));
		const seconds = Number(ended - started) / 1e9;
		for (const [index, value] of after.entries()) percents[index].push(((value - before[index]) / seconds) * 100);
		started = ended;
		before = after;
	}

	return percents;
}

/** A bare node process waking once a second: the floor for anything that ticks a clock. */
function startIdleNode() {
	const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {stdio: 'ignore'});
	return {pid: child.pid, close: () => child.kill('SIGKILL')};
}

/** The wizard through discovery, scopes, registration and the scripted browser's login, to its token screen. */
async function logIn(server, session) {
	for (const text of ['authorization_endpoint', 'Which scopes', '"scope"', '201 Created']) {
		await waitForScreen(server, session, text);
		await server.tmux('send-keys', '-t', session, 'Enter');
	}

	await waitForScreen(server, session, 'Saved as');
}

const expiryOn = screen => /expires in [^\n]*/.exec(screen)?.[0];

/** @returns {Promise<import('./lib.js').Row[]>} */
export async function run() {
	const temporary = mkdtempSync(join(tmpdir(), 'maw-bench-idle-'));
	const tokensHome = join(temporary, 'tokens-home');
	const server = tmuxServer();
	const sandbox = startSandbox(join(temporary, 'sandbox-home'));
	let idleNode;
	// Ctrl-C skips `finally`; the tmux server is a daemon that would keep the wizards running.
	const interrupted = signal => {
		server.killNow();
		sandbox.kill();
		idleNode?.close();
		rmSync(temporary, {recursive: true, force: true});
		process.kill(process.pid, signal);
	};

	process.once('SIGINT', interrupted);
	process.once('SIGTERM', interrupted);
	try {
		const mcpUrl = await sandbox.ready;
		const tokensPid = await startWizard(server, 'tokens', {home: tokensHome, args: [mcpUrl]});
		// Nothing saved and no URL: the wizard waits on its URL field, with no clock on screen.
		const urlPid = await startWizard(server, 'url', {home: join(temporary, 'url-home'), args: []});
		await logIn(server, 'tokens');
		// The server just saved, opened from the saved-server list: its live status and its token's countdown.
		const savedPid = await startWizard(server, 'saved', {home: tokensHome, args: []});
		await waitForScreen(server, 'saved', 'saved servers');
		await server.tmux('send-keys', '-t', 'saved', 'Enter');
		await waitForScreen(server, 'saved', 'Last MCP check');
		await waitForScreen(server, 'url', 'Which MCP server');
		idleNode = startIdleNode();
		await sleep(settleMs);

		const first = expiryOn(await server.screen('tokens'));
		const [tokens, saved, url, node] = await cpuPercents([tokensPid, savedPid, urlPid, idleNode.pid], windowMs, windows);
		const last = expiryOn(await server.screen('tokens'));
		// A frozen screen would measure nothing: the countdown must have ticked on the terminal.
		if (first === undefined || first === last) throw new Error(`bench idle: the countdown did not tick (${first} → ${last})`);

		const row = (name, percents, note, goal) => ({
			group: 'idle',
			name: `${name}, CPU of one core over ${windowMs / 1000} s`,
			value: median(percents),
			unit: '%',
			note: `${note}; median of ${windows} windows: ${percents.map(percent => percent.toFixed(1)).join(', ')}`,
			...(goal ? {goal} : {}),
		});
		return [
			row('live token screen', tokens, `after the scripted login, ${columns}x${rows} terminal, the sandbox in another process`, {max: 1, text: '< 1%'}),
			row('saved server screen', saved, 'its live status and countdown'),
			row('URL screen', url, 'reference: the same wizard with no clock on screen'),
			row('node with a 1 s interval', node, 'reference: waking once a second, drawing nothing'),
		];
	} finally {
		process.off('SIGINT', interrupted);
		process.off('SIGTERM', interrupted);
		idleNode?.close();
		await server.kill();
		await sandbox.close();
		rmSync(temporary, {recursive: true, force: true});
	}
}
