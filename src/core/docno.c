/*
 * docno.c — formatting and parsing of document numbers {prefix}{yyyymmdd}{type}{seq}
 * (numbering-and-rules.md §1).
 *
 * Only the text form lives here; allocating the next sequence number is the store's job, inside
 * the transaction that creates the document (store/seq.c). Because letters and digits alternate
 * (prefix letters, 8 date digits, type letters, seq digits), the parts split unambiguously
 * without a table of types: FH0001 and FHTZ0001 can never be confused.
 */
#include "core/docno.h"

#include "core/str.h"

#include <stdio.h>
#include <string.h>

/* Length of the run of A–Z at the start of s. */
static size_t upper_run(const char *s)
{
    size_t n = 0;
    while (s[n] >= 'A' && s[n] <= 'Z')
        n++;
    return n;
}

static size_t digit_run(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

/* A NUL-terminated run of lo..hi uppercase letters and nothing else. */
static bool upper_word(const char *s, size_t lo, size_t hi)
{
    size_t n = upper_run(s);
    return n >= lo && n <= hi && s[n] == '\0';
}

bool docno_format(char *buf, const char *prefix, date_t day, const char *type, int64_t seq)
{
    int y, m, d;
    /* The sequence starts at 1 and has 4 digits, 5 from 10000 on; a sixth digit would break the
       pinned regex, so that is an error for the caller rather than a silently odd number. */
    if (prefix == NULL || type == NULL || !upper_word(prefix, 1, 4) || !upper_word(type, 2, 4) ||
        seq < 1 || seq > 99999)
        return false;
    date_to_ymd(day, &y, &m, &d);
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR)
        return false;
    return str_fmt(buf, DOCNO_MAX, "%s%04d%02d%02d%s%04lld", prefix, y, m, d, type,
                   (long long)seq) == 0;
}

bool docno_parse(const char *s, char *prefix, date_t *day, char *type, int64_t *seq)
{
    if (s == NULL)
        return false;
    const char *p = s;

    size_t np = upper_run(p);
    if (np < 1 || np > 4)
        return false;
    const char *pre = p;
    p += np;

    if (digit_run(p) != 8)
        return false;
    int y = 0, m = 0, d = 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + (p[i] - '0');
    m = (p[4] - '0') * 10 + (p[5] - '0');
    d = (p[6] - '0') * 10 + (p[7] - '0');
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR || !date_valid_ymd(y, m, d))
        return false;
    p += 8;

    size_t nt = upper_run(p);
    if (nt < 2 || nt > 4)
        return false;
    const char *typ = p;
    p += nt;

    size_t ns = digit_run(p);
    if (ns < 4 || ns > 5 || p[ns] != '\0')
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < ns; i++)
        v = v * 10 + (p[i] - '0');
    /* Only the canonical form that docno_format writes: seq 0 was never issued, and a five-digit
       seq with a leading zero ("01234") would alias the four-digit "1234" once parsed. */
    if (v < 1 || (ns == 5 && v < 10000))
        return false;

    if (prefix != NULL) {
        memcpy(prefix, pre, np);
        prefix[np] = '\0';
    }
    if (type != NULL) {
        memcpy(type, typ, nt);
        type[nt] = '\0';
    }
    if (day != NULL)
        *day = date_from_ymd(y, m, d);
    if (seq != NULL)
        *seq = v;
    return true;
}
