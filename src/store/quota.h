/*
 * quota.h (store) — the quota rows (quotas, quota_uses, quota_approvals, quota_transfers):
 * what AC reads and writes for one order line (flows.md §2.4), and the SQL of the quota flow
 * (flow/quota.c).
 */
#ifndef OSB_STORE_QUOTA_H
#define OSB_STORE_QUOTA_H

#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* What AC needs for one line. */
struct quota_facts {
    bool has_customer, has_region; /* a quota row exists */
    int64_t customer_qty, region_qty;
    int64_t transfers_in, transfers_out; /* of the region */
    int64_t used_customer, used_region;  /* active uses less what SLT approvals covered */
    int64_t approvals, approvals_used;   /* SLT extra quantities of the customer, and used */
};
/* The facts of skus[0..n) for the customer and its region, into f[0..n), one statement. */
int store_quota_facts(struct db *db, struct osb_err *e, const char *period, const char *customer,
                      const char *region, const char *const *skus, size_t n, struct quota_facts *f);

/* One use of a quota by an order line (kept, of which over_qty from SLT approvals). */
struct quota_use {
    const char *sku;
    int line_no;
    int64_t qty, over_qty;
};
/* Inserts the uses of one AC pass in one statement. */
int store_quota_uses(struct db *db, struct osb_err *e, const char *period, const char *customer,
                     const char *region, const char *document, const struct quota_use *u, size_t n);

/* "GZ(120), SZ(40)": regions other than except with unused quota of the SKU and period
   (a new string; "" when none, also on a read error, which only a notice text needs). */
char *store_quota_regions_with(struct db *db, const char *period, const char *sku,
                               const char *except);

/* ---- the quota flow (flow/quota.c) ---- */

/* Quota rows with used, remaining and approved (customer rows) or transferred (region rows):
   cond is an SQL condition on q written by the caller as a literal, with its params; limited
   to u's scope (numbering-and-rules §4); order (a literal, NULL: any); at most limit rows
   (0: all); q (NULL: none) keeps the rows whose SKU, customer code or customer name holds q
   (api.md §5.1, store_filter_q). */
json_t *store_quota_rows(struct db *db, struct osb_err *e, const struct scope_user *u,
                         const char *cond, json_t *params, const char *q, const char *order,
                         int limit);
/* The region row of period/sku/region, with its remaining figure: 1, 0 none, -1 error. */
int store_quota_region_row(struct db *db, struct osb_err *e, const char *period, const char *sku,
                           const char *region, json_t **row);
/* Does the product (what "sku"), customer or region v exist? 1 yes, 0 no, -1 error. */
int store_quota_ref(struct db *db, struct osb_err *e, const char *what, const char *v);
int store_quota_insert(struct db *db, struct osb_err *e, const char *period, const char *sku,
                       const char *customer, const char *region, int64_t qty, const char *by,
                       const char *note, int64_t now, int64_t *id);
/* qty / note NULL: unchanged. */
int store_quota_update(struct db *db, struct osb_err *e, int64_t id, json_t *qty, json_t *note,
                       int64_t now);
/* Inserts the approval and answers its row. */
int store_quota_approval_insert(struct db *db, struct osb_err *e, const char *number,
                                const char *period, const char *sku, const char *customer,
                                const char *order, int64_t extra, const char *by,
                                const char *reason, int64_t now, json_t **row);
/* Inserts the transfer and answers its row. */
int store_quota_transfer_insert(struct db *db, struct osb_err *e, const char *number,
                                const char *period, const char *sku, const char *from,
                                const char *to, int64_t qty, const char *by, const char *reason,
                                int64_t now, json_t **row);

#endif
