/**
 * What the config means just before a given line: the model built by the lines above it and the
 * command context (Perlbal's `last_created`, set by CREATE and USE). Completion uses it to offer
 * the tunables valid for the role the context service has at that point.
 */
import type { EditorState } from '@codemirror/state';
import {
  checkConfig,
  findPool,
  findService,
  permissiveEnv,
  type ConfigModel,
  type ServiceModel,
} from './config-lib.js';

export interface ContextAt {
  /** The model after every line above. */
  model: ConfigModel;
  /** The name CREATE / USE last set, lower-case, or null. */
  contextName: string | null;
}

/** The model and context in force at the start of 1-based line `line`. */
export function contextAt(state: EditorState, line: number): ContextAt {
  const end = line > 1 ? state.doc.line(line - 1).to : 0;
  const { commands, model } = checkConfig(state.sliceDoc(0, end), permissiveEnv);
  let contextName: string | null = null;
  for (const cmd of commands) {
    if (cmd.kind === 'create' || cmd.kind === 'use') contextName = cmd.name;
  }
  return { model, contextName };
}

export type Target =
  { kind: 'service'; service: ServiceModel } | { kind: 'pool'; name: string } | { kind: 'none' };

/** What a SET with this (possibly omitted) name would act on. */
export function resolveTarget(ctx: ContextAt, name: string | null): Target {
  const wanted = (name ?? ctx.contextName)?.toLowerCase();
  if (wanted === undefined) return { kind: 'none' };
  const service = findService(ctx.model, wanted);
  if (service) return { kind: 'service', service };
  if (findPool(ctx.model, wanted)) return { kind: 'pool', name: wanted };
  return { kind: 'none' };
}
