// Part 1 of the bench: how soon the CLI answers. --version, --help and `list --json` against `node -e 0`;
// the wizard's first frame against a program that prints at once, both in the same pseudo-terminal.
// The runs are interleaved (one of each, round after round), so that a machine that gets busier or
// quieter meanwhile moves a figure and its reference together.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cliPath, median, timeCommand} from './lib.js';
import {settle, timeToText} from './pty.js';

const node = process.execPath;
const runs = Number(process.env.BENCH_RUNS ?? 15);
const warmup = 2;
const urlScreen = 'Which MCP server do you want to log in to?';

/** @returns {Promise<import('./lib.js').Row[]>} */
export async function run() {
	// An empty store: the wizard opens on its URL screen, and `list` has nothing to show.
	const home = mkdtempSync(join(tmpdir(), 'maw-bench-start-'));
	const env = {...process.env, MCP_AUTH_WIZARD_HOME: home};
	const inTerminal = async (args, text) => {
		const elapsed = await timeToText(node, args, text, {env});
		await settle();
		return elapsed;
	};

	const measures = {
		bare: () => timeCommand(node, ['-e', '0'], {env}),
		version: () => timeCommand(node, [cliPath, '--version'], {env}),
		help: () => timeCommand(node, [cliPath, '--help'], {env}),
		list: () => timeCommand(node, [cliPath, 'list', '--json'], {env}),
		ready: () => inTerminal(['-e', "process.stdout.write('ready')"], 'ready'),
		firstFrame: () => inTerminal([cliPath], urlScreen),
	};
	const samples = Object.fromEntries(Object.keys(measures).map(name => [name, []]));
	try {
		for (let round = 0; round < warmup + runs; round++) {
			for (const [name, measure] of Object.entries(measures)) {
				const elapsed = await measure();
				if (round >= warmup) samples[name].push(elapsed);
			}
		}
	} finally {
		rmSync(home, {recursive: true, force: true});
	}

	const value = name => median(samples[name]);
	const bare = {name: 'node -e 0', value: value('bare')};
	const note = `median of ${runs}`;
	return [
		{group: 'start', name: '`mcp-auth-wizard --version`', value: value('version'), unit: 'ms', reference: bare, goal: {maxRatio: 2, text: '≤ 2x'}, note},
		{group: 'start', name: '`mcp-auth-wizard --help`', value: value('help'), unit: 'ms', reference: bare, goal: {maxRatio: 2, text: '≤ 2x'}, note},
		{
			group: 'start',
			name: 'wizard: first frame',
			value: value('firstFrame'),
			unit: 'ms',
			reference: {name: 'node printing "ready", same pty', value: value('ready')},
			goal: {maxRatio: 5, text: '≤ 5x'},
			note: `spawn to the URL screen's text in a pty (script -qfec), empty store; ${note}`,
		},
		{group: 'start', name: '`mcp-auth-wizard list --json`', value: value('list'), unit: 'ms', reference: bare, note: `empty store; ${note}`},
	];
}
