import {render} from 'ink';
import {App} from '../app.js';
import type {CommandContext} from '../commands/context.js';
import {type WizardOptions, coreSteps} from './services.js';

/** Mounts the wizard in the terminal and waits until the user quits. Only cli.tsx calls this, with a TTY. */
export async function startWizard(context: CommandContext, input: {readonly url?: string; readonly options: WizardOptions; readonly banner?: string}): Promise<number> {
	const store = await context.openStore();
	const instance = render(<App services={{http: context.http, store, env: context.env, options: input.options, core: coreSteps}} initialUrl={input.url} banner={input.banner} />, {exitOnCtrlC: true});
	await instance.waitUntilExit();
	return 0;
}
