import type {Exchange, HttpClient} from './http.js';

const stepLabels: Partial<Record<NonNullable<Exchange['step']>, string>> = {
	probe: 'probe',
	'resource-metadata': 'resource metadata',
	'authorization-server-metadata': 'authorization server metadata',
	registration: 'registration',
	client: 'client check',
	token: 'token exchange',
	refresh: 'token refresh',
};

/** The JSON-RPC method an MCP request calls ("tools/list"), if its body says. */
function mcpMethod(body: string | undefined): string | undefined {
	try {
		const method = (JSON.parse(body ?? '') as {method?: unknown}).method;
		return typeof method === 'string' ? method : undefined;
	} catch {
		return undefined;
	}
}

/**
 * What an exchange was, by name: "token exchange", "MCP tools/call". Requests
 * made through libraries (oauth4webapi, the MCP SDK) carry no step: they are known by their body.
 */
export function exchangeLabel(exchange: Exchange): string {
	const {body} = exchange.request;
	const grant = exchange.step === undefined && body !== undefined ? /(?:^|&)grant_type=([^&]+)/.exec(body)?.[1] : undefined;
	if (grant === 'authorization_code') return stepLabels.token!;
	if (grant === 'refresh_token') return stepLabels.refresh!;
	if (grant !== undefined) return `token request (${decodeURIComponent(grant)})`;
	const method = exchange.step === 'probe' ? undefined : mcpMethod(body);
	if (exchange.step === 'mcp-check' || method !== undefined) return method === undefined ? 'MCP request' : `MCP ${method}`;
	return (exchange.step && stepLabels[exchange.step]) ?? exchange.step ?? 'request';
}

/** An exchange as a person reads it: what it was, the request with its headers and body, the answer (secrets already masked). */
export function exchangeText(exchange: Exchange): string[] {
	const indent = (text: string) => text.split('\n').map(line => `    ${line}`);
	const outcome = exchange.error === undefined ? `${exchange.status ?? '?'}` : `failed: ${exchange.error}`;
	return [
		`${exchangeLabel(exchange)}: ${exchange.method} ${exchange.url} -> ${outcome} (${Math.round(exchange.timings.total)} ms)`,
		...Object.entries(exchange.request.headers).map(([name, value]) => `  > ${name}: ${value}`),
		...(exchange.request.body ? indent(exchange.request.body) : []),
		...Object.entries(exchange.response?.headers ?? {}).map(([name, value]) => `  < ${name}: ${value}`),
		...(exchange.response?.body ? indent(exchange.response.body) : []),
		'',
	];
}

/**
 * A listener for an HTTP client that hands each exchange on once, as it is recorded: in the order they
 * end, which is not always the order they started in (their ids).
 */
export function newExchanges(http: Pick<HttpClient, 'exchanges'>, each: (exchange: Exchange) => void): () => void {
	const handed = new WeakSet<Exchange>();
	return () => {
		for (const exchange of http.exchanges) {
			if (handed.has(exchange)) continue;
			handed.add(exchange);
			each(exchange);
		}
	};
}
