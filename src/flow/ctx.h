/*
 * ctx.h — what every flow receives: the connection (inside the request's transaction), the
 * acting user, "now" read once from the clock, and where the request came from.
 */
#ifndef OSB_CTX_H
#define OSB_CTX_H

#include "core/date.h"
#include "rules/perm.h"
#include "store/db.h"

struct config {
    char doc_prefix[8];
    int tz_min; /* company zone offset in minutes, +480 */
    int session_idle_hours;
    int login_fail_limit;         /* failed logins per (address, username) a minute before 429 */
    int login_fail_address_limit; /* failed logins per address a minute before 429 */
    int login_fail_user_limit;    /* failed logins per username, all addresses, a minute */
};

struct user {
    char username[40];
    char name[128];
    enum role role;
    char market[40];
    char region[40];
    char manager[40];
    char proxy_for[40];
};

struct ctx {
    struct db *db;
    const struct config *cfg;
    struct user user; /* role ROLE_NONE when anonymous */
    ts_t now;
    const char *ip;
    const char *request_id;
    bool has_if_match; /* the request carried If-Match */
    int64_t if_match;
    /* The "customer money changed" hook: billing calls it after a payment, credit note or
       allocation changed what a customer has, so that orders waiting for money are checked
       again (flows.md §2.5 rule 5-7) without billing depending on the order flow. Set by
       whoever makes the ctx (http/server.c, cli/common.c) to order_recheck_customer. */
    int (*money_changed)(struct ctx *c, const char *customer, struct osb_err *e);
    /* Notifications queued by this request and not yet written (flow/notify.h): while not
       NULL, notify() collects into it and notify_flush() writes them all at once. */
    json_t *notes;
};

/* The acting user as the pure scope rules see it. */
void ctx_scope_user(const struct ctx *c, struct scope_user *out);

#endif
