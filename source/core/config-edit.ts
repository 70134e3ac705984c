import {isDeepStrictEqual} from 'node:util';
import {parse as parseTomlPatch, patch as patchToml} from '@decimalturn/toml-patch';
import * as jsonc from 'jsonc-parser';
import * as toml from 'smol-toml';
import {parseTOML} from 'toml-eslint-parser';
import {WizardError} from './errors.js';

/*
 * One entry put into another program's configuration file (an MCP client's), every other entry,
 * comment and blank line kept. JSON(C) goes through jsonc-parser (VS Code's own editor of settings
 * files), TOML through toml-eslint-parser's syntax tree (whole tables out and in), smol-toml, and
 * toml-patch for the rare entry not written as tables; the outcome is parsed again and must differ from the
 * file only in the entry. Pure: text in, text out.
 */

export type ConfigLanguage = 'json' | 'toml';

/** Where the entry goes in a file and what it is: `path` names the keys from the top, the last being the entry's name. */
export type ConfigEntry = {
	readonly language: ConfigLanguage;
	readonly path: readonly string[];
	readonly value: Readonly<Record<string, unknown>>;
};

export type ConfigEdit =
	| {readonly kind: 'same'}
	| {readonly kind: 'add'; readonly text: string}
	| {readonly kind: 'replace'; readonly text: string; readonly previous: unknown};

/** A change to a configuration file, planned: shown first, then written if the file is still as it was read. */
export type ConfigWrite = {
	/** The file written: a symbolic link's target (dotfile managers link these), so that the link stays. */
	readonly file: string;
	/** The link the user named, when the file is its target. */
	readonly link?: string;
	readonly before: string | undefined;
	readonly edit: ConfigEdit;
};

type Document = Record<string, unknown>;

const isTable = (value: unknown): value is Document => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof TomlDateText);

function lineOf(text: string, offset: number): number {
	return text.slice(0, offset).split('\n').length;
}

function unreadable(file: string, language: ConfigLanguage, why: string): WizardError {
	return new WizardError('input', `${file} is not valid ${language === 'json' ? 'JSON' : 'TOML'}: ${why}`, `Nothing was changed. Fix the file, or add the entry by hand from what is printed above.`);
}

/** A TOML date or time, by its TOML text: never equal to a string. */
class TomlDateText {
	constructor(readonly text: string) {}
}

/**
 * A TOML value as plain data to compare: plain objects (smol-toml's have no prototype), and a date
 * or time by its TOML text, so that a date written back as a string is a change.
 */
function comparable(value: unknown): unknown {
	if (value instanceof Date) return new TomlDateText(value.toISOString());
	if (Array.isArray(value)) return value.map(item => comparable(item));
	if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, comparable(item)]));
	return value;
}

function parseDocument(text: string, language: ConfigLanguage, file: string): Document {
	if (text.trim() === '') return {};
	if (language === 'toml') {
		try {
			return comparable(toml.parse(text)) as Document;
		} catch (error) {
			// smol-toml's TomlError has the line; its message's first line the reason.
			const line = error instanceof toml.TomlError ? ` on line ${error.line}` : '';
			throw unreadable(file, language, `${error instanceof Error ? error.message.split('\n')[0]! : String(error)}${line}`);
		}
	}

	const errors: jsonc.ParseError[] = [];
	const value: unknown = jsonc.parse(text, errors, {allowTrailingComma: true});
	const first = errors[0];
	if (first) throw unreadable(file, language, `${jsonc.printParseErrorCode(first.error)} on line ${lineOf(text, first.offset)}`);
	if (!isTable(value)) throw unreadable(file, language, 'its top level is not an object');
	return value;
}

/** The value at a key path, or why the path cannot be there (a key on the way is not a table). */
function lookUp(document: Document, path: readonly string[]): {value: unknown} | {blocked: string} {
	let current: unknown = document;
	for (const [index, key] of path.entries()) {
		if (current === undefined) return {value: undefined};
		if (!isTable(current)) return {blocked: path.slice(0, index).join('.')};
		current = Object.hasOwn(current, key) ? current[key] : undefined;
	}

	return {value: current};
}

/** The document without the entry and the tables on its way left empty, for comparing before and after. */
function without(document: Document, path: readonly string[]): Document {
	const copy = structuredClone(document);
	const tables: Document[] = [copy];
	for (const key of path.slice(0, -1)) {
		const next = tables.at(-1)![key];
		if (!isTable(next)) break;
		tables.push(next);
	}

	if (tables.length === path.length) delete tables.at(-1)![path.at(-1)!];
	for (let depth = tables.length - 1; depth > 0 && Object.keys(tables[depth]!).length === 0; depth--) delete tables[depth - 1]![path[depth - 1]!];
	return copy;
}

/** The file's own indentation and line ends, so that the new lines look like the old ones. */
function formattingOf(text: string): jsonc.FormattingOptions {
	const indent = /^([ \t]+)\S/m.exec(text)?.[1];
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	if (indent?.startsWith('\t')) return {insertSpaces: false, tabSize: 1, eol};
	return {insertSpaces: true, tabSize: indent?.length ?? 2, eol};
}

/** `value` under the key path: {a: {b: value}} for ['a', 'b']. */
export function nested(path: readonly string[], value: unknown): Document {
	return path.reduceRight<Document>((inner, key) => ({[key]: inner}), value as Document);
}

/** Whether a key path starts with another. */
const startsWith = (key: readonly unknown[], prefix: readonly string[]) => prefix.every((part, index) => key[index] === part);

/**
 * The entry's tables ([mcp_servers.name] and those under it) taken out whole, header to last line, and
 * the new ones put where the first was, or at the end: the client's docs write entries so. Comments
 * outside those tables stay where they are. Undefined when the entry is written another way (dotted
 * keys, an inline table), which the patch below handles.
 */
function editTomlTables(text: string, entry: ConfigEntry): string | undefined {
	const top = parseTOML(text).body[0];
	const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
	const lineEnd = (offset: number) => (text.includes('\n', offset) ? text.indexOf('\n', offset) + 1 : text.length);
	const blankLinesFrom = (offset: number) => /^(?:[ \t]*\r?\n)*/.exec(text.slice(offset))![0].length;
	const cuts: Array<[number, number]> = [];
	const related = (key: readonly unknown[]) => startsWith(key, entry.path) || startsWith(entry.path, key.map(String));
	for (const node of top.body) {
		if (node.type === 'TOMLTable' && node.kind === 'standard' && startsWith(node.resolvedKey, entry.path)) {
			const end = lineEnd(node.range[1]);
			cuts.push([lineStart(node.range[0]), cuts.length === 0 ? end : end + blankLinesFrom(end)]);
			continue;
		}

		// A key that holds the entry or a table around it as a value (dotted keys, an inline table), or
		// an array of tables on its way: left to the patch.
		const base = node.type === 'TOMLTable' ? node.resolvedKey : [];
		if (node.type === 'TOMLTable' && node.kind === 'array' && related(base)) return undefined;
		const items = node.type === 'TOMLTable' ? node.body : [node];
		if (items.some(item => related([...base, ...item.key.keys.map(key => (key.type === 'TOMLBare' ? key.name : key.value))]))) return undefined;
	}

	// In the file's own line ends.
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const table = toml.stringify(nested(entry.path, entry.value)).replaceAll('\n', eol);
	const [first] = cuts;
	if (!first) {
		const separator = text.trim() === '' ? '' : (text.endsWith(eol + eol) ? '' : (text.endsWith(eol) ? eol : eol + eol));
		return `${text.trim() === '' ? '' : text}${separator}${table}`;
	}

	let result = text;
	for (const [start, end] of cuts.toReversed()) result = result.slice(0, start) + (start === first[0] ? table : '') + result.slice(end);
	return result;
}

function editToml(text: string, entry: ConfigEntry, document: Document, file: string): string {
	const tables = editTomlTables(text, entry);
	if (tables !== undefined && sameApartFromEntry(tables, entry, document)) return tables;
	try {
		// toml-patch's own reading of the file (its dates are its own), the entry set in it.
		const patched = parseTomlPatch(text) as Document;
		let table = patched;
		for (const key of entry.path.slice(0, -1)) {
			if (!isTable(table[key])) table[key] = {};
			table = table[key] as Document;
		}

		table[entry.path.at(-1)!] = entry.value;
		return patchToml(text, patched);
	} catch (error) {
		throw new WizardError('input', `${file} could not be changed: ${error instanceof Error ? error.message : String(error)}`, 'Nothing was changed. Add the entry by hand from what is printed above.');
	}
}

function sameApartFromEntry(after: string, entry: ConfigEntry, before: Document): boolean {
	let document: Document;
	try {
		document = parseDocument(after, entry.language, '');
	} catch {
		return false;
	}

	const found = lookUp(document, entry.path);
	return 'value' in found && isDeepStrictEqual(found.value, entry.value) && isDeepStrictEqual(without(document, entry.path), without(before, entry.path));
}

/**
 * The file's text with the entry added or replaced; 'same' when it is there already as it would be.
 * Throws a WizardError, changing nothing, when the file cannot be read as its language or a key on the
 * way is not a table.
 */
export function editConfig(original: string, entry: ConfigEntry, file: string): ConfigEdit {
	// A byte order mark (VS Code keeps one if the file has it) is put back as it was.
	const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
	const text = original.slice(bom.length);
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const document = parseDocument(text, entry.language, file);
	const found = lookUp(document, entry.path);
	if ('blocked' in found) throw unreadable(file, entry.language, `"${found.blocked}" is not a table of entries`);
	if (isDeepStrictEqual(found.value, entry.value)) return {kind: 'same'};

	const exists = found.value !== undefined;
	const after =
		entry.language === 'toml'
			? editToml(text, entry, document, file)
			: jsonc.applyEdits(text, jsonc.modify(text, [...entry.path], entry.value, {formattingOptions: formattingOf(text)}));
	const ended = after.endsWith('\n') ? after : `${after}${eol}`;
	if (!sameApartFromEntry(ended, entry, document)) {
		throw new WizardError('input', `${file} could not be changed without touching other entries`, 'Nothing was changed. Add the entry by hand from what is printed above.');
	}

	return exists ? {kind: 'replace', text: bom + ended, previous: found.value} : {kind: 'add', text: bom + ended};
}
