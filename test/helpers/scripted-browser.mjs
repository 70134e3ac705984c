#!/usr/bin/env node
// Acts as the user's browser for tests: `scripted-browser.mjs <authorization URL>` (the CLI under test
// runs it through BROWSER, without a shell). It follows the authorization server's redirects, signs in
// on oidc-provider's development login page, answers the consent page, and opens the redirect_uri.
// Given a device verification address with its code (RFC 8628 3.3.1), it submits the code, confirms it,
// logs in the same way and stops at the success page.
// Environment: SCRIPTED_BROWSER_USER (default alice); SCRIPTED_BROWSER_ACTION=deny presses [ Cancel ]
// instead, so the authorization server answers the redirect_uri with error=access_denied.
// Exit 0 once the redirect_uri has answered; exit 1 (reason on stderr) on any unexpected page.
import {realpathSync} from 'node:fs';
import {pathToFileURL} from 'node:url';

const maxSteps = 30;

/**
 * @typedef {object} BrowseOptions
 * @property {string} [user] the login name typed on the login page (default alice)
 * @property {'allow' | 'deny'} [action] deny presses [ Cancel ] on the first interaction page
 * @property {boolean} [openCallback] false: stop at the redirect_uri without requesting it (default true)
 * @property {number} [timeoutMs] for the whole walk (default 15000)
 * @property {string} [password] typed on the login page; the development login accepts any
 */

/**
 * @typedef {object} BrowseResult
 * @property {URL} callbackUrl where the authorization server finally sent the browser
 * @property {number | undefined} callbackStatus the redirect_uri's HTTP status, when it was opened
 * @property {string[]} visited every URL requested, in order
 */

/** Cookies by origin, honouring Path and expiry; enough for oidc-provider's session cookies. */
class CookieJar {
	/** @type {Map<string, {name: string, value: string, path: string}>} */
	cookies = new Map();

	/** @param {URL} url @param {string[]} setCookies */
	store(url, setCookies) {
		for (const line of setCookies) {
			const [pair = '', ...attributes] = line.split(';');
			const separator = pair.indexOf('=');
			if (separator <= 0) continue;
			const name = pair.slice(0, separator).trim();
			const value = pair.slice(separator + 1).trim();
			let path = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1) || '/';
			let expired = false;
			for (const attribute of attributes) {
				const [key = '', attributeValue = ''] = attribute.split('=').map(part => part.trim());
				if (key.toLowerCase() === 'path' && attributeValue.startsWith('/')) path = attributeValue;
				if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
				if (key.toLowerCase() === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
			}

			const key = `${url.origin} ${name} ${path}`;
			if (expired) this.cookies.delete(key);
			else this.cookies.set(key, {name, value, path});
		}
	}

	/** @param {URL} url */
	header(url) {
		const matching = [];
		for (const [key, cookie] of this.cookies) {
			if (!key.startsWith(`${url.origin} `)) continue;
			const path = cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`;
			if (url.pathname === cookie.path || url.pathname.startsWith(path)) matching.push(`${cookie.name}=${cookie.value}`);
		}

		return matching.join('; ');
	}
}

/** @param {string} text */
function unescapeHtml(text) {
	return text.replaceAll(/&(#\d+|#x[\da-f]+|amp|lt|gt|quot|apos);/gi, (_, entity) => {
		const lower = entity.toLowerCase();
		if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
		if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
		return {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"}[lower] ?? entity;
	});
}

/** The visible text of a page, shortened, for error messages. @param {string} html */
function pageText(html) {
	const text = unescapeHtml(html.replaceAll(/<(style|script)[\s\S]*?<\/\1>/gi, ' ').replaceAll(/<[^>]+>/g, ' ')).replaceAll(/\s+/g, ' ').trim();
	return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}

/** What the page asks for: oidc-provider's development login or consent page. @param {string} html @param {URL} base */
function readInteraction(html, base) {
	const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
	const prompt = form ? /<input\b[^>]*name="prompt"[^>]*value="([^"]*)"/i.exec(form[2] ?? '')?.[1] : undefined;
	const cancel = /<a\b[^>]*href="([^"]*)"[^>]*>\s*\[\s*Cancel\s*\]\s*<\/a>/i.exec(html)?.[1];
	return {
		prompt,
		action: form?.[1] ? new URL(unescapeHtml(form[1]), base) : undefined,
		cancel: cancel ? new URL(unescapeHtml(cancel), base) : undefined,
	};
}

/** The hidden fields of the page's first form: oidc-provider's self-submitting page and its device code confirmation. @param {string} html */
function hiddenFields(html) {
	const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html)?.[1] ?? '';
	const fields = new URLSearchParams();
	for (const [input] of form.matchAll(/<input\b[^>]*\btype="hidden"[^>]*>/gi)) {
		const name = /\bname="([^"]*)"/i.exec(input)?.[1];
		if (name !== undefined) fields.append(unescapeHtml(name), unescapeHtml(/\bvalue="([^"]*)"/i.exec(input)?.[1] ?? ''));
	}

	return fields;
}

/**
 * Walks the authorization URL to the redirect_uri like a user's browser would.
 * @param {string | URL} authorizationUrl
 * @param {BrowseOptions} [options]
 * @returns {Promise<BrowseResult>}
 */
export async function browse(authorizationUrl, options = {}) {
	const {user = 'alice', action = 'allow', openCallback = true, timeoutMs = 15_000, password = 'sandbox'} = options;
	const start = new URL(authorizationUrl);
	if (start.protocol !== 'http:' && start.protocol !== 'https:') throw new Error(`refusing to open ${start.protocol} URL`);
	const redirectUri = start.searchParams.get('redirect_uri');
	/** @param {URL} url */
	const isCallback = url => redirectUri ? `${url.origin}${url.pathname}` === redirectUri.split(/[?#]/)[0] : url.origin !== start.origin;
	const signal = AbortSignal.timeout(timeoutMs);
	const jar = new CookieJar();
	/** @type {string[]} */
	const visited = [];

	/** @param {URL} url @param {URLSearchParams} [form] */
	async function request(url, form) {
		visited.push(url.href);
		/** @type {Record<string, string>} */
		const headers = {accept: 'text/html'};
		const cookie = jar.header(url);
		if (cookie) headers['cookie'] = cookie;
		if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
		const response = await fetch(url, {method: form ? 'POST' : 'GET', headers, body: form?.toString(), redirect: 'manual', signal});
		jar.store(url, response.headers.getSetCookie());
		return response;
	}

	let url = start;
	/** @type {URLSearchParams | undefined} */
	let form;
	let answered = false;
	let deviceAborted = false;
	for (let step = 0; step < maxSteps; step++) {
		const response = await request(url, form);
		form = undefined;
		const location = response.headers.get('location');
		if (response.status >= 300 && response.status < 400 && location) {
			await response.body?.cancel();
			url = new URL(location, url);
			if (isCallback(url)) {
				if (!openCallback) return {callbackUrl: url, callbackStatus: undefined, visited};
				visited.push(url.href);
				const callback = await fetch(url, {redirect: 'manual', signal});
				await callback.body?.cancel();
				return {callbackUrl: url, callbackStatus: callback.status, visited};
			}

			continue;
		}

		const html = await response.text();
		if (response.status !== 200) throw new Error(`HTTP ${response.status} from ${url.href}: ${pageText(html)}`);
		// The end of a device login (RFC 8628): approved, or the page after [ Abort ].
		if (/<title>Sign-in Success<\/title>/i.test(html) || deviceAborted) return {callbackUrl: url, callbackStatus: response.status, visited};
		const page = readInteraction(html, url);
		const hidden = hiddenFields(html);
		if (action === 'deny' && !answered && page.cancel && page.prompt) {
			answered = true;
			url = page.cancel;
			continue;
		}

		if (page.prompt === 'login' && page.action) {
			answered = true;
			form = new URLSearchParams({prompt: 'login', login: user, password});
			url = page.action;
		} else if (page.prompt === 'consent' && page.action) {
			answered = true;
			form = new URLSearchParams({prompt: 'consent'});
			url = page.action;
		} else if (hidden.has('user_code') && page.action) {
			// The device code, submitted by the page itself, then confirmed ([ Abort ] to deny).
			form = hidden;
			if (action === 'deny' && hidden.has('confirm')) {
				form.delete('confirm');
				form.set('abort', 'yes');
				deviceAborted = true;
			}

			url = page.action;
		} else {
			throw new Error(`unexpected page at ${url.href}: ${pageText(html)}`);
		}
	}

	throw new Error(`gave up after ${maxSteps} requests without reaching the redirect_uri; last: ${url.href}`);
}

async function main() {
	const [target, ...extra] = process.argv.slice(2);
	if (!target || extra.length > 0) {
		process.stderr.write('usage: scripted-browser.mjs <authorization URL>\n');
		return 1;
	}

	const action = process.env['SCRIPTED_BROWSER_ACTION'] === 'deny' ? 'deny' : 'allow';
	try {
		const result = await browse(target, {user: process.env['SCRIPTED_BROWSER_USER'] || 'alice', action});
		if (result.callbackStatus !== undefined && result.callbackStatus >= 400) {
			process.stderr.write(`scripted-browser: the redirect_uri answered HTTP ${result.callbackStatus}\n`);
		}

		return 0;
	} catch (error) {
		process.stderr.write(`scripted-browser: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) process.exit(await main());
