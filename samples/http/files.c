/*
 * samples/http/files.c: the files under the root of samples/http-server
 * (see files.h).
 */
#define _GNU_SOURCE
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#if defined(SYS_openat2) && defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2 1
#endif
#endif
#endif

static int root = -1; /* a descriptor of the root directory, or -1 */
static int beneath;   /* openat2 with RESOLVE_BENEATH works here */

/*
 * Files are opened beneath the root's descriptor so that nothing outside
 * the root can be reached: with openat2 and RESOLVE_BENEATH where the
 * kernel has it, else by a walk of the path that opens one component at
 * a time with O_NOFOLLOW. Both follow a symbolic link only when it
 * resolves beneath the root, and only when it is relative (an absolute
 * link names a place on the host, not under the root). Every open is
 * nonblocking, so that a FIFO or a device opens at once (and is then
 * refused: only regular files are served).
 */
#define OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define AT(dir) ((dir) >= 0 ? (dir) : root)

/* openat2 beneath the root: a descriptor, or -1 and errno. */
static int open_beneath(const char *rel)
{
#ifdef HAVE_OPENAT2
    struct open_how how;

    memset(&how, 0, sizeof how);
    how.flags = OPEN_FLAGS;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, root, rel, &how, sizeof how);
#else
    (void)rel;
    errno = ENOSYS;
    return -1;
#endif
}

/* The directories of path (names that are not links, separated by
 * slashes), opened one by one from the root: the last one's
 * descriptor, or -1. */
static int open_dirs(const char *path)
{
    char names[PATH_MAX];
    char *name, *save = NULL;
    int dir = -1, fd;

    if (strlen(path) >= sizeof names)
        return -1;
    strcpy(names, path);
    for (name = strtok_r(names, "/", &save); name != NULL;
         name = strtok_r(NULL, "/", &save)) {
        fd = openat(AT(dir), name, DIR_FLAGS);
        if (dir >= 0)
            close(dir);
        if (fd < 0)
            return -1;
        dir = fd;
    }
    return dir;
}

/*
 * Where openat2 is missing: walk rel (relative to the root) from the
 * root's descriptor, one component at a time, each opened with
 * O_NOFOLLOW. A component that will not open and is a symbolic link is
 * read, and its target walked in its place from the directory that
 * holds it: an absolute target, a ".." that would climb above the root,
 * or more than 40 links fail, as under RESOLVE_BENEATH. `done` is the
 * path walked so far, of real directories only, so that ".." is that
 * path without its last name (opened again from the root). A
 * descriptor, or -1.
 */
static int open_walk(const char *rel)
{
    char todo[2 * PATH_MAX], target[PATH_MAX], done[PATH_MAX];
    size_t dlen = 0, rest, k;
    char *p = todo, *name;
    int dir = -1; /* the directory `done` names; -1: the root */
    int fd = -1, links = 0, last;
    ssize_t n;

    if (strlen(rel) >= sizeof todo)
        return -1;
    strcpy(todo, rel);
    done[0] = '\0';
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0') { /* the path ends at a directory: that one */
            fd = openat(AT(dir), ".", OPEN_FLAGS);
            break;
        }
        name = p;
        p += strcspn(p, "/");
        last = *p == '\0';
        if (!last)
            *p++ = '\0';
        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            if (dlen == 0)
                break; /* above the root */
            /* Up: `done` without its last name. */
            while (dlen > 0 && done[dlen - 1] != '/')
                dlen--;
            if (dlen > 0)
                dlen--; /* and the slash before it */
            done[dlen] = '\0';
            if (dir >= 0)
                close(dir);
            dir = dlen > 0 ? open_dirs(done) : -1;
            if (dlen > 0 && dir < 0)
                break;
            continue;
        }
        fd = openat(AT(dir), name, last ? OPEN_FLAGS | O_NOFOLLOW : DIR_FLAGS);
        if (fd >= 0) {
            if (last)
                break;
            k = strlen(name);
            if (dlen + 1 + k >= sizeof done) {
                close(fd);
                fd = -1;
                break;
            }
            if (dlen > 0)
                done[dlen++] = '/';
            memcpy(done + dlen, name, k + 1);
            dlen += k;
            if (dir >= 0)
                close(dir);
            dir = fd;
            fd = -1;
            continue;
        }
        /* Not opened: a link to follow, or the end. */
        n = readlinkat(AT(dir), name, target, sizeof target);
        if (n <= 0 || (size_t)n == sizeof target || target[0] == '/' ||
            ++links > 40)
            break;
        /* Its target, then what was left after it (with the slash
         * between them: "link/" names a directory). */
        rest = strlen(p);
        if ((size_t)n + 1 + rest >= sizeof todo)
            break;
        if (!last) {
            memmove(todo + n + 1, p, rest + 1);
            todo[n] = '/';
        } else {
            todo[n] = '\0';
        }
        memcpy(todo, target, (size_t)n);
        p = todo;
    }
    if (dir >= 0)
        close(dir);
    return fd;
}

/* Open rel beneath the root, one way or the other. */
static int open_rel(const char *rel)
{
    int fd;

    if (beneath) {
        fd = open_beneath(rel);
        if (fd >= 0 || errno != ENOSYS)
            return fd;
    }
    return open_walk(rel);
}

/* (A path with a ".." segment is refused outright.) */
int files_open(const char *path, long long *size)
{
    char rel[PATH_MAX];
    struct stat st;
    const char *p;
    size_t n;
    int fd;

    if (root < 0)
        return -1;
    for (p = path; *p != '\0'; p += n) {
        while (*p == '/')
            p++;
        n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return -1;
    }
    while (*path == '/')
        path++;
    n = (size_t)snprintf(rel, sizeof rel, "%s", *path != '\0' ? path : ".");
    if (n >= sizeof rel)
        return -1;
    fd = open_rel(rel);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd); /* a directory: its index.html, from the root again */
        if (n + 12 > sizeof rel)
            return -1;
        strcpy(rel + n, "/index.html");
        fd = open_rel(rel);
    }
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd); /* a FIFO, a device, a socket, a directory */
        return -1;
    }
    *size = (long long)st.st_size;
    return fd;
}

int files_root_open(const char *dir)
{
    int fd;

    files_root_close();
    root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -1;
    /* openat2 where the kernel has it (and a sandbox lets it through). */
    beneath = 1;
    fd = open_beneath(".");
    if (fd >= 0)
        close(fd);
    else if (errno == ENOSYS || errno == EPERM)
        beneath = 0;
    return 0;
}

void files_root_close(void)
{
    if (root >= 0)
        close(root);
    root = -1;
}

int files_have_root(void)
{
    return root >= 0;
}

const char *files_mime(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".css", "text/css"},
        {".js", "text/javascript"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".svg", "image/svg+xml"},
    };
    const char *dot = strrchr(path, '.');
    size_t i;

    for (i = 0; dot != NULL && i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}
