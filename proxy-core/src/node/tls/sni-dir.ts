/**
 * `ssl_sni_dir`: a folder of certificates, one per site, chosen by the name the client asks
 * for (TLS SNI). The tunable and its "any file holding a key and its certificate" layout come
 * from Perlbal's unmerged SNI pull request (perlbal/Perlbal#25); we also pair a certificate
 * file with a key file next to it (`x.crt` + `x.key`, mkcert's `x.pem` + `x-key.pem`, Perlbal's
 * own `server-cert.pem` + `server-key.pem`), since that is how certificates usually arrive.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadKeyPair, pemBlocks, readTlsFile, tlsFileError, type KeyPair } from './pem-files.js';

/** One file's role in the folder. */
interface Scanned {
  file: string;
  stem: string;
  hasKey: boolean;
  hasCert: boolean;
}

/** Regular files of the folder, dotfiles skipped (editors' and tools' leftovers), sorted. */
function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const text =
      code === 'ENOENT'
        ? "the ssl_sni_dir folder doesn't exist"
        : code === 'ENOTDIR'
          ? 'ssl_sni_dir is a file, not a folder'
          : `the ssl_sni_dir folder can't be read (${code})`;
    throw tlsFileError(dir, code === 'ENOENT' ? 'missing' : 'unreadable', text, {
      syscallCode: code,
    });
  }
  return names
    .filter((n) => !n.startsWith('.'))
    .sort()
    .map((n) => path.join(dir, n))
    .filter((f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile() === true);
}

function scan(file: string): Scanned {
  const blocks = pemBlocks(readTlsFile(file, 'certificate'));
  const stem = path.basename(file).replace(/\.[^.]*$/, '');
  const scanned = { file, stem, hasKey: blocks.key !== null, hasCert: blocks.certs.length > 0 };
  if (!scanned.hasKey && !scanned.hasCert)
    throw tlsFileError(
      file,
      'not_pem',
      'holds neither a PEM certificate nor a PEM private key (every file in ssl_sni_dir must)',
    );
  return scanned;
}

/** Key-file stems that go with a certificate-file stem. */
function keyStems(stem: string): string[] {
  const out = [stem, `${stem}-key`, `${stem}_key`];
  const m = /^(.*[-_.])?(cert|crt)$/.exec(stem);
  if (m) out.push(`${m[1] ?? ''}key`);
  return out;
}

/** Every certificate in the folder with its key, checked; throws on the first bad file. */
export function loadSniDir(dir: string, now = new Date()): KeyPair[] {
  const files = listFiles(dir).map(scan);
  const keysOnly = files.filter((f) => f.hasKey && !f.hasCert);
  const claimed = new Set<Scanned>();
  const pairs: KeyPair[] = [];
  for (const f of files) {
    if (!f.hasCert) continue;
    if (f.hasKey) {
      pairs.push(loadKeyPair(f.file, f.file, now));
      continue;
    }
    const stems = keyStems(f.stem);
    const key = keysOnly.find((k) => stems.includes(k.stem));
    if (!key) {
      throw tlsFileError(
        f.file,
        'wrong_contents',
        `holds a certificate but no private key, and no key file next to it (${stems
          .slice(0, 2)
          .map((s) => `${s}.key`)
          .join(' or ')}, or put the key in the same file)`,
      );
    }
    claimed.add(key);
    pairs.push(loadKeyPair(key.file, f.file, now));
  }
  const orphan = keysOnly.find((k) => !claimed.has(k));
  if (orphan)
    throw tlsFileError(
      orphan.file,
      'wrong_contents',
      'holds a private key that no certificate file in ssl_sni_dir pairs with',
    );
  // An empty folder is fine: the default certificate answers every name until one is added.
  return pairs;
}
