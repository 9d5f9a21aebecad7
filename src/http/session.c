/*
 * session.c (http) — POST /login, POST /logout, GET /me.
 */
#include "flow/session.h"
#include "flow/list_filter.h"
#include "flow/masterdata.h"
#include "flow/queue.h"
#include "http/handlers.h"

#include <stdlib.h>

int h_login(struct req *r, struct osb_err *e)
{
    char *token;
    json_t *user;
    if (session_login(&r->ctx, req_body(r), &token, &user, e) < 0)
        return -1;
    resp_json(r, 200, json_pack("{ss so}", "token", token, "user", user));
    free(token);
    return 0;
}

int h_logout(struct req *r, struct osb_err *e)
{
    if (session_logout(&r->ctx, r->token, e) < 0)
        return -1;
    r->status = 204;
    return 0;
}

int h_me(struct req *r, struct osb_err *e)
{
    (void)e;
    const struct user *u = &r->ctx.user;
    /* proxy_for: the SLT member this user signs for as secretary (the UI offers proxy
       signatures with it); can: what the UI offers beyond documents (rules/perm.h), so the
       web holds no copy of the permissions matrix. */
    const char *caps[32];
    size_t n = perm_caps(u->role, caps, sizeof caps / sizeof caps[0]);
    json_t *can = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(can, json_string(caps[i]));
    resp_json(r, 200,
              json_pack("{ss ss ss so so so so}", "username", u->username, "name", u->name, "role",
                        role_str(u->role), "market",
                        u->market[0] ? json_string(u->market) : json_null(), "region",
                        u->region[0] ? json_string(u->region) : json_null(), "proxy_for",
                        u->proxy_for[0] ? json_string(u->proxy_for) : json_null(), "can", can));
    return 0;
}

int h_me_queue(struct req *r, struct osb_err *e)
{
    /* Paged when limit or cursor is given (the cursor is the position of the next item);
       without them the whole queue, as the home page and older clients read it. */
    static const char *const allowed[] = {"limit", "cursor", "q", "state", NULL};
    const char *lim = req_query(r, "limit"), *cur = req_query(r, "cursor");
    int limit = 0;
    long from = 0;
    if (req_query_only(r, allowed, e) < 0 || (lim && req_limit(r, &limit, e) < 0))
        return -1;
    if (cur) {
        char *end;
        from = strtol(cur, &end, 10);
        if (*end || end == cur || from < 0)
            return err_bad(e, "cursor", "not a cursor of this list");
        if (!lim)
            limit = 50;
    }
    json_t *out;
    if (queue_mine(&r->ctx, limit, (size_t)from, &out, e) < 0)
        return -1;
    static const char *const q_keys[] = {"number", "customer", "customer_name", "type", NULL};
    list_filter_items(out, req_query(r, "q"), req_query(r, "state"), q_keys);
    resp_json(r, 200, out);
    return 0;
}

int h_me_password(struct req *r, struct osb_err *e)
{
    char *token;
    if (session_change_password(&r->ctx, req_body(r), &token, e) < 0)
        return -1;
    resp_json(r, 200, json_pack("{ss}", "token", token));
    free(token);
    return 0;
}

int h_user_end_sessions(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (session_end_user(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_people(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"q", "state", NULL};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || md_people(&r->ctx, &out, e) < 0)
        return -1;
    static const char *const q_keys[] = {"username", "name", NULL};
    list_filter_items(out, req_query(r, "q"), req_query(r, "state"), q_keys);
    resp_json(r, 200, out);
    return 0;
}
