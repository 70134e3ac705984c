import {describe, expect, it} from 'vitest';
import {paramHeaders, paramHeadersOf} from '../../source/core/mcp-param-headers.js';

// MCP 2026-07-28, Streamable HTTP, "Custom Headers from Tool Parameters".
describe('paramHeadersOf', () => {
	it('finds the marked string, integer and boolean properties through properties, at any depth', () => {
		const schema = {
			type: 'object',
			properties: {
				region: {type: 'string', 'x-mcp-header': 'Region'},
				limits: {type: 'object', properties: {count: {type: 'integer', 'x-mcp-header': 'Count'}, dry: {type: 'boolean', 'x-mcp-header': 'Dry-Run'}}},
				plain: {type: 'string'},
			},
		};
		expect(paramHeadersOf(schema)).toEqual([{path: ['region'], name: 'Region'}, {path: ['limits', 'count'], name: 'Count'}, {path: ['limits', 'dry'], name: 'Dry-Run'}]);
	});

	it('takes no mark the spec does not allow: on the root, under items or anyOf, on a number or object, or a name that is no header token', () => {
		const schema = {
			type: 'object',
			'x-mcp-header': 'Root',
			properties: {
				list: {type: 'array', items: {type: 'object', properties: {id: {type: 'string', 'x-mcp-header': 'Id'}}}},
				either: {anyOf: [{type: 'string', 'x-mcp-header': 'Either'}]},
				ratio: {type: 'number', 'x-mcp-header': 'Ratio'},
				spaced: {type: 'string', 'x-mcp-header': 'Has Space'},
			},
		};
		expect(paramHeadersOf(schema)).toEqual([]);
		expect(paramHeadersOf(undefined)).toEqual([]);
	});
});

describe('paramHeaders', () => {
	const declared = [{path: ['region'], name: 'Region'}, {path: ['limits', 'count'], name: 'Count'}, {path: ['dry'], name: 'Dry'}];

	it('sends plain ASCII as it is, integers and booleans as text, and nothing for an absent or null value', () => {
		expect(paramHeaders(declared, {region: 'eu-west-1', limits: {count: 42}, dry: false})).toEqual({'Mcp-Param-Region': 'eu-west-1', 'Mcp-Param-Count': '42', 'Mcp-Param-Dry': 'false'});
		expect(paramHeaders(declared, {region: null, limits: {}})).toEqual({});
		expect(paramHeaders(declared, undefined)).toEqual({});
	});

	it('sends Base64 of the UTF-8 in the sentinel for what is not a plain field value', () => {
		const sentinel = (text: string) => `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`;
		for (const value of ['Zürich', ' padded', 'line\nbreak', '', '=?base64?abc?=']) expect(paramHeaders(declared, {region: value})).toEqual({'Mcp-Param-Region': sentinel(value)});
	});
});
