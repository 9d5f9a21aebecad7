/*
 * field.c — str_field (field.h).
 */
#include "core/field.h"

#include "core/log.h"
#include "core/str.h"

#include <string.h>

int str_field(char *dst, size_t n, const char *src, const char *what)
{
    if (str_copy(dst, n, src) == 0)
        return 0;
    log_error("field %s: a value of %zu bytes cut to %zu (the field is sized wrong)",
              what ? what : "?", src ? strlen(src) : 0, n ? n - 1 : 0);
    return -1;
}
