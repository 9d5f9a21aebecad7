/*
 * money_view.c — the one response filter for roles that must not see money
 * (rules/money_view.h): router_run() passes every JSON answer through it, so no route can
 * forget it. A field is left out by its kind (its name), wherever it is nested; a report's
 * column list loses the columns it hides.
 *
 * Exported: http_money_view().
 */
#include "http/money_view.h"

#include "rules/money_view.h"

#include <string.h>

/* A figure: a number, an object of figures (credit), or null (a figure not set). Strings
   (price_list: a code) and arrays (lines) are not figures; arrays are walked into. */
static bool figure(const json_t *v)
{
    return json_is_number(v) || json_is_object(v) || json_is_null(v);
}

static void walk(enum role r, json_t *v, bool report, bool aggregate);

static void walk_object(enum role r, json_t *o, bool report, bool aggregate)
{
    /* a report row of one customer is no aggregate; a row of a region, a month, a total is */
    bool agg = aggregate || (report && !json_object_get(o, "customer"));
    const char *k;
    json_t *x;
    void *tmp;
    json_object_foreach_safe(o, tmp, k, x)
    {
        if (figure(x) && money_view_hides(r, k, agg)) {
            json_object_del(o, k);
            continue;
        }
        walk(r, x, report, aggregate || (report && strcmp(k, "totals") == 0));
    }
}

static void walk(enum role r, json_t *v, bool report, bool aggregate)
{
    if (json_is_object(v)) {
        walk_object(r, v, report, aggregate);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v);) {
            json_t *x = json_array_get(v, i);
            /* a report's column {"key": "amount_fen", ...} goes with its values */
            const char *key = json_string_value(json_object_get(x, "key"));
            if (report && key && json_object_get(x, "title_zh") &&
                money_view_hides(r, key, aggregate)) {
                json_array_remove(v, i);
                continue;
            }
            walk(r, x, report, aggregate);
            i++;
        }
    }
}

void http_money_view(enum role r, const char *path, json_t *answer)
{
    if (!answer || money_view_of(r) == MONEY_VIEW_ALL)
        return;
    bool report = strncmp(path, "/reports/", 9) == 0 || strncmp(path, "/kpis", 5) == 0;
    walk(r, answer, report, false);
}
