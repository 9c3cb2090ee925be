/**
 * The small HTML interface a browser gets from the management port (Perlbal ClientManage
 * handle_http): an index of services and pages showing `socks`, `obj` and `show service`.
 * Output matches Perlbal's byte for byte, including `Content-type` with a lower-case t.
 */

const PROLOG =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n' +
  '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en-ZA">\n' +
  '<head><title>perlbal management interface</title><meta name="generator" content="perlbal" /></head><body>';
const EPILOG = "<hr style='margin-top: 10px' /><p><a href='/'>Perlbal management</a>.</p></body></html>\n";

export interface HttpUiHost {
  serviceList(): Array<{ name: string; role: string; listen: string }>;
  /** Output lines of a management command run with a fresh, non-verbose context. */
  run(command: string): Promise<string[]>;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function prebox(host: HttpUiHost, cmd: string, alter?: (line: string) => string): Promise<string> {
  let body = `<pre><div style='margin-bottom: 5px; background: #ddd'><b>${cmd}</b></div>`;
  for (const line of await host.run(cmd)) body += `${alter ? alter(line) : line}\n`;
  return `${body}</pre>\n`;
}

/** The whole HTTP response for a request URI. */
export async function managementPage(host: HttpUiHost, uri: string): Promise<string> {
  let code = '200 OK';
  let body = PROLOG;
  let m: RegExpExecArray | null;
  if (uri === '/') {
    body += "<h1>perlbal management interface</h1><ul><li><a href='/socks'>Sockets</a></li><li><a href='/obj'>Perl Objects in use</a></li><li>Service Details<ul>";
    for (const s of host.serviceList()) {
      body += `<li><a href='/service?${s.name}'>${s.name}</a> - ${s.role}${s.listen ? ` (${s.listen})` : ''}</li>\n`;
    }
    body += '</ul></li></ul>';
  } else if (uri === '/socks') {
    body += await prebox(host, 'socks summary');
    // Perlbal links the service name; the request URI part of each line is escaped here
    // (Perlbal wrote it raw, so a crafted URL could inject markup into the page).
    body += await prebox(host, 'socks', (l) =>
      escapeHtml(l).replace(/service '(\w+)'/, '<a href="/service?$1">$1</a>'),
    );
  } else if (uri === '/obj') {
    body += await prebox(host, 'obj');
  } else if ((m = /^\/service\?(\w+)$/.exec(uri))) {
    body += await prebox(host, `show service ${m[1]}`);
  } else {
    code = '404 Not found';
    body += `<h1>${code}</h1>`;
  }
  body += EPILOG;
  return `HTTP/1.0 ${code}\r\nContent-type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
