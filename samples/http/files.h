/*
 * samples/http/files.h: the files samples/http-server serves, under the
 * --root directory, beyond which nothing can be reached. A path is
 * resolved beneath a descriptor of the root: by openat2 with
 * RESOLVE_BENEATH where the kernel has it (Linux 5.6), else by a walk
 * that opens one component at a time with O_NOFOLLOW. Only regular
 * files are served, and every open is nonblocking, so that none can
 * hold up a thread. The root is set once, before the loops run; the
 * threads then read it only.
 */
#ifndef SAMPLES_HTTP_FILES_H
#define SAMPLES_HTTP_FILES_H

/* Open dir as the root, in place of the one before (if any): 0, or -1
 * and errno. */
int files_root_open(const char *dir);

/* Close the root, if one is open. */
void files_root_close(void);

/* Whether a root is open. */
int files_have_root(void);

/*
 * Open the file a request's path names under the root (a directory's
 * index.html for a directory): a descriptor of a regular file, and its
 * size in *size, or -1 for a file not to serve (404): none there, none
 * beneath the root, not a regular file, a path with a ".." segment, or
 * no root.
 */
int files_open(const char *path, long long *size);

/* The Content-Type of the file at path, by its extension. */
const char *files_mime(const char *path);

#endif /* SAMPLES_HTTP_FILES_H */
