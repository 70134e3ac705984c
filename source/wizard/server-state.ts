import {type ErrorInfo, assertNever} from '../core/errors.js';
import type {ExportResult} from '../core/export.js';
import type {ServerChange} from '../store/changes.js';
import type {ConfigWrite} from '../core/config-edit.js';
import type {Step} from './state.js';

/* The saved servers: their list, and one server's screen with its actions. */

/** A key of a saved server's summary. */
export type ServerAction = 'reauthorize' | 'refresh' | 'check' | 'rename' | 'forget-tokens' | 'forget-registration' | 'remove' | 'export';

export type ServerView = 'summary' | 'registration' | 'trace';

export type ServerActivity =
	| {readonly kind: 'idle'}
	| {readonly kind: 'busy'; readonly action: 'refresh' | 'check'}
	| {readonly kind: 'done'; readonly message: string}
	| {readonly kind: 'failed'; readonly error: ErrorInfo};

/** The actions that ask y/n first. */
export type ConfirmableAction = 'forget-tokens' | 'forget-registration' | 'remove';

/** The export picker, or what it produced. */
export type ServerExporting =
	| {readonly kind: 'choosing'}
	| {
			readonly kind: 'shown';
			readonly target: string;
			readonly where: string;
			readonly text: string;
			readonly notes: readonly string[];
			readonly format: ExportResult['format'];
			/** The other ways' titles: printed whole above the frame, named on it. */
			readonly others?: readonly string[];
			/** What w would do to the client's configuration file, planned when shown; a sentence when it cannot. */
			readonly write?: ConfigWrite | string;
			/** w was pressed once where an entry of that name is there already: the next w replaces it. */
			readonly replaceAsked?: boolean;
			readonly done?: string;
	  };

/** The saved servers, the home screen when there are any. */
export type ServersStep = {readonly name: 'servers'; readonly selection?: string};

/** One saved server's screen, and what is asked or under way on it. */
export type ServerStep = {
	readonly name: 'server';
	/** The saved login's name (a URL may hold several). */
	readonly serverName: string;
	readonly view: ServerView;
	readonly activity: ServerActivity;
	readonly confirming?: ConfirmableAction;
	readonly renaming: boolean;
	readonly exporting?: ServerExporting;
	readonly pending?: ServerChange;
};

/** What happens on the saved-server list and a saved server's screen. */
export type ServerStepAction =
	| {readonly type: 'server-opened'; readonly serverName: string}
	| {readonly type: 'server-add'}
	| {readonly type: 'server-action'; readonly action: ServerAction}
	| {readonly type: 'server-view'; readonly view: ServerView}
	| {readonly type: 'server-confirmed'}
	| {readonly type: 'server-cancelled'}
	| {readonly type: 'server-renamed'; readonly name: string}
	| {readonly type: 'server-export-shown'; readonly exporting: ServerExporting}
	| {readonly type: 'server-activity'; readonly activity: ServerActivity}
	/** What became of y (copied), f (saved) or w (written: nothing left to write) on an export shown. */
	| {readonly type: 'server-export-done'; readonly message: string; readonly written?: boolean; readonly asked?: boolean}
	| {readonly type: 'server-removed'; readonly message: string};

export function serverStep(serverName: string): ServerStep {
	return {name: 'server', serverName, view: 'summary', activity: {kind: 'idle'}, renaming: false};
}

function serverAction(step: ServerStep, action: ServerAction): Step {
	switch (action) {
		case 'reauthorize': {
			return step;
		}

		case 'refresh':
		case 'check': {
			return step.activity.kind === 'busy' ? step : {...step, activity: {kind: 'busy', action}};
		}

		case 'rename': {
			return {...step, renaming: true};
		}

		case 'export': {
			return {...step, exporting: {kind: 'choosing'}};
		}

		case 'forget-tokens':
		case 'forget-registration':
		case 'remove': {
			return {...step, confirming: action};
		}

		default: {
			return assertNever(action);
		}
	}
}

/** Applies a saved-server action to its step; one for another step (a late effect) is ignored. */
export function reduceServerStep(step: Step, action: ServerStepAction): Step {
	switch (action.type) {
		case 'server-opened': {
			return step.name === 'servers' ? serverStep(action.serverName) : step;
		}

		case 'server-add': {
			return step.name === 'servers' ? {name: 'url', input: ''} : step;
		}

		case 'server-action': {
			return step.name === 'server' ? serverAction(step, action.action) : step;
		}

		case 'server-view': {
			return step.name === 'server' ? {...step, view: action.view} : step;
		}

		case 'server-confirmed': {
			return step.name === 'server' && step.confirming ? {...step, confirming: undefined, pending: {kind: step.confirming}} : step;
		}

		case 'server-cancelled': {
			return step.name === 'server' ? {...step, confirming: undefined, renaming: false, exporting: undefined} : step;
		}

		case 'server-renamed': {
			return step.name === 'server' ? {...step, renaming: false, pending: {kind: 'rename', name: action.name}} : step;
		}

		case 'server-export-shown': {
			return step.name === 'server' ? {...step, exporting: action.exporting} : step;
		}

		case 'server-export-done': {
			if (step.name !== 'server' || step.exporting?.kind !== 'shown') return step;
			const {write: _write, ...shown} = step.exporting;
			return {...step, exporting: {...(action.written ? shown : step.exporting), done: action.message, replaceAsked: action.asked === true}};
		}

		case 'server-activity': {
			if (step.name !== 'server') return step;
			// Renamed: the screen follows the login to its new name.
			const renamed = step.pending?.kind === 'rename' && action.activity.kind === 'done' ? step.pending.name : undefined;
			return {...step, serverName: renamed ?? step.serverName, activity: action.activity, pending: undefined};
		}

		case 'server-removed': {
			return step.name === 'server' ? {name: 'servers'} : step;
		}

		default: {
			return assertNever(action);
		}
	}
}
