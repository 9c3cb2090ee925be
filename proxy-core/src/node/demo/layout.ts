/**
 * The demo journal's page frame: one inline stylesheet, the header and footer, and HTML
 * escaping. Everything is self-contained (no external assets) so the pages render offline.
 */

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root { --ink: #1f2933; --muted: #637083; --line: #dde3ea; --paper: #fff; --bg: #eef2f6; --lj: #3c6ea5; --lj-dark: #23466e; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { background: var(--lj); color: #fff; }
header .bar { max-width: 46rem; margin: 0 auto; padding: .8rem 1.25rem; display: flex; gap: 1.25rem; align-items: baseline; }
header a { color: #fff; text-decoration: none; }
header .site { font-weight: 700; font-size: 1.2rem; letter-spacing: .01em; }
header nav { margin-left: auto; display: flex; gap: 1rem; font-size: .95rem; }
main { max-width: 46rem; margin: 1.5rem auto 3rem; padding: 0 1.25rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 1.1rem 1.25rem; margin-bottom: 1rem; }
.entry { display: grid; grid-template-columns: 100px 1fr; gap: 1.1rem; }
.entry .pic { width: 100px; height: 100px; border-radius: 8px; background: var(--bg); }
.entry h2 { font-size: 1.15rem; margin: 0 0 .2rem; }
.meta { color: var(--muted); font-size: .88rem; margin-bottom: .5rem; }
.photo { display: block; max-width: 100%; border-radius: 8px; margin-top: .6rem; background: var(--bg); min-height: 3rem; }
.how { font-size: .92rem; }
.how code, .how pre { font: .85rem/1.45 ui-monospace, "SF Mono", Menlo, monospace; }
.how pre { background: var(--bg); border-radius: 6px; padding: .6rem .8rem; overflow-x: auto; margin: .4rem 0 0; }
label { display: block; font-weight: 600; margin: .8rem 0 .3rem; }
input[type=text], textarea, select { width: 100%; font: inherit; padding: .5rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
select { width: auto; min-width: 12rem; }
textarea { min-height: 8rem; }
button { display: block; font: inherit; font-weight: 600; color: #fff; background: var(--lj); border: 0; border-radius: 6px; padding: .55rem 1.2rem; margin-top: 1rem; cursor: pointer; }
button:hover { background: var(--lj-dark); }
progress { width: 100%; height: .9rem; margin-top: 1rem; accent-color: var(--lj); }
.hidden { display: none; }
.palimg { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: .8rem; }
.palimg figure { margin: 0; max-width: 10.5rem; font-size: .8rem; color: var(--muted); }
.palimg img { display: block; max-width: 100%; border-radius: 6px; margin-bottom: .3rem; }
.palimg code { overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: .85rem; text-align: center; margin: 2rem 0; }
a { color: var(--lj); }
`;

export interface PageContext {
  /** The Host the browser used (through the selector), e.g. `www.lj.localhost:8080`. */
  host: string;
  /** Where this backend listens, for the footer. */
  backend: string;
}

/** The stat host next to the browser's host: `www.lj.localhost:8080` -> `stat.lj.localhost:8080`. */
export function statHost(host: string): string {
  const [name = '', port] = host.split(':');
  const labels = name.split('.');
  const stat = labels.length > 2 ? ['stat', ...labels.slice(1)].join('.') : `stat.${name}`;
  return port ? `${stat}:${port}` : stat;
}

export function page(ctx: PageContext, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - lj.localhost demo</title>
<style>${CSS}</style>
</head>
<body>
<header><div class="bar">
<a class="site" href="/">lj.localhost</a>
<nav><a href="/~frank/">frank</a><a href="/~system/">system</a><a href="/update.bml">Post an entry</a><a href="http://${esc(statHost(ctx.host))}/">stat</a></nav>
</div></header>
<main>
${body}
</main>
<footer>Perlbal Desktop demo backend on ${esc(ctx.backend)}, reached through Perlbal as <code>${esc(ctx.host)}</code>.</footer>
</body>
</html>
`;
}
