/**
 * The config editor's document state: the text, the text last opened or saved (so `dirty`
 * means "would be lost"), the file name, a planned apply waiting for confirmation, and the
 * last action's message. The actions call the app's handlers and turn every answer, refusal
 * or exception into a message. It holds no DOM, so the app can keep one across view switches.
 */
import { checkConfig, permissiveEnv, type ApplyEnv } from './config-lib.js';
import { problemOf } from './core-adapter.js';
import type { FormatResult } from './format.js';
import type {
  ApplyHandler,
  EditorMessage,
  OpenHandler,
  PendingApply,
  PlanHandler,
  SaveAsHandler,
  SaveHandler,
} from './editor-types.js';

export type EditorBusy = 'plan' | 'apply' | 'open' | 'save' | null;

const NOTHING_CHANGED = 'Nothing was changed.';

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An apply (or its plan) that threw: it changed nothing. */
function notApplied(e: unknown): EditorMessage {
  return { kind: 'error', title: 'Not applied', lines: [reason(e), NOTHING_CHANGED] };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export class EditorSession {
  text = $state('');
  /** The text as last opened, saved or loaded from outside. */
  savedText = $state('');
  fileName = $state<string | undefined>(undefined);
  busy = $state<EditorBusy>(null);
  message = $state<EditorMessage | null>(null);
  /** Apply's confirmation step: what applying `text` would change (planConfig). */
  pending = $state<PendingApply | null>(null);
  readonly dirty = $derived(this.text !== this.savedText);

  constructor(text = '', fileName?: string) {
    this.load(text, fileName);
  }

  /** New text from outside (a file opened, the running config): it is the clean state. */
  load(text: string, fileName?: string): void {
    this.text = text;
    this.savedText = text;
    this.fileName = fileName;
    this.pending = null;
  }

  /**
   * The proxy now runs `text`, which is not in the file (HTTPS turned on): show it as an
   * unsaved change, so Save writes it and leaving asks first.
   */
  runningChanged(text: string, why: string): void {
    this.text = text;
    this.pending = null;
    this.message = {
      kind: 'info',
      title: why,
      lines: ['The running config differs from the file: Save writes it there.'],
    };
  }

  edit(text: string): void {
    this.text = text;
    // A plan describes the text it was made for; an edit makes it stale.
    if (this.pending && this.pending.text !== text) this.pending = null;
  }

  dismissMessage(): void {
    this.message = null;
  }

  /**
   * Apply, step one: ask what applying would change and show it for confirmation. A config
   * the proxy would refuse shows why instead (with each problem's line), and changes nothing.
   */
  async plan(onPlan: PlanHandler): Promise<void> {
    const text = this.text;
    await this.#run(
      'plan',
      async () => {
        const p = await onPlan(text);
        if (!p.ok) {
          this.pending = null;
          this.message = {
            kind: 'error',
            title: 'Not applied: the proxy would refuse this config',
            lines: [...(p.error ? [p.error] : []), NOTHING_CHANGED],
            problems: p.problems,
          };
          return;
        }
        this.message = null;
        this.pending = { text, changes: p.changes, warnings: p.warnings };
      },
      notApplied,
    );
  }

  /** Apply, step two: the confirmed plan's text goes to the proxy. */
  async confirm(onApply: ApplyHandler): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    await this.#applyText(onApply, pending.text);
  }

  cancelPlan(): void {
    this.pending = null;
  }

  /** Checks with the core's parser, as the proxy would on load, and summarises the result. */
  check(env: ApplyEnv = permissiveEnv): EditorMessage {
    const { diagnostics } = checkConfig(this.text, env);
    const problems = diagnostics.map(problemOf);
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.filter((p) => p.severity === 'warning').length;
    const title =
      problems.length === 0
        ? 'No problems found'
        : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    this.message = {
      kind: errors > 0 ? 'error' : problems.length > 0 ? 'info' : 'ok',
      title,
      lines: [],
      problems,
    };
    return this.message;
  }

  /** Reports what Format did (the edit itself goes through the editor, so it can be undone). */
  noteFormat(result: FormatResult): void {
    if (result.refused)
      this.message = { kind: 'error', title: 'Not formatted', lines: [result.refused] };
    else
      this.message = {
        kind: 'ok',
        title: result.changed ? 'Formatted' : 'Already formatted',
        lines: [],
      };
  }

  /** Hands the text to the proxy; its reload is all-or-nothing, so a refusal changed nothing. */
  async apply(onApply: ApplyHandler): Promise<void> {
    await this.#applyText(onApply, this.text);
  }

  async #applyText(onApply: ApplyHandler, text: string): Promise<void> {
    await this.#run(
      'apply',
      async () => {
        const outcome = await onApply(text);
        if (outcome.ok) {
          const changes = outcome.changes ?? [];
          this.message = {
            kind: 'ok',
            title: 'Applied',
            lines: [
              ...(changes.length > 0 ? changes : ['The running config already matched this text.']),
              ...(outcome.warnings ?? []).map((w) => `Warning: ${w}`),
            ],
          };
        } else {
          const error = outcome.error ?? 'The proxy refused this config.';
          this.message = { kind: 'error', title: 'Not applied', lines: [error, NOTHING_CHANGED] };
        }
      },
      notApplied,
    );
  }

  async open(onOpen: OpenHandler): Promise<void> {
    await this.#run(
      'open',
      async () => {
        const opened = await onOpen();
        if (!opened) return;
        this.load(opened.text, opened.fileName);
        this.message = {
          kind: 'info',
          title: `Opened ${opened.fileName ?? 'a config'}`,
          lines: [],
        };
      },
      (e) => ({ kind: 'error', title: 'Could not open the file', lines: [reason(e)] }),
    );
  }

  /** Save to the current file; without one (or without onSave) this is Save as. */
  async save(onSave: SaveHandler | undefined, onSaveAs: SaveAsHandler | undefined): Promise<void> {
    if (!onSave || this.fileName === undefined) {
      if (onSaveAs) await this.saveAs(onSaveAs);
      return;
    }
    const text = this.text;
    await this.#run(
      'save',
      async () => {
        const saved = await onSave(text, this.fileName);
        this.#saved(text, saved?.fileName ?? this.fileName);
      },
      (e) => ({ kind: 'error', title: 'Not saved', lines: [reason(e)] }),
    );
  }

  async saveAs(onSaveAs: SaveAsHandler): Promise<void> {
    const text = this.text;
    await this.#run(
      'save',
      async () => {
        const saved = await onSaveAs(text);
        if (saved) this.#saved(text, saved.fileName ?? this.fileName);
      },
      (e) => ({ kind: 'error', title: 'Not saved', lines: [reason(e)] }),
    );
  }

  /** What was written is clean; edits made while saving stay dirty. */
  #saved(text: string, fileName: string | undefined): void {
    this.savedText = text;
    this.fileName = fileName;
    this.message = { kind: 'ok', title: `Saved${fileName ? ` to ${fileName}` : ''}`, lines: [] };
  }

  /** One action at a time; a second click while one runs is ignored. */
  async #run(
    busy: Exclude<EditorBusy, null>,
    action: () => Promise<void>,
    failed: (e: unknown) => EditorMessage,
  ): Promise<void> {
    if (this.busy !== null) return;
    this.busy = busy;
    try {
      await action();
    } catch (e) {
      this.message = failed(e);
    } finally {
      this.busy = null;
    }
  }
}
