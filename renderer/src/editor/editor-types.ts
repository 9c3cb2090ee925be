/**
 * What the config editor asks of the app: the callbacks behind Apply, Open, Save and Save as,
 * and the shapes they answer with. Plain data only, so the app can back them with IPC (Electron)
 * or the WebSocket core client (browser) without the editor knowing which.
 */

/** The proxy's answer to Apply. A reload is all-or-nothing: `ok: false` means nothing changed. */
export interface ApplyOutcome {
  ok: boolean;
  /** What the reload changed, one line each (`service web: listen 127.0.0.1:8080`). */
  changes?: readonly string[];
  /** Why the proxy refused, as a sentence (diagnostics already formatted with line numbers). */
  error?: string;
  /** Warnings that did not stop an accepted apply. */
  warnings?: readonly string[];
}

/** What applying would change, worked out first (the core's planConfig); nothing changed yet. */
export interface PlanOutcome {
  /** The proxy would accept the text. */
  ok: boolean;
  /** What applying would change, one line each; empty: the running server already matches. */
  changes: readonly string[];
  /** Why it would be refused: the config's errors with their lines, or the call's failure. */
  problems: readonly EditorProblem[];
  error?: string;
  /** Warnings that would not stop it. */
  warnings: readonly string[];
}

/** A file the user picked to open. */
export interface OpenedConfig {
  text: string;
  /** Shown in the toolbar; the path or just the file name. */
  fileName?: string;
}

/** Where a save went; `false`, null or undefined from Save as means the user cancelled. */
export interface SavedConfig {
  fileName?: string;
}

/** Save to the current file; reject with an Error whose message says why it failed. */
export type SaveHandler = (
  text: string,
  fileName: string | undefined,
) => Promise<SavedConfig | void>;
/** Ask for a file name and save there. */
export type SaveAsHandler = (text: string) => Promise<SavedConfig | false | null | undefined>;
export type OpenHandler = () => Promise<OpenedConfig | false | null | undefined>;
export type ApplyHandler = (text: string) => Promise<ApplyOutcome>;
export type PlanHandler = (text: string) => Promise<PlanOutcome>;

/** A plan shown for confirmation: the text it was made for, and what applying it changes. */
export interface PendingApply {
  text: string;
  changes: readonly string[];
  warnings: readonly string[];
}

/** The line under the toolbar: the last action's result. */
export interface EditorMessage {
  kind: 'ok' | 'error' | 'info';
  title: string;
  lines: readonly string[];
  /** Check results: each problem, clickable to jump to its line. */
  problems?: readonly EditorProblem[];
}

export interface EditorProblem {
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  text: string;
}
