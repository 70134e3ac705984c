/** One challenge of a WWW-Authenticate header (RFC 9110 11.6.1). */
export type Challenge = {
	/** The auth scheme, lowercased (schemes are case-insensitive). */
	readonly scheme: string;
	/** auth-params with lowercased names and unquoted values. */
	readonly params: Readonly<Record<string, string>>;
	readonly token68?: string;
};

const tokenChar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const token68Char = /[A-Za-z0-9\-._~+/]/;

/**
 * Parses a WWW-Authenticate header value into its challenges. Servers send several challenges in one
 * header, quoted strings with commas and escapes, and token68 forms; a naive split on commas gets those
 * wrong. It never throws: what cannot be parsed is skipped.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
	const challenges: Challenge[] = [];
	let i = 0;
	const n = header.length;

	const skipSpace = () => {
		while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
	};

	const skipSpaceAndCommas = () => {
		while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++;
	};

	const readToken = (): string => {
		const start = i;
		while (i < n && tokenChar.test(header[i]!)) i++;
		return header.slice(start, i);
	};

	const readQuoted = (): string => {
		i++; // Opening quote.
		let value = '';
		while (i < n && header[i] !== '"') {
			if (header[i] === '\\' && i + 1 < n) i++;
			value += header[i];
			i++;
		}

		i++; // Closing quote (or end of input for an unterminated string).
		return value;
	};

	while (i < n) {
		skipSpaceAndCommas();
		const scheme = readToken();
		if (scheme === '') {
			// Not a token: skip one character so that malformed input cannot stall the loop.
			if (i < n) i++;
			continue;
		}

		// Entries, not assignments to an object: a parameter named "__proto__" would be lost.
		const params: Array<[string, string]> = [];
		let token68: string | undefined;
		skipSpace();

		// A token68 follows the scheme directly (e.g. "Negotiate abc=="): one character or more, then any "=".
		const afterScheme = i;
		let probe = i;
		while (probe < n && token68Char.test(header[probe]!)) probe++;
		const hasBody = probe > afterScheme;
		while (probe < n && header[probe] === '=') probe++;
		const rest = header.slice(probe).trimStart();
		const looksLikeToken68 = hasBody && (rest === '' || rest.startsWith(','));
		if (looksLikeToken68) {
			token68 = header.slice(afterScheme, probe);
			i = probe;
		} else {
			// auth-params: name BWS "=" BWS (token / quoted-string), comma separated. A token not followed by
			// "=" starts the next challenge.
			while (i < n) {
				skipSpaceAndCommas();
				const start = i;
				const name = readToken();
				skipSpace();
				if (name === '' || header[i] !== '=') {
					i = start;
					break;
				}

				i++;
				skipSpace();
				const value = header[i] === '"' ? readQuoted() : readToken();
				params.push([name.toLowerCase(), value]);
			}
		}

		const challenge = {scheme: scheme.toLowerCase(), params: Object.fromEntries(params)};
		challenges.push(token68 === undefined ? challenge : {...challenge, token68});
	}

	return challenges;
}

/** The Bearer challenge of a header, if any (RFC 6750 3). */
export function bearerChallenge(header: string | undefined): Challenge | undefined {
	if (header === undefined) return undefined;
	return parseWwwAuthenticate(header).find(challenge => challenge.scheme === 'bearer');
}
