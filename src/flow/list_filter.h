/*
 * list_filter.h — api.md §5.1 "every list accepts q= and state=" for the lists that are built
 * whole in memory (no paging through SQL: credit grades, POP allocations, aging, the call
 * list, the work queue, the report catalogue): the answer's "items" are kept when they match.
 */
#ifndef OSB_FLOW_LIST_FILTER_H
#define OSB_FLOW_LIST_FILTER_H

#include <jansson.h>
#include <stdbool.h>

/* Keeps the items of out["items"] (an array of objects) for which q (NULL or "" for any) is a
   case-insensitive substring of one of the string fields named in keys (NULL-terminated; NULL
   keys: every string field of the item), and whose "state" is one of states (a comma-separated
   list; NULL or "" for any). */
void list_filter_items(json_t *out, const char *q, const char *states, const char *const *keys);

/* Is q a case-insensitive (ASCII) substring of s? q NULL or "" matches everything. */
bool list_text_matches(const char *s, const char *q);

#endif
