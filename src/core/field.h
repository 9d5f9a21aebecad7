/*
 * field.h — copying a value into a fixed field of a document or row when its length was bounded
 * before it got here, with a cut logged as the bug it is. Apart from core/str.h because it
 * logs, and core/log.c depends on core/str.c (through core/date.c): one file each way.
 */
#ifndef OSB_FIELD_H
#define OSB_FIELD_H

#include <stddef.h>

/* Copies src into the fixed field dst of n bytes when the value's length was bounded before it
   got here (record_check's max lengths on a body, the schema's, a name the server made): a
   cut then means a field sized wrong, a bug, so it is logged with what (the field's name) and
   dst holds what fitted. 0, or -1 on a cut, for a caller that can answer an error. */
int str_field(char *dst, size_t n, const char *src, const char *what);

#endif
