/*
 * masterdata.c (http) — markets, regions, users, customers, products, warehouses: the same five
 * calls for each (create, list, get, patch, history), plus CSV imports and a customer's credit.
 * Each handler names its collection and hands over to flow/masterdata.c.
 */
#include "flow/masterdata.h"
#include "http/handlers.h"
#include "store/masterdata.h"

#include <microhttpd.h>
#include <string.h>

static int create(struct req *r, const struct record_def *d, struct osb_err *e)
{
    json_t *out;
    if (md_create(&r->ctx, d, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

static int get(struct req *r, const struct record_def *d, struct osb_err *e)
{
    json_t *out;
    if (md_get(&r->ctx, d, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

static int patch(struct req *r, const struct record_def *d, struct osb_err *e)
{
    json_t *out;
    if (md_patch(&r->ctx, d, r->params[0], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

static int history(struct req *r, const struct record_def *d, struct osb_err *e)
{
    json_t *out;
    if (md_history(&r->ctx, d, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

struct qcollect {
    const char *names[16];
    const char *values[16];
    size_t n;
    const char *bad;
};

static int collect(void *cls, const char *key, const char *value)
{
    struct qcollect *q = cls;
    if (strcmp(key, "limit") == 0 || strcmp(key, "cursor") == 0)
        return 0;
    if (q->n == 16) {
        q->bad = key;
        return 1;
    }
    q->names[q->n] = key;
    q->values[q->n] = value ? value : "";
    q->n++;
    return 0;
}

static int list(struct req *r, const struct record_def *d, struct osb_err *e)
{
    struct qcollect qc = {0};
    req_args_each(r, collect, &qc);
    if (qc.bad)
        return err_bad(e, qc.bad, "too many query parameters");
    struct md_query q = {qc.names, qc.values, qc.n, req_query(r, "cursor"), 50};
    if (req_limit(r, &q.limit, e) < 0)
        return -1;
    json_t *out;
    if (md_list(&r->ctx, d, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

/* One handler a line. */
/* clang-format off */
#define MD_DEF(name, def)                                                                      \
    int h_##name##_create(struct req *r, struct osb_err *e) { return create(r, &def, e); }     \
    int h_##name##_list(struct req *r, struct osb_err *e) { return list(r, &def, e); }         \
    int h_##name##_get(struct req *r, struct osb_err *e) { return get(r, &def, e); }           \
    int h_##name##_patch(struct req *r, struct osb_err *e) { return patch(r, &def, e); }       \
    int h_##name##_history(struct req *r, struct osb_err *e) { return history(r, &def, e); }
/* clang-format on */

MD_DEF(markets, rd_market)
MD_DEF(regions, rd_region)
MD_DEF(users, rd_user)
MD_DEF(customers, rd_customer)
MD_DEF(products, rd_product)
MD_DEF(warehouses, rd_warehouse)

static int import(struct req *r, const struct record_def *d, struct osb_err *e)
{
    json_t *out;
    if (md_import(&r->ctx, d, r->body ? r->body : "", r->body_len, &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

/* One handler a line. */
/* clang-format off */
int h_customers_import(struct req *r, struct osb_err *e) { return import(r, &rd_customer, e); }
int h_products_import(struct req *r, struct osb_err *e) { return import(r, &rd_product, e); }
/* clang-format on */

int h_customer_credit(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (md_get(&r->ctx, &rd_customer, r->params[0], &out, e) < 0)
        return -1;
    json_t *credit = json_object_get(out, "credit");
    if (!credit) {
        json_decref(out);
        return err_forbidden(e, "role", "the role may not see credit figures");
    }
    json_incref(credit);
    json_decref(out);
    resp_json(r, 200, credit);
    return 0;
}
