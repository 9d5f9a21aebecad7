/*
 * validate.c — shape rules for input strings (entities.md §0, numbering-and-rules.md §8):
 * codes, UTF-8 text, phones and the tax id (统一社会信用代码, GB 32100-2015).
 *
 * Each check answers yes or no and leaves the choice of error code to the caller. Nothing here
 * trims, copies or allocates; callers trim text(n) before checking it.
 */
#include "core/validate.h"

#include <stdint.h>
#include <string.h>

bool valid_code(const char *s)
{
    if (s == NULL)
        return false;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        char ch = s[n];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok || n >= 32)
            return false;
    }
    return n >= 1;
}

/*
 * Decodes one UTF-8 sequence at s into *cp and returns its length, or 0 when it is not
 * well-formed (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF, no stray
 * continuation bytes. The second-byte ranges below are the table of Unicode §3.9 (D92).
 */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char b0 = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        *cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        *cp = b0 & 0x0Fu;
        if (b0 == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b0 == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        *cp = b0 & 0x07u;
        if (b0 == 0xF0)
            lo = 0x90; /* overlong */
        else if (b0 == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    /* A NUL fails the range test, so a truncated sequence never reads past the terminator. */
    for (size_t i = 1; i < len; i++) {
        unsigned char b = s[i];
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
            return 0;
        *cp = (*cp << 6) | (b & 0x3Fu);
    }
    return len;
}

size_t utf8_chars(const char *s)
{
    if (s == NULL)
        return (size_t)-1;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p != '\0') {
        uint32_t cp;
        size_t len = utf8_decode(p, &cp);
        if (len == 0)
            return (size_t)-1;
        p += len;
        n++;
    }
    return n;
}

bool valid_text(const char *s, size_t max, bool allow_newline)
{
    if (s == NULL)
        return false;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p != '\0') {
        uint32_t cp;
        size_t len = utf8_decode(p, &cp);
        if (len == 0)
            return false;
        /* Control characters are Unicode's Cc: C0, DEL and C1. '\r' and '\t' are among them;
           a client sending CRLF must normalise to '\n' first. */
        bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
        if (control && !(allow_newline && cp == '\n'))
            return false;
        if (++n > max)
            return false;
        p += len;
    }
    return true;
}

bool valid_phone(const char *s)
{
    if (s == NULL)
        return false;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        char ch = s[n];
        bool ok = (ch >= '0' && ch <= '9') || ch == ' ' || ch == '+' || ch == '-' || ch == '(' ||
                  ch == ')';
        if (!ok || n >= 20)
            return false;
    }
    return n >= 5;
}

/* GB 32100-2015 character set: the digits and the capitals without I, O, S, V, Z. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char ch)
{
    const char *hit = ch != '\0' ? strchr(uscc_alphabet, ch) : NULL;
    return hit != NULL ? (int)(hit - uscc_alphabet) : -1;
}

/* The 18th character: weights 3^i mod 31, check = 31 - (sum mod 31), with 31 written as '0'. */
static bool uscc_checksum_ok(const char *s)
{
    static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = uscc_value(s[i]);
        if (v < 0)
            return false;
        sum += v * weights[i];
    }
    int check = 31 - sum % 31;
    if (check == 31)
        check = 0;
    return uscc_value(s[17]) == check;
}

enum tax_id_check tax_id_check(const char *s)
{
    if (s == NULL)
        return TAX_ID_BAD;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        char ch = s[n];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z')) || n >= 20)
            return TAX_ID_BAD;
    }
    if (n < 15)
        return TAX_ID_BAD;
    /* Anything of the right shape that is not a valid 18-character USCC (an old 15-digit
       registration number, a typo) is kept with a warning, entities.md §2.2. */
    return (n == 18 && uscc_checksum_ok(s)) ? TAX_ID_OK : TAX_ID_CHECKSUM;
}
