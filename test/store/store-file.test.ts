import {expect, it} from 'vitest';
import {parseStoreFile, serializeStoreFile, storeVersion} from '../../source/store/store-file.js';
import {savedServer} from './store-helpers.js';

const alpha = savedServer('https://alpha.example/mcp');

it('reads the current version as it is', () => {
	const parsed = parseStoreFile(JSON.stringify({version: storeVersion, servers: {[alpha.name]: alpha}}));
	expect(parsed).toEqual({kind: 'current', file: {servers: {[alpha.name]: alpha}, rest: {}}, migratedFrom: undefined});
});

it('migrates version 0 (no version) to the current one, an empty object included', () => {
	expect(parseStoreFile('{}')).toEqual({kind: 'current', file: {servers: {}, rest: {}}, migratedFrom: 0});
	const parsed = parseStoreFile(JSON.stringify({servers: {[alpha.name]: alpha}, other: 1}));
	expect(parsed).toMatchObject({kind: 'current', migratedFrom: 0});
	if (parsed.kind !== 'current') throw new Error('not current');
	expect(serializeStoreFile(parsed.file)).toEqual({other: 1, version: storeVersion, servers: {[alpha.name]: alpha}});
});

it('takes each server by its name, whatever key a hand edit gave it', () => {
	const parsed = parseStoreFile(JSON.stringify({version: storeVersion, servers: {typo: alpha}}));
	expect(parsed).toMatchObject({kind: 'current', file: {servers: {[alpha.name]: alpha}}});
});

it('reads a newer version without judging its shape, keeping only what looks like a server', () => {
	expect(parseStoreFile(JSON.stringify({version: storeVersion + 1, servers: {[alpha.name]: alpha, odd: 3}}))).toEqual({kind: 'newer', version: storeVersion + 1, servers: {[alpha.name]: alpha}});
	expect(parseStoreFile(JSON.stringify({version: storeVersion + 1, servers: 'elsewhere'}))).toEqual({kind: 'newer', version: storeVersion + 1, servers: {}});
});

it('calls anything else unreadable, with a reason of its own', () => {
	expect(parseStoreFile('{"accessToken": "secret"')).toEqual({kind: 'unreadable', reason: 'not valid JSON'});
	expect(parseStoreFile('[]')).toEqual({kind: 'unreadable', reason: 'not a JSON object'});
	expect(parseStoreFile('null')).toEqual({kind: 'unreadable', reason: 'not a JSON object'});
	expect(parseStoreFile('{"version": -1, "servers": {}}')).toEqual({kind: 'unreadable', reason: '`version` is not a whole number'});
	expect(parseStoreFile('{"version": 1, "servers": null}')).toEqual({kind: 'unreadable', reason: '`servers` is not an object'});
	expect(parseStoreFile('{"version": 1, "servers": {"u": {"name": "x"}}}')).toMatchObject({kind: 'unreadable', reason: expect.stringContaining('not a saved server')});
});
