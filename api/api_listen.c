/* api_listen.c -- the API's Unix-domain listening socket (api_socket): nginx on the same host
 * reaches the API without loopback TCP. A socket file left by a process that died is replaced;
 * one a live server answers on is not taken over. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "api.h"

/* 0 when path fits a sockaddr_un (with its NUL) into sa. */
static int unix_addr(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof sa->sun_path)
        return -1;
    memcpy(sa->sun_path, path, n + 1);
    return 0;
}

/* The directory of path made 0700 when it is missing (an existing one is left as it is: it
 * may be shared, such as /run). */
static void make_parent(const char *path)
{
    char dir[sizeof((struct sockaddr_un *)0)->sun_path];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return; /* bind() reports what is wrong */
}

/* What is at path now: 0 nothing (or a stale socket, removed), 1 a live server, -1 something
 * that is not a socket (never removed). */
static int clear_stale(const char *path, const struct sockaddr_un *sa)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    if (!S_ISSOCK(st.st_mode))
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    int live = connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0;
    int refused = !live && (errno == ECONNREFUSED || errno == ENOENT);
    close(fd);
    if (live)
        return 1;
    if (refused) /* nobody listens: the file of a process that is gone */
        unlink(path);
    return 0;
}

int api_listen_unix(struct api_server *srv, const char *path, char *err, size_t errsz)
{
    struct sockaddr_un sa;
    if (unix_addr(path, &sa)) {
        snprintf(err, errsz, "api_socket must be 1-%zu bytes", sizeof sa.sun_path - 1);
        return -1;
    }
    make_parent(path);
    int what = clear_stale(path, &sa);
    if (what) {
        snprintf(err, errsz, "%s",
                 what > 0 ? "a server already listens on api_socket"
                          : "api_socket names a file that is not a socket");
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct stat st;
    /* No connection can arrive before listen(): the mode is set first (nginx's workers run as
     * the same account or group). */
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || chmod(path, 0660) != 0 ||
        stat(path, &st) != 0 || listen(fd, SOMAXCONN) != 0) {
        snprintf(err, errsz, "api_socket %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    srv->listen_dev = st.st_dev;
    srv->listen_ino = st.st_ino;
    snprintf(srv->listen_path, sizeof srv->listen_path, "%s", path);
    return fd;
}

void api_listen_unix_remove(struct api_server *srv)
{
    struct stat st;
    /* Only the file this process bound: a newer process may already have replaced it. */
    if (srv->listen_path[0] && lstat(srv->listen_path, &st) == 0 && st.st_dev == srv->listen_dev &&
        st.st_ino == srv->listen_ino)
        unlink(srv->listen_path);
    srv->listen_path[0] = '\0';
}
