import {openBrowser} from '../core/browser.js';
import {startCallbackServer} from '../core/callback-server.js';
import {discover} from '../core/discovery.js';
import type {HttpClient} from '../core/http.js';
import {checkMcp} from '../core/mcp-check.js';
import {callTool} from '../core/tool-call.js';
import {registerClient} from '../core/registration.js';
import {refreshTokens} from '../core/tokens.js';
import {authorize} from '../core/login.js';
import {deviceLogin} from '../core/device.js';
import {clientCredentialsTokens} from '../core/client-credentials.js';
import {idTokenFromFile, privateKeyFromFile} from '../core/user-file.js';
import {enterpriseLogin} from '../core/identity-provider-login.js';
import type {ServerStore} from '../store/types.js';

/** The core steps the wizard's hooks run; tests may replace one (e.g. refresh, under fake timers). */
export const coreSteps = {discover, registerClient, startCallbackServer, authorize, deviceLogin, clientCredentialsTokens, privateKeyFromFile, enterpriseLogin, idTokenFromFile, openBrowser, refreshTokens, checkMcp, callTool};

export type CoreSteps = typeof coreSteps;

/** Login flags that also apply to the wizard. */
export type WizardOptions = {
	readonly clientId?: string;
	readonly clientSecret?: string;
	/** --client-metadata-url: a Client ID Metadata Document URL to use as the client id where the AS supports them. */
	readonly clientMetadataUrl?: string;
	readonly callbackPort?: number;
	readonly timeoutMs?: number;
	readonly noOpen?: boolean;
	readonly name?: string;
};

/** Everything with a side effect that the wizard uses, built once by cli.tsx (or a test). */
export type WizardServices = {
	readonly http: HttpClient;
	readonly store: ServerStore;
	readonly env: NodeJS.ProcessEnv;
	readonly options: WizardOptions;
	readonly core: CoreSteps;
	/** Where f saves an export: the current directory unless a test says otherwise. */
	readonly cwd?: string;
	/** A try-out's store, deleted when it ends (--demo): nothing goes into other programs' files (no w on an export). */
	readonly throwawayStore?: boolean;
};
