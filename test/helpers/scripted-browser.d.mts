// Types for scripted-browser.mjs (plain JavaScript, so that BROWSER can run it with node alone).
export type BrowseOptions = {
	readonly user?: string;
	readonly action?: 'allow' | 'deny';
	readonly openCallback?: boolean;
	readonly timeoutMs?: number;
	readonly password?: string;
};

export type BrowseResult = {readonly callbackUrl: URL; readonly callbackStatus: number | undefined; readonly visited: string[]};

export function browse(authorizationUrl: string | URL, options?: BrowseOptions): Promise<BrowseResult>;
