/*
 * test_json_pool.c — core/json_pool.c: jansson's blocks on per-thread free lists.
 *
 * A block comes back for a request of its class and not for a larger one; every block is an
 * ordinary malloc block (free() takes a pool block, the pool takes a malloc block of any size);
 * jansson trees built, encoded and freed through the pool on two threads, each freeing what the
 * other built, read back as they were written. Run under AddressSanitizer: a block given out
 * twice, too small for its request or freed wrongly is reported.
 */
#include "expect.h"

#include "core/json_out.h"
#include "core/json_pool.h"
#include "core/str.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A burst of frees keeps at most JSON_POOL_KEEP blocks a class on the thread's lists (each one
   live to malloc and holding its page resident); the rest go back to malloc. */
static void lists_are_bounded(void **state)
{
    (void)state;
    enum { N = 1000 };
    static void *p[3][N];
    static const size_t sizes[3] = {24, 100, 250}; /* classes 32, 128, 256 */
    unsigned before = json_pool_kept();
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < N; i++) {
            p[k][i] = json_pool_malloc(sizes[k]);
            assert_non_null(p[k][i]);
        }
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < N; i++)
            json_pool_free(p[k][i]);
    unsigned kept = json_pool_kept();
    assert_true(kept >= 3 * JSON_POOL_KEEP); /* each class's list is full */
    assert_true(kept <= before + 3 * JSON_POOL_KEEP);
    assert_true(kept <= 8 * JSON_POOL_KEEP); /* eight classes at most, whatever came before */
}

static void blocks_are_reused_by_class(void **state)
{
    (void)state;
    void *a = json_pool_malloc(40); /* class 64 */
    assert_non_null(a);
    assert_true(malloc_usable_size(a) >= 40);
    memset(a, 0x5a, 40);
    json_pool_free(a);
    void *b = json_pool_malloc(64); /* same class: the block just freed */
    assert_ptr_equal(a, b);
    memset(b, 0x5a, 64);
    json_pool_free(b);
    void *c = json_pool_malloc(65); /* next class: not that block */
    assert_ptr_not_equal(c, b);
    assert_true(malloc_usable_size(c) >= 65);
    memset(c, 0x5a, 65);
    free(c); /* a pool block is a malloc block */
    void *big = malloc(1000);
    json_pool_free(big); /* and the pool takes any malloc block */
    void *odd = malloc(3);
    json_pool_free(odd);
    void *large = json_pool_malloc(5000);
    assert_non_null(large);
    memset(large, 1, 5000);
    json_pool_free(large);
    json_pool_free(NULL);
    void *zero = json_pool_malloc(0);
    assert_non_null(zero);
    json_pool_free(zero);
}

/* The text of a tree made from n (all sizes of strings up to 300 bytes, nested objects). */
static json_t *tree(int n)
{
    json_t *o = json_object();
    char s[301];
    for (int i = 0; i <= 300; i++) {
        memset(s, 'a' + (char)((i + n) % 26), (size_t)i);
        s[i] = '\0';
        char k[16];
        (void)str_fmt(k, sizeof k, "k%d", i);
        json_object_set_new(o, k, json_pack("{s:s, s:i, s:[s, n]}", "s", s, "n", i + n, "a", s));
    }
    return o;
}

static json_t *built[2];

static void *swap_and_build(void *arg)
{
    int me = (int)(size_t)arg;
    json_t *mine = tree(me);
    char *want = json_dumps(mine, JSON_COMPACT | JSON_SORT_KEYS);
    for (int round = 0; round < 20; round++) {
        json_t *again = tree(me);
        char *got = json_compact_sorted(again, NULL);
        if (!got || strcmp(got, want) != 0)
            abort();
        free(got); /* made by the pool's malloc, freed by free() */
        json_decref(again);
    }
    free(want);
    built[me] = mine;
    return NULL;
}

static void trees_on_two_threads(void **state)
{
    (void)state;
    json_set_alloc_funcs(json_pool_malloc, json_pool_free);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, swap_and_build, (void *)(size_t)i), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    /* This thread frees what the other two built (their lists went back to malloc when they
       ended), then builds again from its own lists. */
    for (int i = 0; i < 2; i++) {
        json_t *check = tree(i);
        assert_true(json_equal(check, built[i]));
        json_decref(check);
        json_decref(built[i]);
    }
    json_t *last = tree(7);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(last, "k300"), "n")), 307);
    json_decref(last);
    json_set_alloc_funcs(malloc, free);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocks_are_reused_by_class),
        cmocka_unit_test(lists_are_bounded),
        cmocka_unit_test(trees_on_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
