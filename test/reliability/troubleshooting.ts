import {existsSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {type MatrixCase, areas} from './matrix.js';

/** What a case showed the user, as recorded in expected.json. */
export type Observed = {readonly exit: number; readonly step?: string; readonly message: string; readonly hint?: string};

export const expectedFile = fileURLToPath(new URL('expected.json', import.meta.url));
export const readmeFile = fileURLToPath(new URL('../../readme.md', import.meta.url));

export function readExpected(): Record<string, Observed> {
	return existsSync(expectedFile) ? (JSON.parse(readFileSync(expectedFile, 'utf8')) as Record<string, Observed>) : {};
}

/** Output made stable from run to run: random ports, the store's directory, timestamps in file names. */
export function normalize(text: string, home: string): string {
	return text
		.replaceAll(home, '<store>')
		.replaceAll(/(127\.0\.0\.1|localhost):\d+/g, '$1:<port>')
		.replaceAll(/Port \d+/g, 'Port <port>')
		.replaceAll(/\.corrupt-[\dTZ.-]+/g, '.corrupt-<time>');
}

const start = '<!-- troubleshooting:start (rendered from test/reliability; RECORD_MATRIX=1 npx vitest run test/reliability rewrites it) -->';
const end = '<!-- troubleshooting:end -->';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
/** Text shown as it is: `<server>` in a hint is not an HTML tag. */
const plain = (text: string) => cell(text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'));

/** The Troubleshooting tables: one per area, a row per case. */
export function renderTroubleshooting(cases: readonly MatrixCase[], observed: Readonly<Record<string, Observed>>): string {
	const lines = [start];
	for (const area of areas) {
		lines.push('', `### ${area}`, '', '| Situation | Command | What you see | Exit | Saved servers afterwards |', '| --- | --- | --- | --- | --- |');
		for (const matrixCase of cases.filter(candidate => candidate.area === area)) {
			const seen = observed[matrixCase.id];
			const what = seen === undefined ? '(not run)' : `${seen.step ? `**${seen.step}**: ` : ''}${plain(seen.message)}${seen.hint ? `<br>Try: ${plain(seen.hint)}` : ''}`;
			lines.push(`| ${cell(matrixCase.situation)} | \`${cell(matrixCase.command)}\` | ${what} | ${seen?.exit ?? '?'} | ${matrixCase.store} |`);
		}
	}

	lines.push('', end);
	return lines.join('\n');
}

/** The rendered part of the readme's Troubleshooting section. */
export function troubleshootingOf(readme: string): string {
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	return from === -1 || to === -1 ? '' : readme.slice(from, to + end.length);
}

export function withTroubleshooting(readme: string, section: string): string {
	const current = troubleshootingOf(readme);
	if (current === '') throw new Error(`readme.md has no ${start} ... ${end} markers`);
	return readme.replace(current, section);
}
