/**
 * The Config view's state, made once per connection (Shell.svelte) so it outlives the view:
 * the running config document, the editor's session (the text with its unsaved changes), and
 * the handlers behind Apply (plan, then apply), Save, Open and Save as. The File menu's Save
 * and the HTTPS view reach the text here even while another view is shown.
 */
import type { ConfigDocument, CoreClient } from '../../../proxy-core/src/common/api/index.js';
import { applyWith, planWith, saveWith } from '../editor/core-adapter.js';
import { EditorSession } from '../editor/editor-session.svelte.js';
import type {
  ApplyHandler,
  OpenHandler,
  PlanHandler,
  SaveAsHandler,
  SaveHandler,
} from '../editor/editor-types.js';
import type { DesktopFiles } from '../lib/desktop-files.js';

export class ConfigState {
  doc = $state<ConfigDocument | null>(null);
  error = $state<string | null>(null);
  readonly session = new EditorSession();
  readonly onPlan: PlanHandler;
  readonly onApply: ApplyHandler;
  readonly onOpen: OpenHandler | undefined;
  readonly onSaveAs: SaveAsHandler | undefined;
  readonly #save: SaveHandler;

  constructor(client: CoreClient, files?: DesktopFiles) {
    this.onPlan = planWith((t) => client.planConfig(t));
    this.onApply = applyWith((t) => client.applyConfig(t));
    this.#save = saveWith((t) => client.saveConfig(t));
    this.onOpen = files && (() => files.open());
    this.onSaveAs = files && ((text: string) => files.saveAs(text));
    void client.getConfig().then(
      (d) => {
        this.doc = d;
        this.session.load(d.text, d.file ?? undefined);
      },
      (e: Error) => {
        this.error = e.message;
      },
    );
  }

  /** Only a core started from a file can save; started from text, there is nowhere to write. */
  get onSave(): SaveHandler | undefined {
    return this.doc?.file ? this.#save : undefined;
  }

  /** True while the editor holds changes that are not in the file. */
  get dirty(): boolean {
    return this.session.dirty;
  }

  /** File > Save (also when the Config view is not shown). */
  save(): Promise<void> {
    return this.session.save(this.onSave, this.onSaveAs);
  }

  saveAs(): Promise<void> {
    return this.onSaveAs ? this.session.saveAs(this.onSaveAs) : Promise.resolve();
  }

  /**
   * The core now runs `text` (HTTPS turned on applies without saving). Unedited, the editor
   * shows it as an unsaved change; with edits of the user's, those stay and a note offers the
   * running text, so nothing typed is thrown away.
   */
  runningChanged(text: string, why: string): void {
    if (this.doc) this.doc = { ...this.doc, text };
    if (!this.session.dirty || this.session.text === text) {
      this.session.runningChanged(text, why);
      return;
    }
    this.session.message = {
      kind: 'info',
      title: why,
      lines: [
        'The proxy runs a new config now; your unsaved edits were kept, so applying them would undo it.',
      ],
    };
  }
}
