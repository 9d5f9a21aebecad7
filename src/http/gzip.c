/*
 * gzip.c — gzip (zlib) for answers, ETags and If-None-Match, and the cache of the web UI's
 * static files in their gzip form (compressed at the first request that asks for it, kept
 * while the file's size, modification time and inode stay the same: an edited file is
 * compressed again).
 *
 * Exported: http_accepts_gzip(), http_etag_matches(), http_gzip(), http_etag_of(),
 * http_file_etag(), http_file_gzip().
 */
#include "http/gzip.h"

#include "core/sb.h"
#include "core/str.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

bool http_accepts_gzip(const char *ae)
{
    if (!ae)
        return false;
    const char *p = ae;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ')
            p++;
        size_t len = (size_t)(p - tok);
        bool gz = (len == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
                  (len == 6 && strncasecmp(tok, "x-gzip", 6) == 0);
        /* parameters: only q=0 (or 0.0…) refuses */
        bool refused = false;
        while (*p && *p != ',') {
            if (*p == ';') {
                p++;
                while (*p == ' ')
                    p++;
                if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
                    const char *q = p + 2;
                    refused = q[0] == '0';
                    for (q++; refused && *q && *q != ',' && *q != ';' && *q != ' '; q++)
                        if (*q != '.' && *q != '0')
                            refused = false;
                }
                continue;
            }
            p++;
        }
        if (gz && !refused)
            return true;
    }
    return false;
}

bool http_etag_matches(const char *inm, const char *etag)
{
    if (!inm || !etag)
        return false;
    size_t el = strlen(etag);
    /* etag is "…" with its quotes; compare what is inside */
    if (el < 2)
        return false;
    const char *inner = etag + 1;
    size_t il = el - 2;
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"') {
            while (*p && *p != ',')
                p++;
            continue;
        }
        const char *s = ++p;
        while (*p && *p != '"')
            p++;
        size_t l = (size_t)(p - s);
        if (*p == '"')
            p++;
        if ((l == il && memcmp(s, inner, il) == 0) ||
            (l == il + 3 && memcmp(s, inner, il) == 0 && memcmp(s + il, "-gz", 3) == 0))
            return true;
    }
    return false;
}

bool http_gzip(const void *in, size_t n, unsigned char **out, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip header and trailer, not zlib's */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    uLong cap = deflateBound(&z, (uLong)n);
    unsigned char *buf = xmalloc(cap ? cap : 1);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t got = (size_t)z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || got >= n) {
        free(buf);
        return false;
    }
    *out = buf;
    *out_len = got;
    return true;
}

void http_etag_of(const void *in, size_t n, char buf[20])
{
    unsigned char h[8];
    crypto_generichash(h, sizeof h, in, n, NULL, 0);
    static const char hex[] = "0123456789abcdef";
    buf[0] = '"';
    for (int i = 0; i < 8; i++) {
        buf[1 + 2 * i] = hex[h[i] >> 4];
        buf[2 + 2 * i] = hex[h[i] & 15];
    }
    buf[17] = '"';
    buf[18] = '\0';
}

void http_file_etag(const struct stat *st, char *buf, size_t n)
{
    if (str_fmt(buf, n, "\"%llx-%llx-%llx\"", (unsigned long long)st->st_size,
                (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
                    (unsigned long long)st->st_mtim.tv_nsec,
                (unsigned long long)st->st_ino) < 0 &&
        n)
        buf[0] = '\0';
}

/* ---- the static files' gzip forms ------------------------------------------------------- */

struct gz_entry {
    char *path;
    off_t size;
    struct timespec mtime;
    ino_t ino;
    unsigned char *gz; /* NULL: the file does not shrink */
    size_t gz_len;
};

static pthread_mutex_t gz_mu = PTHREAD_MUTEX_INITIALIZER;
static struct gz_entry *gz_cache;
static size_t gz_n, gz_cap;

static bool same_file(const struct gz_entry *g, const struct stat *st)
{
    return g->size == st->st_size && g->mtime.tv_sec == st->st_mtim.tv_sec &&
           g->mtime.tv_nsec == st->st_mtim.tv_nsec && g->ino == st->st_ino;
}

static bool read_all(int fd, size_t n, unsigned char *buf)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

bool http_file_gzip(const char *path, int fd, const struct stat *st, unsigned char **out,
                    size_t *out_len)
{
    if (st->st_size < HTTP_GZIP_MIN || st->st_size > 64 * 1024 * 1024)
        return false;
    pthread_mutex_lock(&gz_mu);
    struct gz_entry *g = NULL;
    for (size_t i = 0; i < gz_n; i++)
        if (strcmp(gz_cache[i].path, path) == 0) {
            g = &gz_cache[i];
            break;
        }
    if (!g) {
        if (gz_n == gz_cap) {
            gz_cap = gz_cap ? 2 * gz_cap : 64;
            gz_cache = xrealloc(gz_cache, gz_cap * sizeof *gz_cache);
        }
        g = &gz_cache[gz_n++];
        memset(g, 0, sizeof *g);
        g->path = xstrdup(path);
        g->size = -1;
    }
    if (!same_file(g, st)) {
        free(g->gz);
        g->gz = NULL;
        g->gz_len = 0;
        size_t n = (size_t)st->st_size;
        unsigned char *raw = xmalloc(n);
        if (read_all(fd, n, raw) && http_gzip(raw, n, &g->gz, &g->gz_len)) {
            /* kept */
        }
        free(raw);
        g->size = st->st_size;
        g->mtime = st->st_mtim;
        g->ino = st->st_ino;
    }
    bool ok = false;
    if (g->gz) {
        *out = xmalloc(g->gz_len);
        memcpy(*out, g->gz, g->gz_len);
        *out_len = g->gz_len;
        ok = true;
    }
    pthread_mutex_unlock(&gz_mu);
    return ok;
}
