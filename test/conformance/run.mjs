#!/usr/bin/env node
// `npm run conformance`: the public MCP conformance suite (@modelcontextprotocol/conformance) runs our
// built CLI as its client (client.mjs) in the client auth suites and the extensions suite (client
// credentials, enterprise-managed authorization), and every check that is not a success
// is printed. Exit 1 on any FAILURE or WARNING, or a scenario that reported nothing. test/conformance.test.ts
// runs the same inside `npm test`.
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {basename, dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

export const suites = ['auth', 'backcompat', 'draft', 'extensions'];

const here = dirname(fileURLToPath(import.meta.url));
const suiteBin = join(dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json')), 'dist', 'index.js');

/** One suite (its scenarios run side by side by the suite itself); resolves with its exit code and log. */
function runSuite(suite, outputDir) {
	const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(here, 'client.mjs'))}`;
	// A generous limit per scenario: each is two CLI runs, and a loaded 2-core machine runs many at once.
	const args = ['--import', join(here, 'node20.mjs'), suiteBin, 'client', '--command', command, '--suite', suite, '--timeout', '90000', '-o', outputDir];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0'}});
		let log = '';
		child.stdout.on('data', chunk => (log += chunk));
		child.stderr.on('data', chunk => (log += chunk));
		child.on('error', reject);
		child.on('close', code => resolve({suite, dir: outputDir, code, log}));
	});
}

/** Every scenario's checks.json under the output directory, named as the suite names them. */
function readScenarios(outputDir, suite) {
	return readdirSync(outputDir, {recursive: true})
		.filter(path => basename(String(path)) === 'checks.json')
		.map(path => {
			// <dir>/auth/metadata-default-2026-12-02T02-52-31-824Z/checks.json
			const name = dirname(String(path)).replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, '');
			const checks = JSON.parse(readFileSync(join(outputDir, String(path)), 'utf8'));
			// What our CLI printed in this scenario, kept by the suite beside its checks.
			const printed = name => {
				try {
					return readFileSync(join(outputDir, dirname(String(path)), name), 'utf8');
				} catch {
					return '';
				}
			};
			return {suite, name, checks: checks.map(({id, status, errorMessage}) => ({id, status, ...(errorMessage ? {errorMessage} : {})})), clientOutput: `${printed('stdout.txt')}${printed('stderr.txt')}`};
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Runs the suites at once. Returns every scenario with its checks, and the problems: each FAILURE or
 * WARNING, a scenario with no successful check, a suite that exited non-zero without either.
 */
export async function runConformance(options = {}) {
	const chosen = options.suites ?? suites;
	const root = mkdtempSync(join(tmpdir(), 'maw-conformance-results-'));
	try {
		const runs = await Promise.all(chosen.map(suite => runSuite(suite, join(root, suite))));
		const scenarios = runs.flatMap(run => {
			try {
				return readScenarios(run.dir, run.suite);
			} catch {
				return [];
			}
		});
		const problems = scenarios.flatMap(scenario => {
			const found = [
				...scenario.checks.filter(check => check.status === 'FAILURE' || check.status === 'WARNING').map(check => `${scenario.name}: ${check.status} ${check.id}${check.errorMessage ? `: ${check.errorMessage}` : ''}`),
				...(scenario.checks.some(check => check.status === 'SUCCESS') ? [] : [`${scenario.name}: no successful check`]),
			];
			// With what the client printed there, so that a failure can be read without running it again.
			return found.length === 0 ? [] : [...found, `${scenario.name}: what the client printed:\n${scenario.clientOutput.slice(-4000)}`];
		});
		for (const run of runs) {
			if (run.code !== 0 && !problems.some(problem => scenarios.some(scenario => scenario.suite === run.suite && problem.startsWith(`${scenario.name}:`)))) {
				problems.push(`suite ${run.suite} exited ${run.code}:\n${run.log.slice(-3000)}`);
			}
		}

		return {scenarios, problems, logs: Object.fromEntries(runs.map(run => [run.suite, run.log]))};
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
}

async function main() {
	const requested = process.argv.slice(2);
	const result = await runConformance(requested.length > 0 ? {suites: requested} : {});
	for (const scenario of result.scenarios) {
		const count = status => scenario.checks.filter(check => check.status === status).length;
		const failed = count('FAILURE') + count('WARNING') > 0;
		process.stdout.write(`${failed ? '✗' : '✓'} ${scenario.name.padEnd(48)} ${count('SUCCESS')} passed, ${count('FAILURE')} failed, ${count('WARNING')} warnings\n`);
	}

	if (process.env['CONFORMANCE_LOG']) writeFileSync(process.env['CONFORMANCE_LOG'], Object.values(result.logs).join('\n'));
	process.stdout.write(result.problems.length === 0 ? `\nNo failure and no warning in ${result.scenarios.length} scenarios.\n` : `\n${result.problems.join('\n')}\n`);
	return result.problems.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(await main());
