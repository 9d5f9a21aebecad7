/*
 * flow.c — the shared gates of every flow (flow.h).
 */
#include "flow/flow.h"

#include "store/audit.h"
#include "store/seq.h"

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

int flow_audit_obo(struct ctx *c, struct osb_err *e, const char *on_behalf_of,
                   const char *action, const char *object_type, const char *object_key,
                   json_t *before, json_t *after)
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

date_t flow_today(const struct ctx *c) { return ts_to_date(c->now, c->cfg->tz_min); }

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
