/**
 * How plugin commands find their service: an explicit name or the command context
 * (`$mc->{ctx}{last_created}`), each plugin with its own error texts.
 */
import { fail, tokenSpan, type Op } from '../apply-op.js';
import type { ConfigCommand } from '../commands.js';
import { findService, type ServiceModel } from '../model.js';
import { didYouMean } from '../suggest.js';

export interface ContextTexts {
  /** Perlbal's error when there is no name and no context. */
  noContext: string;
  /** The explicit form to suggest in the message (`VHOST <selector> ...`). */
  form: string;
  /** Perlbal's error when the service does not exist (`%name%` is replaced). */
  missing: string;
}

export const CONTEXT_ONLY: ContextTexts = {
  noContext: 'No service name in context from CREATE SERVICE <name> or USE <service_name>',
  form: 'CREATE SERVICE <name> or USE <name> before it',
  missing: "Non-existent service '%name%'",
};

/** The service a plugin command applies to, or false after recording Perlbal's error. */
export function contextService(
  op: Op,
  cmd: ConfigCommand,
  explicit: string | null,
  texts: ContextTexts,
): ServiceModel | false {
  const name = explicit ?? op.ctx.lastCreated;
  if (!name) return fail(op, 'no_context', { form: texts.form }, cmd.span, texts.noContext);
  const svc = findService(op.model, name);
  if (!svc) {
    const hint = didYouMean(
      name,
      op.model.services.map((s) => s.name),
    );
    return fail(
      op,
      'unknown_service',
      { name, hint },
      explicit ? tokenSpan(cmd, 'service') : cmd.span,
      texts.missing.replace('%name%', name),
    );
  }
  return svc;
}
