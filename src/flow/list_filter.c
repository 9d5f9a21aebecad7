/*
 * list_filter.c — q= and state= over a list answer built in memory (see list_filter.h).
 *
 * Exported: list_filter_items(), list_text_matches().
 */
#include "flow/list_filter.h"

#include <ctype.h>
#include <string.h>

bool list_text_matches(const char *s, const char *q)
{
    if (!q || !*q)
        return true;
    if (!s)
        return false;
    size_t n = strlen(q);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && tolower((unsigned char)s[i]) == tolower((unsigned char)q[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static bool state_in(const char *state, const char *states)
{
    if (!states || !*states)
        return true;
    if (!state)
        return false;
    size_t l = strlen(state);
    for (const char *p = states; *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == l && strncmp(p, state, l) == 0)
            return true;
        if (!c)
            break;
        p = c + 1;
    }
    return false;
}

static bool item_matches(json_t *it, const char *q, const char *const *keys)
{
    if (!q || !*q)
        return true;
    if (keys) {
        for (const char *const *k = keys; *k; k++)
            if (list_text_matches(json_string_value(json_object_get(it, *k)), q))
                return true;
        return false;
    }
    const char *k;
    json_t *v;
    json_object_foreach(it, k, v)
    {
        if (json_is_string(v) && list_text_matches(json_string_value(v), q))
            return true;
    }
    return false;
}

void list_filter_items(json_t *out, const char *q, const char *states, const char *const *keys)
{
    json_t *items = json_object_get(out, "items");
    if (!json_is_array(items) || ((!q || !*q) && (!states || !*states)))
        return;
    for (size_t i = json_array_size(items); i-- > 0;) {
        json_t *it = json_array_get(items, i);
        if (!json_is_object(it) ||
            !state_in(json_string_value(json_object_get(it, "state")), states) ||
            !item_matches(it, q, keys))
            json_array_remove(items, i);
    }
}
