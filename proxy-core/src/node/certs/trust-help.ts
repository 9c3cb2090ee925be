/**
 * How to trust the local authority, per platform and per tool, with the exact commands for
 * this authority's file. We print them rather than run them: changing a trust store needs
 * the user's password and consent, and a person should see what is being trusted.
 */
import fs from 'node:fs';

export interface TrustSection {
  id: string;
  title: string;
  lines: string[];
}

/** Double-quoted for POSIX shells and PowerShell alike (paths with `"` are not supported). */
const q = (p: string): string => `"${p}"`;

export interface TrustHelpInput {
  caFile: string;
  /** Common name of the authority: the name keychains and NSS list it under. */
  caName: string;
  /** SHA-1 thumbprint, no colons: what certutil and `security -Z` look it up by. */
  thumbprint: string;
  /** An https URL on this proxy, for the curl and git examples. */
  exampleUrl: string;
}

export function trustSections(i: TrustHelpInput): TrustSection[] {
  const ca = q(i.caFile);
  const nick = q(i.caName);
  return [
    {
      id: 'macos',
      title: 'macOS (Safari, Chrome, Edge; Firefox: see Firefox)',
      lines: [
        `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${ca}`,
        `check:  security verify-cert -c ${ca}`,
        `undo:   sudo security delete-certificate -Z ${i.thumbprint} /Library/Keychains/System.keychain`,
      ],
    },
    {
      id: 'debian',
      title: 'Debian, Ubuntu (curl, git, Python ssl, Perl; Chrome and Firefox: see below)',
      lines: [
        `sudo cp ${ca} /usr/local/share/ca-certificates/perlbal-desktop-ca.crt`,
        'sudo update-ca-certificates',
        `check:  openssl verify -CApath /etc/ssl/certs ${ca}`,
        'undo:   sudo rm /usr/local/share/ca-certificates/perlbal-desktop-ca.crt && sudo update-ca-certificates --fresh',
      ],
    },
    {
      id: 'fedora',
      title: 'Fedora, RHEL, CentOS',
      lines: [
        `sudo cp ${ca} /etc/pki/ca-trust/source/anchors/perlbal-desktop-ca.pem`,
        'sudo update-ca-trust extract',
        `check:  openssl verify -CAfile /etc/pki/tls/certs/ca-bundle.crt ${ca}`,
        'undo:   sudo rm /etc/pki/ca-trust/source/anchors/perlbal-desktop-ca.pem && sudo update-ca-trust extract',
      ],
    },
    {
      id: 'arch',
      title: 'Arch Linux, Manjaro (p11-kit)',
      lines: [
        `sudo trust anchor --store ${ca}`,
        `check:  trust list | grep -F ${nick}`,
        `undo:   sudo trust anchor --remove ${ca}`,
      ],
    },
    {
      id: 'chrome-linux',
      title: 'Chrome and Chromium on Linux (they read their own NSS store, not the system one)',
      lines: [
        'needs certutil: apt install libnss3-tools | dnf install nss-tools | pacman -S nss',
        `certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n ${nick} -i ${ca}`,
        '(snap Chromium: use -d sql:$HOME/snap/chromium/current/.pki/nssdb)',
        `undo:   certutil -d sql:$HOME/.pki/nssdb -D -n ${nick}`,
      ],
    },
    {
      id: 'windows',
      title: 'Windows (Chrome, Edge; Firefox: see Firefox), in cmd or PowerShell',
      lines: [
        `certutil -user -addstore Root ${ca}        (Windows asks you to confirm)`,
        `or:     Import-Certificate -FilePath ${ca} -CertStoreLocation Cert:\\CurrentUser\\Root`,
        `check:  certutil -user -verifystore Root ${i.thumbprint}`,
        `undo:   certutil -user -delstore Root ${i.thumbprint}`,
      ],
    },
    {
      id: 'wsl',
      title: 'WSL with a browser on Windows (the browser uses the Windows store), from inside WSL',
      lines: [
        `cp ${ca} /mnt/c/Users/Public/perlbal-desktop-ca.crt`,
        "certutil.exe -user -addstore Root 'C:\\Users\\Public\\perlbal-desktop-ca.crt'",
        `check:  certutil.exe -user -verifystore Root ${i.thumbprint}`,
        'Tools inside WSL (curl, git, node) follow the Linux steps. WSL 2 forwards localhost, so',
        'https://<name>.localhost:<port>/ in the Windows browser reaches a proxy listening on 127.0.0.1.',
      ],
    },
    {
      id: 'firefox',
      title: 'Firefox (keeps its own store on every platform)',
      lines: [
        'Windows, macOS: about:config -> security.enterprise_roots.enabled = true, then restart Firefox;',
        '  it then trusts what you added to the system store above.',
        'Linux, each profile (Firefox closed; needs certutil, see Chrome on Linux):',
        `  for d in ~/.mozilla/firefox/*/ ~/snap/firefox/common/.mozilla/firefox/*/; do [ -f "$d/cert9.db" ] && certutil -d "sql:$d" -A -t "C,," -n ${nick} -i ${ca}; done`,
        'Any platform, by hand: Settings -> Privacy & Security -> Certificates -> View Certificates ->',
        '  Authorities -> Import, and tick "Trust this CA to identify websites" (without it nothing changes).',
        `Managed: policies.json {"policies": {"Certificates": {"Install": [${JSON.stringify(i.caFile)}]}}}`,
      ],
    },
    {
      id: 'tools',
      title: 'Tools with their own list of authorities',
      lines: [
        `Node.js:   export NODE_EXTRA_CA_CERTS=${ca}   (adds to Node's list; read when node starts)`,
        `curl:      curl --cacert ${ca} ${i.exampleUrl}`,
        `           export CURL_CA_BUNDLE=${ca}`,
        `git:       git config --global http.${i.exampleUrl}.sslCAInfo ${ca}   (this URL only)`,
        `           git config --global http.sslCAInfo ${ca}   or   export GIT_SSL_CAINFO=${ca}`,
        `Python:    export REQUESTS_CA_BUNDLE=${ca}   (requests: it ignores the system store)`,
        `           export SSL_CERT_FILE=${ca}        (ssl, urllib, httpx, aiohttp)`,
        `Perl LWP:  export PERL_LWP_SSL_CA_FILE=${ca}   (older LWP and Crypt::SSLeay: HTTPS_CA_FILE)`,
        "Every variable except NODE_EXTRA_CA_CERTS replaces the tool's list, so other HTTPS sites fail",
        'in that tool. Once the system store trusts the authority, curl, git, Python ssl and Perl read',
        'it from there and need no variable; Node and requests still need theirs.',
      ],
    },
  ];
}

/** Which sections fit this machine first: its platform, its Linux family, WSL. */
export function sectionsForThisMachine(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') return ['macos', 'firefox', 'tools'];
  if (platform === 'win32') return ['windows', 'firefox', 'tools'];
  const osRelease = readText('/etc/os-release');
  const ids = /^(?:ID|ID_LIKE)=(.*)$/gm;
  const family = [...osRelease.matchAll(ids)].map((m) => m[1]!.replace(/"/g, '')).join(' ');
  const distro = /debian|ubuntu/.test(family)
    ? 'debian'
    : /fedora|rhel|centos/.test(family)
      ? 'fedora'
      : /arch/.test(family)
        ? 'arch'
        : 'debian';
  const wsl = /microsoft/i.test(readText('/proc/version'));
  return [distro, 'chrome-linux', 'firefox', ...(wsl ? ['wsl'] : []), 'tools'];
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function formatSections(sections: readonly TrustSection[]): string {
  return sections
    .map((s) => [`${s.title}:`, ...s.lines.map((l) => `  ${l}`)].join('\n'))
    .join('\n\n');
}
