import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {WizardError} from '../../source/core/errors.js';
import {authorizationServerMetadataUrls, canonicalResource, parseServerUrl, protectedResourceMetadataUrls, sameResource} from '../../source/core/urls.js';
import {bearerChallenge, type Challenge, parseWwwAuthenticate} from '../../source/core/www-authenticate.js';

// Property tests: fast-check's default 100 runs a property (300 for the parser), a new seed each run; a
// failure prints the seed and the shrunk input to replay it.

const chars = (text: string) => fc.constantFrom(...text);
const charIn = (from: number, to: number) => fc.integer({min: from, max: to}).map(code => String.fromCodePoint(code));
const alpha = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Strings that are anything at all, or close enough to the expected syntax to reach deep branches. */
function anyString(nearMiss: string): fc.Arbitrary<string> {
	return fc.oneof(
		fc.string({unit: 'binary'}),
		// Single UTF-16 code units: lone surrogates included.
		fc.string({unit: fc.integer({min: 0, max: 0xFF_FF}).map(code => String.fromCharCode(code))}),
		fc.string({unit: fc.oneof(chars(nearMiss), charIn(0, 0x7F), charIn(0x80, 0x2F_FF)), maxLength: 60}),
	);
}

/** Runs `run`; anything it throws must be our input error, with a message and a hint. */
function returnsOrRefuses<T>(run: () => T): T | WizardError {
	try {
		return run();
	} catch (error) {
		expect(error).toBeInstanceOf(WizardError);
		expect((error as WizardError).step).toBe('input');
		expect((error as WizardError).message).not.toBe('');
		expect((error as WizardError).hint).not.toBe('');
		return error as WizardError;
	}
}

describe('parseWwwAuthenticate (RFC 9110 11.6.1)', () => {
	const tokenPattern = /^[!#$%&'*+\-.^_`|~\da-z]+$/;
	const token = fc.string({unit: chars(`!#$%&'*+-.^_\`|~${alpha}`), minLength: 1, maxLength: 10});
	const token68 = fc
		.tuple(fc.string({unit: chars(`-._~+/${alpha}`), minLength: 1, maxLength: 16}), fc.nat(3))
		.map(([body, padding]) => body + '='.repeat(padding));
	const ows = fc.string({unit: chars(' \t'), maxLength: 2});
	// One comma or more, with OWS: RFC 9110 5.6.1 lets a list have empty elements, which recipients skip.
	const separator = fc.array(ows, {minLength: 2, maxLength: 4}).map(spaces => spaces.join(','));

	// qdtext and quoted-pair: HTAB, SP, VCHAR and obs-text; any of them may be escaped, `"` and `\` must be.
	const quoted = fc
		.array(fc.tuple(fc.oneof(chars(',"\\= \t'), charIn(0x21, 0x7E), charIn(0x80, 0xFF)), fc.boolean()), {maxLength: 20})
		.map(pairs => ({
			value: pairs.map(([char]) => char).join(''),
			text: `"${pairs.map(([char, escaped]) => (escaped || char === '"' || char === '\\' ? `\\${char}` : char)).join('')}"`,
		}));
	const name = fc.oneof(token, fc.constantFrom('realm', 'Scope', 'resource_metadata', 'error', '__proto__', 'constructor', 'toString'));
	const parameter = fc.record({
		name,
		value: fc.oneof(token.map(value => ({value, text: value})), quoted),
		before: ows,
		after: ows,
		separator,
	});
	const challenge = fc.record({
		scheme: fc.oneof(token, fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'DPoP', 'Negotiate')),
		space: fc.string({unit: fc.constant(' '), minLength: 1, maxLength: 3}),
		body: fc.oneof(
			fc.constant(undefined),
			token68,
			// RFC 9110 11.2: a parameter name occurs once a challenge, compared without case.
			fc.uniqueArray(parameter, {minLength: 1, maxLength: 5, selector: parameter => parameter.name.toLowerCase()}),
		),
	});
	type Generated = typeof challenge extends fc.Arbitrary<infer T> ? T : never;

	const header = fc
		.tuple(fc.array(fc.tuple(challenge, separator), {minLength: 1, maxLength: 4}), fc.option(separator, {nil: ''}), ows)
		.map(([generated, leading, trailing]) => ({
			generated: generated.map(([challenge]) => challenge),
			text: leading + generated.map(([challenge, separator], index) => (index === 0 ? '' : separator) + serialize(challenge)).join('') + trailing,
		}));

	function serialize({scheme, space, body}: Generated): string {
		if (body === undefined) return scheme;
		if (typeof body === 'string') return `${scheme}${space}${body}`;
		return scheme + space + body.map(({name, value, before, after, separator}, index) => `${index === 0 ? '' : separator}${name}${before}=${after}${value.text}`).join('');
	}

	function expected({scheme, body}: Generated): Challenge {
		if (typeof body === 'string') return {scheme: scheme.toLowerCase(), params: {}, token68: body};
		return {scheme: scheme.toLowerCase(), params: Object.fromEntries((body ?? []).map(({name, value}) => [name.toLowerCase(), value.value]))};
	}

	it('never throws, and returns challenges with lowercase token schemes and parameter names', () => {
		fc.assert(
			fc.property(anyString('Bearer realm=",\\ \t='), input => {
				const challenges = parseWwwAuthenticate(input);
				expect(Array.isArray(challenges)).toBe(true);
				for (const {scheme, params, token68} of challenges) {
					expect(scheme).toMatch(tokenPattern);
					for (const [name, value] of Object.entries(params)) {
						expect(name).toMatch(tokenPattern);
						expect(typeof value).toBe('string');
					}

					if (token68 !== undefined) expect(token68).toMatch(/^[\w\-.~+/]+=*$/);
				}

				expect(bearerChallenge(input)).toEqual(challenges.find(challenge => challenge.scheme === 'bearer'));
			}),
			{numRuns: 300},
		);
	});

	it('reads back any list of well-formed challenges (round trip)', () => {
		fc.assert(
			fc.property(header, ({generated, text}) => {
				expect(parseWwwAuthenticate(text)).toEqual(generated.map(challenge => expected(challenge)));
			}),
			{numRuns: 300},
		);
	});

	it('bearerChallenge finds the first Bearer challenge, whatever its case and position', () => {
		fc.assert(
			fc.property(header, ({generated, text}) => {
				expect(bearerChallenge(text)).toEqual(generated.map(challenge => expected(challenge)).find(challenge => challenge.scheme === 'bearer'));
			}),
		);
	});
});

// http(s) URLs from parts: scheme and host in any case, a default, other or no port, a path, a query
// and a fragment, each possibly empty.
const defaultPorts: Record<string, string> = {http: '80', https: '443'};
const segment = fc.oneof(fc.webSegment(), fc.constantFrom('', '.', '..', 'mcp', 'MCP', '%2e', 'a b', 'é', '%41'));
const httpUrl = fc
	.record({
		scheme: fc.constantFrom('http', 'https'),
		schemeCase: fc.boolean(),
		host: fc.oneof(fc.domain(), fc.ipV4(), fc.constantFrom('localhost', '[::1]', '[2001:DB8::1]')),
		port: fc.oneof(fc.constant(''), fc.constant('default'), fc.integer({min: 1, max: 65_535}).map(String)),
		segments: fc.array(segment, {maxLength: 4}),
		trailingSlash: fc.boolean(),
		query: fc.option(fc.webQueryParameters()),
		fragment: fc.option(fc.webFragments()),
	})
	.chain(parts =>
		fc.tuple(fc.mixedCase(fc.constant(parts.scheme)), fc.mixedCase(fc.constant(parts.host))).map(([scheme, host]) => {
			const port = parts.port === 'default' ? defaultPorts[parts.scheme]! : parts.port;
			const path = parts.segments.map(segment => `/${segment}`).join('') + (parts.trailingSlash ? '/' : '');
			const text = `${scheme}://${host}${port === '' ? '' : `:${port}`}${path}${parts.query === null ? '' : `?${parts.query}`}${parts.fragment === null ? '' : `#${parts.fragment}`}`;
			return {text, scheme: parts.scheme, port: port === defaultPorts[parts.scheme] ? '' : port, hasQuery: parts.query !== null};
		}),
	);

/** The path a well-known URL is built from: `/` alone is no path, and one terminating slash goes. */
function pathOf(url: URL): string {
	return url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
}

describe('canonicalResource (RFC 8707 2, MCP canonical server URI)', () => {
	it('is idempotent, lowercases scheme and host, drops the default port and the fragment, keeps path and query', () => {
		fc.assert(
			fc.property(httpUrl, ({text, scheme, port, hasQuery}) => {
				const canonical = canonicalResource(text);
				const input = new URL(text);
				const output = new URL(canonical);
				expect(canonicalResource(canonical)).toBe(canonical);
				expect(canonicalResource(input)).toBe(canonical);
				expect(canonical.startsWith(`${scheme}://${input.host}`)).toBe(true);
				expect(output.host).toBe(output.host.toLowerCase());
				expect(output.port).toBe(port);
				expect(canonical).not.toContain('#');
				expect(output.pathname).toBe(input.pathname);
				expect(output.search).toBe(input.search);
				// The empty path is written without its slash; a query, even an empty one, keeps it (RFC 3986 6.2.3).
				if (input.pathname === '/' && !hasQuery) expect(canonical).toBe(input.origin);
				expect(canonical.includes('?')).toBe(hasQuery);
				expect(sameResource(text, canonical)).toBe(true);
			}),
		);
	});

	it('sameResource is symmetric, and true between a URL and its canonical form', () => {
		fc.assert(
			fc.property(httpUrl, httpUrl, (a, b) => {
				expect(sameResource(a.text, b.text)).toBe(sameResource(b.text, a.text));
				expect(sameResource(a.text, b.text)).toBe(canonicalResource(a.text) === canonicalResource(b.text));
			}),
		);
	});
});

describe('the typed error for any input', () => {
	const urlish = fc.oneof(
		anyString(':/.?#@[]%HTTPS'),
		fc.webUrl({withQueryParameters: true, withFragments: true}),
		fc.tuple(fc.constantFrom('https://', 'HTTP://', 'http:', 'https:/', 'ftp://', 'file:///', 'mailto:', 'foo://', 'javascript:', 'data:,'), fc.string()).map(([scheme, rest]) => scheme + rest),
		httpUrl.map(({text}) => text),
	);

	it('parseServerUrl returns an http(s) URL without credentials or fragment, or throws an input error', () => {
		let returned = 0;
		fc.assert(
			fc.property(urlish, input => {
				const url = returnsOrRefuses(() => parseServerUrl(input));
				if (url instanceof WizardError) return;
				returned++;
				expect(['http:', 'https:']).toContain(url.protocol);
				expect(url.hash + url.username + url.password).toBe('');
			}),
		);
		expect(returned).toBeGreaterThan(0);
	});

	it('canonicalResource returns a canonical http(s) URL, or throws an input error', () => {
		const outcomes = {returned: 0, refused: 0};
		fc.assert(
			fc.property(urlish, input => {
				const canonical = returnsOrRefuses(() => canonicalResource(input));
				if (canonical instanceof WizardError) {
					outcomes.refused++;
					expect(sameResource(input, input)).toBe(false);
					return;
				}

				outcomes.returned++;
				expect(['http:', 'https:']).toContain(new URL(canonical).protocol);
				expect(canonicalResource(canonical)).toBe(canonical);
			}),
		);
		expect(outcomes.returned).toBeGreaterThan(0);
		expect(outcomes.refused).toBeGreaterThan(0);
	});

	it('the well-known builders return URLs on the input origin, or throw an input error', () => {
		const outcomes = {returned: 0, refused: 0};
		fc.assert(
			fc.property(urlish, input => {
				for (const build of [protectedResourceMetadataUrls, authorizationServerMetadataUrls]) {
					const candidates = returnsOrRefuses(() => build(input));
					if (candidates instanceof WizardError) {
						outcomes.refused++;
						continue;
					}

					outcomes.returned++;
					const {origin} = new URL(input);
					for (const candidate of candidates) expect(new URL(candidate).origin).toBe(origin);
				}
			}),
		);
		expect(outcomes.returned).toBeGreaterThan(0);
		expect(outcomes.refused).toBeGreaterThan(0);
	});
});

// The round trips compare text, not a parse of it: Node 20's URL parser leaves a dot segment after
// "//.x/" unresolved ("http://h//.a/." keeps its "/."), which a second parse of the candidate resolves.
describe('well-known URLs (round trips)', () => {
	it('resource metadata: the path-aware URL, then the root; the path and query come back out (RFC 9728 3.1)', () => {
		fc.assert(
			fc.property(httpUrl, ({text}) => {
				const input = new URL(text);
				const root = `${input.origin}/.well-known/oauth-protected-resource`;
				const candidates = protectedResourceMetadataUrls(text);
				const suffix = pathOf(input) + input.search;
				expect(candidates.at(-1)).toBe(root);
				expect(candidates).toHaveLength(suffix === '' ? 1 : 2);
				const [first] = candidates;
				expect(first!.startsWith(root)).toBe(true);
				expect(first!.slice(root.length)).toBe(suffix);
				expect(new URL(first!).origin).toBe(input.origin);
			}),
		);
	});

	it('authorization server: insert oauth-authorization-server, insert openid-configuration, append openid-configuration (RFC 8414 3.1, OpenID Discovery 4)', () => {
		fc.assert(
			fc.property(httpUrl, ({text}) => {
				const input = new URL(text);
				const path = pathOf(input);
				const candidates = authorizationServerMetadataUrls(text);
				const inserted = ['oauth-authorization-server', 'openid-configuration'].map(suffix => `${input.origin}/.well-known/${suffix}`);
				expect(candidates).toHaveLength(path === '' ? 2 : 3);
				for (const [index, prefix] of inserted.entries()) {
					const candidate = candidates[index]!;
					expect(candidate.startsWith(prefix)).toBe(true);
					expect(candidate.slice(prefix.length)).toBe(path);
				}

				if (path !== '') {
					const appended = candidates[2]!;
					const suffix = '/.well-known/openid-configuration';
					expect(appended.startsWith(input.origin)).toBe(true);
					expect(appended.endsWith(suffix)).toBe(true);
					expect(appended.slice(input.origin.length, -suffix.length)).toBe(path);
				}

				// RFC 8414 2: an issuer has no query or fragment, so none is carried over.
				for (const candidate of candidates) {
					expect(new URL(candidate).origin).toBe(input.origin);
					expect(candidate).not.toMatch(/[?#]/);
				}
			}),
		);
	});
});
