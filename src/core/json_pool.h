/*
 * json_pool.h — jansson's small blocks kept on per-thread free lists (json_pool.c says why).
 */
#ifndef OSB_JSON_POOL_H
#define OSB_JSON_POOL_H

#include <stddef.h>

/* Makes jansson allocate through json_pool_malloc / json_pool_free. Call it first in main(),
   before any jansson value exists. Does nothing in a build with AddressSanitizer (its checks of
   jansson's blocks would not see a block reused from a list). */
void json_pool_install(void);

/* A block of at least n bytes; every block is an ordinary malloc block (free() may free it,
   json_pool_free takes any malloc block). NULL when out of memory. */
void *json_pool_malloc(size_t n);
void json_pool_free(void *p);

/* The blocks the calling thread's lists hold now, all classes (at most JSON_POOL_KEEP a
   class): what the pool keeps live between requests. */
#define JSON_POOL_KEEP 128
unsigned json_pool_kept(void);

#endif
