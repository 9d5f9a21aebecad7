/*
 * flow.c — the shared gates of every flow (flow.h).
 */
#include "flow/flow.h"

#include "core/sb.h"
#include "store/audit.h"
#include "store/doc.h"
#include "store/seq.h"

#include <stdlib.h>
#include <string.h>

int flow_need(struct ctx *c, enum perm_action a, struct osb_err *e)
{
    if (perm_may_act(a, c->user.role))
        return 0;
    return err_forbidden(e, "role", "the role %s may not do this", role_str(c->user.role));
}

int flow_need_read(struct ctx *c, enum perm_action a, struct osb_err *e)
{
    if (perm_may_read(a, c->user.role))
        return 0;
    return err_forbidden(e, "role", "the role %s may not see this", role_str(c->user.role));
}

int flow_audit_obo(struct ctx *c, struct osb_err *e, const char *on_behalf_of, const char *action,
                   const char *object_type, const char *object_key, json_t *before, json_t *after)
{
    struct audit_entry a = {
        .at = c->now,
        .actor = c->user.username[0] ? c->user.username : "anonymous",
        .on_behalf_of = on_behalf_of,
        .ip = c->ip,
        .request_id = c->request_id,
        .action = action,
        .object_type = object_type,
        .object_key = object_key,
        .before = before,
        .after = after,
    };
    return audit_append(c->db, e, &a);
}

int flow_audit(struct ctx *c, struct osb_err *e, const char *action, const char *object_type,
               const char *object_key, json_t *before, json_t *after)
{
    return flow_audit_obo(c, e, NULL, action, object_type, object_key, before, after);
}

int flow_audit_settle(struct db *db, struct osb_err *e)
{
    return audit_settle(db, e);
}

date_t flow_today(const struct ctx *c)
{
    return ts_to_date(c->now, c->cfg->tz_min);
}

int flow_docno(struct ctx *c, struct osb_err *e, const char *type, char *out)
{
    return seq_next_docno(c->db, e, c->cfg->doc_prefix, flow_today(c), type, out);
}

void ctx_scope_user(const struct ctx *c, struct scope_user *out)
{
    out->role = c->user.role;
    out->username = c->user.username;
    out->market = c->user.market;
    out->region = c->user.region;
    out->manager = c->user.manager;
    out->proxy_for = c->user.proxy_for;
}

int flow_check_version(struct ctx *c, struct osb_err *e, int64_t current)
{
    if (c->has_if_match && c->if_match != current) {
        err_set(e, ERR_VERSION_CONFLICT, "the object changed (version %lld, you sent %lld)",
                (long long)current, (long long)c->if_match);
        e->extra = json_pack("{sI}", "version", (json_int_t)current);
        return -1;
    }
    return 0;
}

char *flow_cursor_make(json_t *key)
{
    static const char hex[] = "0123456789abcdef";
    char *txt = json_dumps(key, JSON_COMPACT);
    struct sb out = SB_INIT;
    for (const unsigned char *p = (const unsigned char *)txt; *p; p++) {
        sb_addc(&out, hex[*p >> 4]);
        sb_addc(&out, hex[*p & 15]);
    }
    free(txt);
    return sb_detach(&out);
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

int flow_cursor_parse(const char *cursor, size_t n, json_t **key, struct osb_err *e)
{
    *key = NULL;
    size_t len = strlen(cursor);
    struct sb txt = SB_INIT;
    bool ok = len > 0 && len % 2 == 0 && len <= 4096;
    for (size_t i = 0; ok && i < len; i += 2) {
        int hi = hexval(cursor[i]), lo = hexval(cursor[i + 1]);
        ok = hi >= 0 && lo >= 0 && (hi || lo);
        if (ok)
            sb_addc(&txt, (char)(hi << 4 | lo));
    }
    json_t *k = ok ? json_loads(sb_str(&txt), 0, NULL) : NULL;
    sb_free(&txt);
    ok = json_is_array(k) && json_array_size(k) == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = json_is_string(json_array_get(k, i));
    if (!ok) {
        json_decref(k);
        return err_bad(e, "cursor", "cursor is not one this list gave out");
    }
    *key = k;
    return 0;
}

void flow_scope_sql(const struct ctx *c, struct sb *sql, json_t *p, const char *cust)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    store_scope_sql(&su, sql, p, cust);
}

int flow_doc_items(struct ctx *c, json_t *numbers, const char *next, flow_doc_fn fn, json_t **out,
                   struct osb_err *e)
{
    *out = NULL;
    json_t *items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(numbers, i, it)
    {
        json_t *doc;
        if (fn(c, json_string_value(it), &doc, e) < 0) {
            json_decref(items);
            return -1;
        }
        json_array_append_new(items, doc);
    }
    *out =
        json_pack("{so so}", "items", items, "next_cursor", next ? json_string(next) : json_null());
    return 0;
}

void flow_ts(const struct ctx *c, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return;
    char b[32];
    ts_format_rfc3339(json_integer_value(v), c->cfg->tz_min, b);
    /* key is in obj already (so valid UTF-8) and the instant is ASCII: no UTF-8 tests. */
    json_object_set_new_nocheck(obj, key, json_string_nocheck(b));
}

int flow_doc_event(struct ctx *c, struct osb_err *e, const char *table, const char *keycol,
                   const char *number, const char *action, const char *from, const char *to,
                   const char *comment)
{
    return store_doc_event(c->db, e, table, keycol, number, c->now, action, c->user.username, from,
                           to, comment);
}

json_t *flow_doc_timeline(struct ctx *c, struct osb_err *e, const char *table, const char *keycol,
                          const char *number)
{
    json_t *rows = store_doc_timeline(c->db, e, table, keycol, number);
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) flow_ts(c, it, "at");
    return rows;
}

int flow_money_changed(struct ctx *c, const char *customer, struct osb_err *e)
{
    return c->money_changed ? c->money_changed(c, customer, e) : 0;
}

json_t *flow_json_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *flow_json_ts(const struct ctx *c, int64_t t)
{
    if (!t)
        return json_null();
    char b[32];
    ts_format_rfc3339(t, c->cfg->tz_min, b);
    return json_string(b);
}
