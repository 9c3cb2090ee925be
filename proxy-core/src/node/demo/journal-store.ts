/**
 * The demo journal's data: a few users and entries in memory, seeded at start and added to
 * by the "post an entry" form. Nothing is written to disk except uploaded photos, which live
 * in a temporary folder removed when the demo stops.
 */

export interface Photo {
  /** `demo`: a file in resources/demo, fetched by X-REPROXY-URL; `upload`: a file on disk, sent by X-REPROXY-FILE. */
  kind: 'demo' | 'upload';
  /** The file name (demo) or the upload's id (upload). */
  name: string;
  type: string;
}

export interface Entry {
  id: number;
  user: string;
  subject: string;
  body: string;
  time: Date;
  photo?: Photo;
}

export interface User {
  name: string;
  title: string;
  /** The userpic file in resources/demo, sent by X-REPROXY-FILE. */
  userpic: string;
}

export const USERS: readonly User[] = [
  { name: 'frank', title: "Frank's journal", userpic: 'userpic-frank.png' },
  { name: 'system', title: 'System announcements', userpic: 'userpic-system.gif' },
];

export function findUser(name: string): User | undefined {
  return USERS.find((u) => u.name === name);
}

export class JournalStore {
  readonly #entries: Entry[] = [];
  #nextId = 1;

  constructor(now = new Date()) {
    const minutes = (n: number): Date => new Date(now.getTime() - n * 60_000);
    this.add({
      user: 'system',
      subject: 'Welcome to your local LiveJournal',
      body: 'This site is a small demo backend. Every page you see travelled through Perlbal Desktop: the selector picked web_proxy by its VHOST rule, and web_proxy forwarded the request here.',
      time: minutes(90),
    });
    this.add({
      user: 'frank',
      subject: 'Evening at the lake',
      body: 'The picture below is not in this backend: the backend answered with X-REPROXY-URL, and Perlbal fetched the image from the static server itself.',
      time: minutes(30),
      photo: { kind: 'demo', name: 'photo-mountains.png', type: 'image/png' },
    });
  }

  add(e: Omit<Entry, 'id' | 'time'> & { time?: Date }): Entry {
    const entry: Entry = { ...e, id: this.#nextId++, time: e.time ?? new Date() };
    this.#entries.push(entry);
    return entry;
  }

  /** Newest first; one user's, or everyone's. */
  list(user?: string): Entry[] {
    return this.#entries.filter((e) => !user || e.user === user).sort((a, b) => b.time.getTime() - a.time.getTime() || b.id - a.id);
  }
}
