import {render} from 'ink';
import {App, interrupted} from './app.js';
import type {CommandContext} from '../commands/context.js';
import {type WizardOptions, coreSteps} from './services.js';

/** 128 + SIGINT: what shells expect of a program the user interrupted. */
const interruptedExitCode = 130;

/**
 * Mounts the wizard in the terminal and waits until the user quits: 0 after q, 130 after Ctrl-C (or a
 * SIGINT/SIGTERM from elsewhere, which cli.tsx turns into an abort of context.signal). Only cli.tsx
 * calls this, with a TTY.
 */
export async function startWizard(context: CommandContext, input: {readonly url?: string; readonly options: WizardOptions; readonly banner?: string; readonly throwawayStore?: boolean}): Promise<number> {
	const store = await context.openStore();
	if (context.signal.aborted) return interruptedExitCode;
	// Ctrl-C is the App's own key (see useGlobalKeys), so that it takes the same way out as in tests.
	const instance = render(<App services={{http: context.http, store, env: context.env, options: input.options, core: coreSteps, throwawayStore: input.throwawayStore}} initialUrl={input.url} banner={input.banner} />, {exitOnCtrlC: false});
	const stop = () => {
		instance.unmount();
	};

	context.signal.addEventListener('abort', stop, {once: true});
	try {
		const result = await instance.waitUntilExit();
		return result === interrupted || context.signal.aborted ? interruptedExitCode : 0;
	} finally {
		context.signal.removeEventListener('abort', stop);
	}
}
