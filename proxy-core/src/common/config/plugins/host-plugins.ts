/**
 * Host-pattern plugins: Redirect (REDIRECT HOST on the context service, 301 to another host),
 * Highpri (uri_pattern / host_pattern setters for the high-priority queue, `patterns` query)
 * and NotModified (host_pattern setter answering 304 to any If-Modified-Since).
 */
import { done, fail, type Op } from '../apply-op.js';
import type { RedirectCommand } from '../commands.js';
import type { ServiceModel } from '../model.js';
import { matchLine, perlRe } from '../line-match.js';
import { lcAscii, perlTruthy } from '../perl-text.js';
import { perlRegexProblem } from '../perl-regex.js';
import { tokensOf, usageError } from '../parse-support.js';
import type { Span } from '../span.js';
import { CONTEXT_ONLY, contextService } from './context.js';
import { ensureSlice, getSlice } from './slices.js';
import {
  dumpNode,
  setterNode,
  type PluginCommandDef,
  type PluginDef,
  type SetterDef,
} from './types.js';

const REDIRECT: PluginCommandDef = {
  verb: 'REDIRECT',
  base: 'redirect',
  grammar: 'REDIRECT HOST <match_host> <target_host>',
  description:
    'Answers requests for match_host (exact, `*.domain` or `*`) on the context service with a 301 to http://target_host plus the original path. Prints nothing on success.',
  contextual: true,
  parse(pre) {
    const m = matchLine(pre, perlRe('^redirect\\s+host\\s+(\\S+)\\s+(\\S+)$'));
    if (!m) return usageError(pre, this.grammar, 'usage: REDIRECT HOST <match_host> <target_host>');
    return {
      fields: { args: { match: m.groups[1]!, target: m.groups[2]! } },
      tokens: tokensOf({ match: m.spans[1], target: m.spans[2] }),
    };
  },
  apply(op, command) {
    const cmd = command as RedirectCommand;
    const svc = contextService(op, cmd, null, CONTEXT_ONLY);
    if (!svc) return false;
    const slice = ensureSlice(svc, 'redirect', () => ({ hosts: [] }));
    const match = lcAscii(cmd.args.match);
    const target = lcAscii(cmd.args.target);
    const existing = slice.hosts.find((h) => h.match === match);
    if (existing) existing.target = target;
    else slice.hosts.push({ match, target });
    // Perlbal's handler returns 1, not $mc->ok: no OK even when verbose.
    return done(op);
  },
  print(command) {
    const { match, target } = (command as RedirectCommand).args;
    return `REDIRECT HOST ${match} ${target}`;
  },
};

export const REDIRECT_PLUGIN: PluginDef = {
  name: 'redirect',
  module: 'Redirect',
  summary: 'Redirects whole hosts with a 301 (REDIRECT HOST lines), typically on a web_server.',
  hasRegister: true,
  hasUnregister: true,
  commands: [REDIRECT],
  dump(svc) {
    return (getSlice(svc, 'redirect')?.hosts ?? []).map((h) =>
      dumpNode<RedirectCommand>({
        kind: 'plugin',
        verb: 'REDIRECT',
        plugin: 'redirect',
        args: { match: h.match, target: h.target },
      }),
    );
  },
};

/** Setter failure that prints nothing (the setter returned 0). */
function rejected(op: Op, module: string, key: string, value: string, span: Span): false {
  return fail(op, 'setter_rejected', { module, key, value }, span);
}

export const HIGHPRI_DEFAULT_URI = '^(?:/interface/(?:xmlrpc|flat)|/login\\.bml)$';
const DISABLED = new Set(['undef', 'none', 'null']);

function highpriSetter(key: 'uri_pattern' | 'host_pattern', description: string): SetterDef {
  return {
    key,
    description,
    apply(op, svc, value, spans) {
      if (!perlTruthy(value)) return rejected(op, 'Highpri', `highpri.${key}`, value, spans.value);
      if (!DISABLED.has(value) && perlRegexProblem(value)) {
        const reason = perlRegexProblem(value)!.reason;
        return fail(
          op,
          'invalid_regex',
          { regex: value, reason },
          spans.value,
          'Invalid regular expression',
        );
      }
      const slice = ensureSlice(svc, 'highpri', highpriDefaults);
      if (key === 'uri_pattern') slice.uriPattern = value;
      else slice.hostPattern = value;
      return done(op);
    },
  };
}

function highpriDefaults(): { uriPattern: string; hostPattern: string } {
  return { uriPattern: HIGHPRI_DEFAULT_URI, hostPattern: 'undef' };
}

export const HIGHPRI_PLUGIN: PluginDef = {
  name: 'highpri',
  module: 'Highpri',
  summary:
    'Puts requests whose URI or Host matches a pattern on the high-priority queue of a reverse_proxy. Adds the `patterns` query.',
  hasRegister: true,
  hasUnregister: true,
  manageVerbs: ['patterns'],
  setters: [
    highpriSetter(
      'uri_pattern',
      `Perl regex matched against the request URI; undef, none or null disable it. Default ${HIGHPRI_DEFAULT_URI} (LiveJournal's).`,
    ),
    highpriSetter(
      'host_pattern',
      'Perl regex matched against the Host header; undef, none or null (the default) disable it.',
    ),
  ],
  onRegister(svc) {
    svc.pluginConfig['highpri'] = highpriDefaults();
  },
  onUnregister(svc) {
    delete svc.pluginConfig['highpri'];
  },
  dumpSetters(svc: ServiceModel) {
    const slice = getSlice(svc, 'highpri');
    if (!slice) return [];
    const out = [];
    if (slice.uriPattern !== HIGHPRI_DEFAULT_URI)
      out.push(setterNode(svc.name, 'highpri.uri_pattern', slice.uriPattern));
    if (slice.hostPattern !== 'undef')
      out.push(setterNode(svc.name, 'highpri.host_pattern', slice.hostPattern));
    return out;
  },
};

export const NOT_MODIFIED_PLUGIN: PluginDef = {
  name: 'notmodified',
  module: 'NotModified',
  summary:
    'Answers 304 Not Modified to any request carrying If-Modified-Since whose Host matches host_pattern (typically on a selector).',
  hasRegister: true,
  hasUnregister: true,
  setters: [
    {
      key: 'host_pattern',
      description:
        'Perl regex matched against the Host header; setting it turns the plugin on for the service.',
      apply(op, svc, value, spans) {
        if (!perlTruthy(value))
          return rejected(op, 'NotModified', 'notmodified.host_pattern', value, spans.value);
        const problem = perlRegexProblem(value);
        if (problem)
          return fail(
            op,
            'invalid_regex',
            { regex: value, reason: problem.reason },
            spans.value,
            problem.perlbal,
          );
        ensureSlice(svc, 'notmodified', () => ({ hostPattern: null })).hostPattern = value;
        return done(op);
      },
    },
  ],
  onRegister(svc) {
    svc.pluginConfig['notmodified'] = { hostPattern: null };
  },
  onUnregister(svc) {
    delete svc.pluginConfig['notmodified'];
  },
  dumpSetters(svc) {
    const pattern = getSlice(svc, 'notmodified')?.hostPattern;
    return pattern ? [setterNode(svc.name, 'notmodified.host_pattern', pattern)] : [];
  },
};
