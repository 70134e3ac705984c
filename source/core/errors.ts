/** The step of a login where something went wrong; shown to the user and used in --json output. */
export type FailedStep =
	| 'input'
	| 'probe'
	| 'resource-metadata'
	| 'authorization-server-metadata'
	| 'client'
	| 'registration'
	| 'authorization'
	| 'callback'
	| 'token'
	/** The token exchange at an enterprise identity provider (RFC 8693, SEP-990). */
	| 'identity-provider'
	| 'refresh'
	| 'mcp-check'
	| 'store'
	| 'network'
	/** Ctrl-C (SIGINT) or SIGTERM. */
	| 'interrupted';

/** What the server said, verbatim, when a request was answered with an error. */
export type ServerAnswer = {
	readonly url: string;
	readonly status: number;
	readonly body: string;
};

/** A failure as a screen shows it: a WizardError's message, hint and the server's answer. */
export type ErrorInfo = {
	readonly message: string;
	readonly hint: string;
	readonly answer?: ServerAnswer;
};

/**
 * Every failure the core reports: what failed (message), the server's own words (answer), and what to
 * try next (hint). Callers show all three and never a stack trace.
 */
export class WizardError extends Error {
	override readonly name = 'WizardError';

	constructor(
		readonly step: FailedStep,
		message: string,
		readonly hint: string,
		readonly answer?: ServerAnswer,
		options?: {cause?: unknown},
	) {
		super(message, options);
	}
}

/** The browser never came back to the redirect URI in time: nothing went wrong but the wait. */
export class CallbackTimeoutError extends WizardError {}

/** Bad usage of the command line: exit code 2, never a flow failure. */
export class UsageError extends Error {
	override readonly name = 'UsageError';

	constructor(
		message: string,
		readonly hint: string,
	) {
		super(message);
	}
}

export function isAbortError(error: unknown): boolean {
	return error instanceof Error && (error.name === 'AbortError' || (error as {code?: string}).code === 'ABORT_ERR');
}

/** The default of a switch that handles every case: a compile error when one is added and not handled. */
export function assertNever(value: never): never {
	throw new Error(`Unexpected ${JSON.stringify(value)}`);
}
