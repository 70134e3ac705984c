import {render} from 'ink';
import {App} from '../app.js';
import type {CommandContext} from '../commands/context.js';
import {createHttpClient} from '../core/http.js';
import {type WizardOptions, coreSteps, createTraceFeed} from './services.js';

/** Mounts the wizard in the terminal and waits until the user quits. Only cli.tsx calls this, with a TTY. */
export async function startWizard(context: CommandContext, input: {readonly url?: string; readonly options: WizardOptions; readonly banner?: string}): Promise<number> {
	const trace = createTraceFeed();
	const http = createHttpClient({onExchange: trace.push});
	const store = await context.openStore();
	const instance = render(<App services={{http, trace, store, env: context.env, options: input.options, core: coreSteps}} initialUrl={input.url} banner={input.banner} />, {exitOnCtrlC: true});
	await instance.waitUntilExit();
	return 0;
}
