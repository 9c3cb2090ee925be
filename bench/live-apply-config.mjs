// The config that live-apply changes again and again: selector -> reverse_proxy -> a pool,
// with a web_server and its VHOST coming and going. Shared by bench/live-apply.mjs and its
// short version in npm test (test/integration/hardening/live-apply.test.ts).

/**
 * @param {{ port: number, nodes: string[], persist: boolean, maxUses: number, cache: number,
 *   header: boolean, extraService: boolean }} v  what this apply sets (port 0: any free port)
 * @param {string} docroot  the web_server's docroot
 * @returns {string}
 */
export function liveApplyConfig(v, docroot) {
  return [
    'LOAD Vhosts',
    'CREATE POOL web_pool',
    ...v.nodes.map((n) => `  POOL web_pool ADD ${n}`),
    'CREATE SERVICE web_proxy',
    '  SET role = reverse_proxy',
    '  SET pool = web_pool',
    `  SET persist_backend = ${v.persist ? 'on' : 'off'}`,
    `  SET max_backend_uses = ${v.maxUses}`,
    `  SET backend_persist_cache = ${v.cache}`,
    ...(v.header ? ['  HEADER web_proxy insert X-Applied: yes'] : []),
    'ENABLE web_proxy',
    ...(v.extraService
      ? [
          'CREATE SERVICE web_stat',
          '  SET role = web_server',
          `  SET docroot = ${docroot}`,
          'ENABLE web_stat',
        ]
      : []),
    'CREATE SERVICE ss',
    '  SET role = selector',
    `  SET listen = 127.0.0.1:${v.port}`,
    '  SET persist_client = on',
    '  SET plugins = vhosts',
    '  VHOST *.lj.localhost = web_proxy',
    ...(v.extraService ? ['  VHOST stat.lj.localhost = web_stat'] : []),
    'ENABLE ss',
    '',
  ].join('\n');
}
