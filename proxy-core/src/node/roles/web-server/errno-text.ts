/**
 * Perl's `"$!"` for the errors a web server meets: glibc's strerror text, which Perlbal puts
 * in DELETE's 400 body (e.g. "Is a directory"). libuv's own messages differ, hence the table.
 */
const STRERROR: Readonly<Record<string, string>> = {
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  ENOTDIR: 'Not a directory',
  ENOTEMPTY: 'Directory not empty',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ETXTBSY: 'Text file busy',
  EXDEV: 'Invalid cross-device link',
};

export function errnoText(err: NodeJS.ErrnoException): string {
  return (err.code && STRERROR[err.code]) || err.code || err.message;
}
