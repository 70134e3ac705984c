import type {SavedServer} from './types.js';

type JsonObject = Record<string, unknown>;

/**
 * How to bring a file of version k (the index) to version k + 1. Append only: a released version's
 * files must keep migrating. Files from before versioning have no `version` and count as 0.
 */
const migrations: ReadonlyArray<(file: JsonObject) => JsonObject> = [
	// 0 -> 1: the same servers, now with a version.
	file => ({...file, version: 1, servers: file['servers'] ?? {}}),
	// 1 -> 2: keyed by name, not MCP URL, so that one URL can hold several logins (accounts).
	file => ({...file, version: 2, servers: isObject(file['servers']) ? byName(file['servers']) : file['servers']}),
];

/**
 * Servers keyed by their names. Version 1 kept names unique by habit only: a name met twice gets a
 * suffix (`-2`, `-3`…) so neither login is lost. Entries that are not servers keep their place, for
 * the check after migrating to refuse them as it would any.
 */
function byName(entries: JsonObject): JsonObject {
	const servers: JsonObject = {};
	for (const [key, entry] of Object.entries(entries)) {
		if (!isSavedServer(entry)) {
			Object.defineProperty(servers, key, {value: entry, enumerable: true, writable: true, configurable: true});
			continue;
		}

		let {name} = entry;
		for (let n = 2; Object.hasOwn(servers, name); n++) name = `${entry.name}-${n}`;
		// Defined, not assigned: a login called "__proto__" stays a login.
		Object.defineProperty(servers, name, {value: {...entry, name}, enumerable: true, writable: true, configurable: true});
	}

	return servers;
}

/** The version this build writes, and the newest it can read. */
export const storeVersion = migrations.length;

/** The file at `storeVersion`; keys this version does not know are kept in `rest` and written back. */
export type StoreFile = {
	readonly servers: Readonly<Record<string, SavedServer>>;
	readonly rest: Readonly<JsonObject>;
};

/** What a file's text holds, as far as this version can tell. */
export type ParsedStoreFile =
	| {readonly kind: 'current'; readonly file: StoreFile; readonly migratedFrom?: number}
	/** Written by a newer version: read what looks like a server, write nothing. */
	| {readonly kind: 'newer'; readonly version: number; readonly servers: Readonly<Record<string, SavedServer>>}
	/** `reason` is ours, never the parser's message: that one quotes the file, and the file holds tokens. */
	| {readonly kind: 'unreadable'; readonly reason: string};

export const emptyStoreFile: StoreFile = {servers: {}, rest: {}};

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown) => typeof value === 'string';

/** Enough of a SavedServer that the commands and screens can show it without crashing. */
export function isSavedServer(value: unknown): value is SavedServer {
	return (
		isObject(value) &&
		isString(value['name']) &&
		isString(value['mcpUrl']) &&
		isString(value['resource']) &&
		isString(value['issuer']) &&
		isObject(value['authorizationServer']) &&
		(value['client'] === undefined || isObject(value['client'])) &&
		Array.isArray(value['scopes']) &&
		value['scopes'].every(scope => isString(scope)) &&
		(value['tokens'] === undefined || isObject(value['tokens'])) &&
		isString(value['createdAt']) &&
		isString(value['updatedAt'])
	);
}

export function parseStoreFile(text: string): ParsedStoreFile {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		return {kind: 'unreadable', reason: 'not valid JSON'};
	}

	if (!isObject(data)) return {kind: 'unreadable', reason: 'not a JSON object'};
	const version = data['version'] ?? 0;
	if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return {kind: 'unreadable', reason: '`version` is not a whole number'};
	if (version > storeVersion) {
		const servers = isObject(data['servers']) ? Object.fromEntries(Object.entries(data['servers']).filter(([, server]) => isSavedServer(server))) : {};
		return {kind: 'newer', version, servers: servers as Record<string, SavedServer>};
	}

	let file = data;
	for (const migrate of migrations.slice(version)) file = migrate(file);
	const {servers, version: _version, ...rest} = file;
	if (!isObject(servers)) return {kind: 'unreadable', reason: '`servers` is not an object'};
	const bad = Object.keys(servers).find(key => !isSavedServer(servers[key]));
	if (bad !== undefined) return {kind: 'unreadable', reason: `\`servers\` has an entry that is not a saved server (${JSON.stringify(bad)})`};
	// A hand-edited key that is not its server's name: the name is what every command looks up.
	return {kind: 'current', file: {servers: byName(servers) as Record<string, SavedServer>, rest}, migratedFrom: version < storeVersion ? version : undefined};
}

export function serializeStoreFile(file: StoreFile): JsonObject {
	return {...file.rest, version: storeVersion, servers: file.servers};
}
