/*
 * The Mcp-Param-{Name} headers of a tools/call (MCP 2026-07-28, Streamable HTTP, "Custom Headers from
 * Tool Parameters"): a tool's inputSchema marks properties with `x-mcp-header`, and a client sends the
 * value of each as a header too, which the server checks against the body (400, -32020 when one is
 * missing). The MCP SDK's Client adds them in callTool, not its transport, and does not export how; a
 * relay that forwards tools/call messages adds them itself. Pure.
 */

/** One marked property: where it is in the arguments, and the header's name after `Mcp-Param-`. */
export type ParamHeader = {readonly path: readonly string[]; readonly name: string};

/** RFC 9110 5.1 token: what a header name may be. */
const token = /^[!#$%&'*+\-.^_`|~\w]+$/;
/** The spec admits the mark on these types only. */
const markedTypes = new Set(['string', 'integer', 'boolean']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The marked properties of an inputSchema, reached through `properties` only (the spec allows the mark
 * nowhere else; a schema that breaks its rules is the client's to refuse, and gets no headers here).
 */
export function paramHeadersOf(inputSchema: unknown): ParamHeader[] {
	const found: ParamHeader[] = [];
	const visit = (schema: unknown, path: readonly string[]) => {
		if (!isObject(schema)) return;
		const name = schema['x-mcp-header'];
		if (path.length > 0 && typeof name === 'string' && token.test(name) && markedTypes.has(String(schema['type']))) found.push({path, name});
		const properties = schema['properties'];
		if (isObject(properties)) for (const [key, child] of Object.entries(properties)) visit(child, [...path, key]);
	};

	visit(inputSchema, []);
	return found;
}

/** A value as a header field value: plain printable ASCII as it is, anything else as `=?base64?…?=` of its UTF-8 (the spec's value encoding). */
function fieldValue(text: string): string {
	const plain = text !== '' && text === text.trim() && /^[\t\u0020-\u007E]*$/.test(text) && !(text.startsWith('=?base64?') && text.endsWith('?='));
	return plain ? text : `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The headers for one call's arguments: absent and null values get none (the spec's MUST omit). */
export function paramHeaders(declared: readonly ParamHeader[], args: unknown): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const {path, name} of declared) {
		let value: unknown = args;
		for (const key of path) value = isObject(value) ? value[key] : undefined;
		const text = typeof value === 'string' ? value : (typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : undefined);
		if (text !== undefined) headers[`Mcp-Param-${name}`] = fieldValue(text);
	}

	return headers;
}
