#!/usr/bin/env node
// npm run bench: every benchmark, printed as one table (Markdown, so it can go into the
// readme as it is). `node bench/run.js start discovery` runs only those parts.
import {cpus, totalmem} from 'node:os';
import {meetsGoal, ratioOf} from './lib.js';

const parts = {
	start: () => import('./start.js'),
	discovery: () => import('./discovery.js'),
	login: () => import('./login.js'),
	install: () => import('./install.js'),
	idle: () => import('./idle.js'),
	proxy: () => import('./proxy.js'),
};

const chosen = process.argv.slice(2).filter(arg => !arg.startsWith('-'));
const unknown = chosen.filter(name => !(name in parts));
if (unknown.length > 0) {
	console.error(`Unknown part ${unknown.join(', ')}; the parts: ${Object.keys(parts).join(', ')}`);
	process.exit(2);
}

const format = (value, unit) => `${Number.isInteger(value) ? value : value.toFixed(value < 10 ? 2 : 1)} ${unit}`;

const rows = [];
for (const name of chosen.length > 0 ? chosen : Object.keys(parts)) {
	process.stderr.write(`bench: ${name}...\n`);
	const part = await parts[name]();
	rows.push(...(await part.run()));
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`);
console.log('');
console.log('| group | benchmark | value | reference | ratio | goal | met |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
	const ratio = ratioOf(row);
	const met = meetsGoal(row);
	console.log(
		`| ${row.group} | ${row.name}${row.note ? ` (${row.note})` : ''} | ${format(row.value, row.unit)} | ${row.reference ? `${row.reference.name}: ${format(row.reference.value, row.unit)}` : ''} | ${ratio === undefined ? '' : `${ratio.toFixed(2)}x`} | ${row.goal?.text ?? ''} | ${met === undefined ? '' : met ? 'yes' : 'no'} |`,
	);
}
