/*
 * gzip.h — compressed answers and validators for the HTTP server: gzip (zlib) for clients that
 * send Accept-Encoding: gzip, ETags and If-None-Match for 304 answers, and the web UI's static
 * files compressed once and kept in memory while the file stays the same.
 */
#ifndef OSB_GZIP_H
#define OSB_GZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Answers smaller than this go out as they are: gzip's header would eat the gain. */
#define HTTP_GZIP_MIN 512

/* Does an Accept-Encoding header value accept gzip (and not with q=0)? */
bool http_accepts_gzip(const char *accept_encoding);

/* Does an If-None-Match header value name etag ("*", a list, weak W/ forms)? A tag that is
   etag with a "-gz" suffix inside the quotes (the gzip form's tag) matches too. */
bool http_etag_matches(const char *if_none_match, const char *etag);

/* gzip of in[0..n) into a malloc'd *out; false (nothing allocated) when zlib fails or the
   result is not smaller than the input. */
bool http_gzip(const void *in, size_t n, unsigned char **out, size_t *out_len);

/* A strong ETag of a byte string ("<16 hex digits>", quotes included) into buf[20]. */
void http_etag_of(const void *in, size_t n, char buf[20]);

/* The ETag of a static file from its stat (size, modification time, inode), quotes included. */
void http_file_etag(const struct stat *st, char *buf, size_t n);

/* The gzip form of an open static file fd (path names it in the cache): a malloc'd copy in
   *out, compressed at its first request and kept while size, mtime and inode stay the same.
   False when the file cannot be read or does not shrink. */
bool http_file_gzip(const char *path, int fd, const struct stat *st, unsigned char **out,
                    size_t *out_len);

#endif
